import { buildDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeReadCasePlan } from "../src/use-cases/case-steps.js";

/** Workflow task `ReadCasePlan`: the plan of the stored case, when containment failed before returning it. */
export const handler = taskFunction(taskInput(StepInputSchema), makeReadCasePlan(buildDeps()));
