import { buildDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { CallbackInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeAwaitResolution } from "../src/use-cases/case-steps.js";

/** Workflow callback task `AwaitResolution`: parks the task token until an agent resolves or closes the case. */
export const handler = taskFunction(taskInput(CallbackInputSchema), makeAwaitResolution(buildDeps()));
