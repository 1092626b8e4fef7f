import { buildTimerWorkflowDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { HandOverInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeHandOverTimer } from "../src/use-cases/timer-execution.js";

/** Timer workflow task `HandOverTimer`: continue-as-new, a fresh execution takes over the timer. */
export const createHandler = (deps: { handOver: ReturnType<typeof makeHandOverTimer> }) =>
  taskFunction(taskInput(HandOverInputSchema), deps.handOver);

export const handler = lazyHandler(() => createHandler({ handOver: makeHandOverTimer(buildTimerWorkflowDeps()) }));
