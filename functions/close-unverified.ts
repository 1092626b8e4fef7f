import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeCloseUnverified } from "../src/use-cases/case-steps.js";

/** Workflow task `CloseUnverified`: closes a case whose reporter never verified. */
export const createHandler = (deps: { closeUnverified: ReturnType<typeof makeCloseUnverified> }) =>
  taskFunction(taskInput(StepInputSchema), deps.closeUnverified);

export const handler = lazyHandler(() =>
  createHandler({ closeUnverified: makeCloseUnverified(buildDeps("close-unverified")) }),
);
