import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { CallbackInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeAwaitResolution } from "../src/use-cases/case-steps.js";

/** Workflow callback task `AwaitResolution`: parks the task token until an agent resolves or closes the case. */
export const createHandler = (deps: { awaitResolution: ReturnType<typeof makeAwaitResolution> }) =>
  taskFunction(taskInput(CallbackInputSchema), deps.awaitResolution);

export const handler = lazyHandler(() =>
  createHandler({ awaitResolution: makeAwaitResolution(buildDeps("await-resolution")) }),
);
