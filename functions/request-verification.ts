import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { CallbackInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeRequestVerification } from "../src/use-cases/case-steps.js";

/** Workflow callback task `RequestVerification`: emails the link, texts the code, parks the task token. */
export const createHandler = (deps: { requestVerification: ReturnType<typeof makeRequestVerification> }) =>
  taskFunction(taskInput(CallbackInputSchema), deps.requestVerification);

export const handler = lazyHandler(() =>
  createHandler({ requestVerification: makeRequestVerification(buildDeps("request-verification")) }),
);
