/**
 * One Lambda execution environment of the local runtime (a worker thread): it loads one function bundle
 * (its cold start, with its own `process.env`, credentials and module state) and runs one invocation at a
 * time. Plain JavaScript on purpose: it runs the bundle as Lambda's Node runtime does, with no TypeScript
 * loader in between.
 *
 * Virtual time: `Date.now()` reads the runtime's clock from shared memory (`[offsetMs, frozenAt | NaN]`), so
 * the function's `systemClock` sees what the rest of the local runtime sees.
 */
import { parentPort, workerData } from "node:worker_threads";

const shared = new Float64Array(workerData.sharedTime);
const realNow = Date.now;
Date.now = () => {
  const frozen = shared[1];
  return Number.isNaN(frozen) ? realNow() + shared[0] : frozen;
};

const errorOf = (error) => ({
  name: typeof error?.name === "string" ? error.name : "Error",
  message: typeof error?.message === "string" ? error.message : String(error),
});

let handler;
const started = performance.now();
try {
  ({ handler } = await import(workerData.bundle));
  if (typeof handler !== "function")
    throw Object.assign(new Error("the module exports no handler"), { name: "Runtime.HandlerNotFound" });
  parentPort.postMessage({ type: "ready", initMs: performance.now() - started });
} catch (error) {
  parentPort.postMessage({ type: "init-error", error: errorOf(error) });
}

parentPort.on("message", async (message) => {
  if (message.type !== "invoke") return;
  // A stalled invocation never answers: the runtime stops this environment at the function's timeout.
  if (message.stall) return;
  const context = {
    ...message.context,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - realNow()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(message.event, context);
    // The response crosses a JSON boundary on Lambda too.
    parentPort.postMessage({ type: "result", id: message.id, ok: true, result: JSON.stringify(result ?? null) });
  } catch (error) {
    parentPort.postMessage({ type: "result", id: message.id, ok: false, error: errorOf(error) });
  }
});
