import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { TimerInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeFireDelivery } from "../src/use-cases/deliveries.js";
import { makeFireSlaTimer } from "../src/use-cases/sla-timer.js";
import { countWake } from "../src/use-cases/timer-execution.js";

/** Timer workflow task `FireTimer`: an SLA milestone or a provider webhook attempt fell due. */
export const createHandler = (fire: {
  sla: ReturnType<typeof makeFireSlaTimer>;
  delivery: ReturnType<typeof makeFireDelivery>;
}) => taskFunction(taskInput(TimerInputSchema), async (timer) => countWake(timer, await fire[timer.kind](timer)));

export const handler = lazyHandler(() => {
  const deps = buildDeps("fire-timer");
  return createHandler({ sla: makeFireSlaTimer(deps), delivery: makeFireDelivery(deps) });
});
