import { buildTimerWorkflowDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { HandOverInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeHandOverTimer } from "../src/use-cases/timer-execution.js";

const handOver = makeHandOverTimer(buildTimerWorkflowDeps());

/** Timer workflow task `HandOverTimer`: continue-as-new, a fresh execution takes over the timer. */
export const handler = taskFunction(taskInput(HandOverInputSchema), handOver);
