import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeCompleteCase } from "../src/use-cases/case-steps.js";

/** Workflow task `CompleteCase`: the closing message with a reopen link; clocks stop. */
export const createHandler = (deps: { completeCase: ReturnType<typeof makeCompleteCase> }) =>
  taskFunction(taskInput(StepInputSchema), deps.completeCase);

export const handler = lazyHandler(() => createHandler({ completeCase: makeCompleteCase(buildDeps("complete-case")) }));
