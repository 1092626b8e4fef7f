/**
 * The local handlers behind every transformed Task and Wait state: Lambda invocations, callback
 * tasks with tokens, and waits, all timed on the virtual clock.
 */
import type { ScheduledItem, VirtualClock } from "../clock.js";
import { type RunOptions, statesTimeoutError } from "./engine.js";
import { lambdaError, runtimeError, taskError } from "./errors.js";
import type { LiveExecution } from "./execution.js";
import { toJsonText } from "./history.js";
import { nextRetry, type RandomSource, type Retrier, retryDelayMs, type TaskFailure } from "./retry.js";
import type { Checkpoint } from "./store.js";
import { type TokenOutcome, TokenRegistry } from "./tokens.js";
import { type TaskSpec, TOKEN_PLACEHOLDER } from "./transform.js";

/**
 * Invokes a Lambda function locally. Resolves with the function's result; rejects with an Error
 * whose `name` is the ASL error name (what Retry/Catch `ErrorEquals` match).
 */
export type LambdaInvoker = (
  functionArn: string,
  payload: unknown,
  options?: { park?: <T>(work: () => Promise<T>) => Promise<T> },
) => Promise<unknown>;

/** Shared services of the task handlers. */
export interface TaskServices {
  clock: VirtualClock;
  invoke: LambdaInvoker;
  tokens: TokenRegistry;
  region: string;
  /** Largest task result in bytes (AWS: 256 KiB); `undefined` = no limit. */
  maxPayloadBytes?: number | undefined;
  /** Task retries wait their Retry intervals on the virtual clock; false retries at once. */
  retryTiming: boolean;
  /** Random source of `JitterStrategy: FULL`. */
  random: RandomSource;
}

/** The engine's `taskResourceLocalHandlers` option. */
export type TaskHandlers = NonNullable<NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"]>;

/** Input a transformed Task receives: the original effective parameters plus resolved *Path values. */
interface TaskInput {
  p: unknown;
  timeout?: unknown;
  heartbeat?: unknown;
}

/** Input a transformed Wait receives. */
interface WaitInput {
  in: unknown;
  seconds?: unknown;
  timestamp?: unknown;
}

type Settled = NonNullable<NonNullable<Checkpoint["callback"]>["settled"]>;

const LAMBDA_EVENTS = {
  succeeded: "LambdaFunctionSucceeded",
  failed: "LambdaFunctionFailed",
  timedOut: "LambdaFunctionTimedOut",
};
const TASK_EVENTS = { succeeded: "TaskSucceeded", failed: "TaskFailed", timedOut: "TaskTimedOut" };
const CALLBACK_RESOURCE = { resourceType: "lambda", resource: "invoke.waitForTaskToken" };

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One handler per Task/Wait state of the execution's machine, keyed by state name as the engine expects. */
export function createTaskHandlers(live: LiveExecution, services: TaskServices): TaskHandlers {
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, spec] of live.plan.tasks) {
    handlers[name] = async (input) => {
      // The engine calls a handler synchronously right after dispatching StateEntered, while the
      // event consumer runs on microtasks: yield once so history keeps StateEntered first.
      await nextMacrotask();
      if (spec.kind === "wait") return runWait(live, services, name, input as WaitInput);
      return runTask(live, services, name, spec, input as TaskInput);
    };
  }
  return handlers as unknown as TaskHandlers;
}

/**
 * Runs a Task with its `Retry` (`retry.ts`): after a failure a matching retrier waits its interval on the
 * virtual clock (parked, so `advance()` moves to it) and the task runs again, with new Scheduled/Started
 * events but no new StateEntered, as on AWS. A resumed execution continues a pending retry wait with its
 * counters, or the callback of the attempt under way.
 */
async function runTask(
  live: LiveExecution,
  services: TaskServices,
  name: string,
  spec: TaskSpec,
  input: TaskInput,
): Promise<unknown> {
  const resumed = live.takeResume(name);
  const attempts = resumed?.retry?.attempts.slice() ?? spec.retriers.map(() => 0);
  let callback = resumed?.callback;
  let dueMs = callback ? undefined : resumed?.retry?.dueMs;
  for (;;) {
    if (dueMs !== undefined && dueMs > services.clock.now()) {
      const until = dueMs;
      const label = `${live.record.name}: ${name} (retry)`;
      await live.park(() => services.clock.sleepUntil(until, live.stop.signal, label));
    }
    try {
      return spec.kind === "callback"
        ? await runCallback(live, services, name, spec, input, callback)
        : await runLambda(live, services, name, spec, input);
    } catch (error) {
      const retry = nextRetry(spec.retriers, attempts, error as TaskFailure);
      if (!retry || !live.isActive) throw error;
      attempts[retry.index] = retry.retry;
      const delayMs = services.retryTiming
        ? retryDelayMs(spec.retriers[retry.index] as Retrier, retry.retry, services.random)
        : 0;
      dueMs = services.clock.now() + delayMs;
      callback = undefined;
      live.retrying(name, { dueMs, attempts });
    }
  }
}

/**
 * Arms (or re-arms, for a heartbeat) a token's virtual-clock deadline; when it passes, the task
 * fails with `States.Timeout` or `States.HeartbeatTimeout`.
 */
export function armTokenTimer(
  services: TaskServices,
  token: string,
  kind: "timeout" | "heartbeat",
  dueMs: number,
  stateName: string,
): void {
  const errorName = kind === "timeout" ? "States.Timeout" : "States.HeartbeatTimeout";
  const cause = kind === "timeout" ? "Task timed out" : "Task did not send a heartbeat in time";
  const item = services.clock.schedule(
    dueMs,
    async () =>
      closeIfPending(services.tokens, token, { ok: false, error: await statesTimeoutError(errorName, cause) }),
    { label: `${stateName}: ${kind}` },
  );
  services.tokens.setTimer(token, kind, item);
}

async function runWait(live: LiveExecution, services: TaskServices, name: string, input: WaitInput): Promise<unknown> {
  const now = services.clock.now();
  const dueMs = live.takeResume(name)?.wait?.dueMs ?? waitDueMs(input, live.enteredAtOf(name) ?? now);
  if (dueMs > now) {
    live.updateCheckpoint(name, { wait: { dueMs } });
    const label = `${live.record.name}: ${name} (Wait)`;
    await live.park(() => services.clock.sleepUntil(dueMs, live.stop.signal, label));
  }
  return input.in;
}

async function runLambda(
  live: LiveExecution,
  services: TaskServices,
  name: string,
  spec: TaskSpec,
  input: TaskInput,
): Promise<unknown> {
  const timeoutSeconds = positiveSeconds(input.timeout, "TimeoutSecondsPath") ?? spec.timeoutSeconds;
  const plain = spec.kind === "lambda";
  const parameters = (input.p ?? {}) as { FunctionName?: unknown; Payload?: unknown };
  const functionName = plain ? spec.resource : String(parameters.FunctionName);
  const payload = plain ? input.p : (parameters.Payload ?? {});
  const names = plain ? LAMBDA_EVENTS : TASK_EVENTS;
  // AWS names plain Lambda ARN tasks LambdaFunction* events and integrations Task* events.
  const resource = plain ? {} : { resourceType: "lambda", resource: "invoke" };
  const timeout = timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds };
  // One instant for the Scheduled/Started events and the deadline: TimeoutSeconds counts from the start.
  const startedAt = services.clock.now();
  if (plain) {
    live.event(
      "LambdaFunctionScheduled",
      { resource: spec.resource, input: toJsonText(payload), ...timeout },
      startedAt,
    );
    live.event("LambdaFunctionStarted", undefined, startedAt);
  } else {
    const scheduled = { ...resource, region: services.region, parameters: toJsonText(input.p), ...timeout };
    live.event("TaskScheduled", scheduled, startedAt);
    live.event("TaskStarted", resource, startedAt);
  }
  try {
    const result = await live.invoking(() => {
      const invocation = invokeLambda(live, services, functionName, payload);
      if (timeoutSeconds === undefined) return invocation;
      return withDeadline(services.clock, invocation, startedAt + timeoutSeconds * 1000, `${name}: timeout`);
    });
    const output = plain ? result : { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
    live.event(names.succeeded, { ...resource, output: toJsonText(output) });
    return output;
  } catch (error) {
    const { name: errorName, message } = error as Error;
    const failure = errorName === "States.Timeout" ? names.timedOut : names.failed;
    live.event(failure, { ...resource, error: errorName, cause: message });
    throw error;
  }
}

async function runCallback(
  live: LiveExecution,
  services: TaskServices,
  name: string,
  spec: TaskSpec,
  input: TaskInput,
  resumed: Checkpoint["callback"],
): Promise<unknown> {
  // Ended before the restart but the next state was not reached: continue with that outcome.
  if (resumed?.settled) return replaySettled(resumed.settled);
  const now = services.clock.now();
  const timeoutSeconds = positiveSeconds(input.timeout, "TimeoutSecondsPath") ?? spec.timeoutSeconds;
  const heartbeatSeconds = resumed
    ? resumed.heartbeatSeconds
    : (positiveSeconds(input.heartbeat, "HeartbeatSecondsPath") ?? spec.heartbeatSeconds);
  // A resumed callback keeps its token and deadlines: the request the Lambda sent (an email with the
  // token, say) is still out there, so the Lambda is not invoked again either.
  const token = resumed?.token ?? TokenRegistry.mint();
  const timeoutDueMs = resumed ? resumed.timeoutDueMs : addSeconds(now, timeoutSeconds);
  const heartbeatDueMs = resumed ? resumed.heartbeatDueMs : addSeconds(now, heartbeatSeconds);

  const owner = { executionArn: live.record.executionArn, stateName: name, heartbeatSeconds };
  // Settled-outcome form, attached at once: the token may fail while the Lambda is still running.
  const outcome = services.tokens.open(token, owner, live.stop.signal).then(
    (output): TokenOutcome => ({ ok: true, output }),
    (error: Error): TokenOutcome => ({ ok: false, error }),
  );
  if (timeoutDueMs !== undefined) armTokenTimer(services, token, "timeout", timeoutDueMs, name);
  if (heartbeatDueMs !== undefined) armTokenTimer(services, token, "heartbeat", heartbeatDueMs, name);
  live.updateCheckpoint(name, { callback: { token, timeoutDueMs, heartbeatDueMs, heartbeatSeconds } });
  if (!resumed) await startCallback(live, services, token, input.p, { timeoutSeconds, heartbeatSeconds }, now);

  const result = await live.park(() => outcome);
  if (result.ok) {
    live.event("TaskSucceeded", { ...CALLBACK_RESOURCE, output: toJsonText(result.output) });
    return result.output;
  }
  const { name: errorName, message } = result.error;
  const timedOut = errorName === "States.Timeout" || errorName === "States.HeartbeatTimeout";
  live.event(timedOut ? "TaskTimedOut" : "TaskFailed", { ...CALLBACK_RESOURCE, error: errorName, cause: message });
  throw result.error;
}

/** Invokes the callback's Lambda with the real token; if it throws, the task fails with its error. */
async function startCallback(
  live: LiveExecution,
  services: TaskServices,
  token: string,
  rawParameters: unknown,
  limits: { timeoutSeconds: number | undefined; heartbeatSeconds: number | undefined },
  startedAt: number,
): Promise<void> {
  const parameters = replaceToken(rawParameters ?? {}, token) as { FunctionName?: unknown; Payload?: unknown };
  live.event(
    "TaskScheduled",
    {
      ...CALLBACK_RESOURCE,
      region: services.region,
      parameters: toJsonText(parameters),
      ...(limits.timeoutSeconds !== undefined && { timeoutInSeconds: limits.timeoutSeconds }),
      ...(limits.heartbeatSeconds !== undefined && { heartbeatInSeconds: limits.heartbeatSeconds }),
    },
    startedAt,
  );
  live.event("TaskStarted", CALLBACK_RESOURCE, startedAt);
  try {
    const result = await live.invoking(() =>
      invokeLambda(live, services, String(parameters.FunctionName), parameters.Payload ?? {}),
    );
    const output = { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
    live.event("TaskSubmitted", { ...CALLBACK_RESOURCE, output: toJsonText(output) });
  } catch (error) {
    closeIfPending(services.tokens, token, { ok: false, error: error as Error });
  }
}

async function invokeLambda(
  live: LiveExecution,
  services: TaskServices,
  functionName: string,
  payload: unknown,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await services.invoke(functionName, payload, { park: (work) => live.parkInvocation(work) });
  } catch (error) {
    throw lambdaError(error);
  }
  // Results cross a JSON boundary in AWS; a handler must not share mutable objects with the engine.
  const text = toJsonText(result);
  if (services.maxPayloadBytes !== undefined && Buffer.byteLength(text) > services.maxPayloadBytes) {
    throw Object.assign(
      taskError(
        "States.DataLimitExceeded",
        `The state/task '${functionName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      ),
      // A terminal error: States.ALL does not catch it, no retrier retries it.
      { isRetryable: false, isCatchable: false },
    );
  }
  return JSON.parse(text);
}

/** Rejects with States.Timeout when virtual time reaches `dueMs` before `work` settles. */
async function withDeadline<T>(clock: VirtualClock, work: Promise<T>, dueMs: number, label: string): Promise<T> {
  let timer: ScheduledItem | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.schedule(dueMs, async () => reject(await statesTimeoutError("States.Timeout", "Task timed out")), {
      label,
    });
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    timer?.cancel();
  }
}

function closeIfPending(tokens: TokenRegistry, token: string, outcome: TokenOutcome): void {
  try {
    tokens.close(token, outcome);
  } catch {
    // Already closed (sent, timed out or stopped): the first outcome wins, as in AWS.
  }
}

async function replaySettled(settled: Settled): Promise<unknown> {
  if ("output" in settled) return settled.output;
  if (settled.error === "States.Timeout" || settled.error === "States.HeartbeatTimeout") {
    throw await statesTimeoutError(settled.error, settled.cause);
  }
  throw taskError(settled.error, settled.cause);
}

function waitDueMs(input: WaitInput, enteredAt: number): number {
  if ("seconds" in input) {
    const seconds = input.seconds;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) {
      throw runtimeError(`Wait seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`);
    }
    return enteredAt + seconds * 1000;
  }
  if ("timestamp" in input) {
    const at = typeof input.timestamp === "string" ? Date.parse(input.timestamp) : Number.NaN;
    if (Number.isNaN(at))
      throw runtimeError(`Wait timestamp is not an ISO-8601 time: ${JSON.stringify(input.timestamp)}`);
    return at;
  }
  throw runtimeError("Wait state has none of Seconds, SecondsPath, Timestamp, TimestampPath");
}

function positiveSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw runtimeError(`${field} must resolve to a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function addSeconds(ms: number, seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : ms + seconds * 1000;
}

/** Deep-replaces the `$$.Task.Token` placeholder, also inside strings built with States.Format. */
function replaceToken(value: unknown, token: string): unknown {
  if (typeof value === "string") return value.replaceAll(TOKEN_PLACEHOLDER, token);
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replaceToken(inner, token)]));
  }
  return value;
}
