import { buildDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeCompleteCase } from "../src/use-cases/case-steps.js";

/** Workflow task `CompleteCase`: the closing message with a reopen link; clocks stop. */
export const handler = taskFunction(taskInput(StepInputSchema), makeCompleteCase(buildDeps()));
