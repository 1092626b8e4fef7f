import { buildDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeCloseUnverified } from "../src/use-cases/case-steps.js";

/** Workflow task `CloseUnverified`: closes a case whose reporter never verified. */
export const handler = taskFunction(taskInput(StepInputSchema), makeCloseUnverified(buildDeps()));
