import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeReadCasePlan } from "../src/use-cases/case-steps.js";

/** Workflow task `ReadCasePlan`: the plan of the stored case, when containment failed before returning it. */
export const createHandler = (deps: { readCasePlan: ReturnType<typeof makeReadCasePlan> }) =>
  taskFunction(taskInput(StepInputSchema), deps.readCasePlan);

export const handler = lazyHandler(() =>
  createHandler({ readCasePlan: makeReadCasePlan(buildDeps("read-case-plan")) }),
);
