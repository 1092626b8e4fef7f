/**
 * The execution runtime: runs executions of planned state machines on aws-local-stepfunctions with
 * all timing on the virtual clock, keeps the execution registry, history and task tokens, persists
 * every execution and resumes the running ones after a restart.
 */
import { randomUUID } from "node:crypto";
import type { ScheduledItem, VirtualClock } from "../clock.js";
import { type EngineEvent, ExecutionError, type RunOptions, StateMachine, statesTimeoutError } from "./engine.js";
import { cancelledError, lambdaError, runtimeError, SfnApiError, taskError } from "./errors.js";
import { appendEvent, fromEngineEvent, toJsonText } from "./history.js";
import type { Checkpoint, ExecutionRecord, ExecutionStatus, ExecutionStore } from "./store.js";
import { type TokenOutcome, TokenRegistry } from "./tokens.js";
import {
  type MachinePlan,
  type TaskSpec,
  TOKEN_PLACEHOLDER,
  VIRTUAL_START_TIME_KEY,
  withResumeEntry,
} from "./transform.js";

/**
 * Invokes a Lambda function locally. Resolves with the function's result; rejects with an Error
 * whose `name` is the ASL error name (what Retry/Catch `ErrorEquals` match).
 */
export type LambdaInvoker = (functionArn: string, payload: unknown) => Promise<unknown>;

/** Minimal logger (Powertools Logger fits). */
export interface SfnLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** Counters for tests and diagnostics. */
export interface SfnStats {
  /** Executions with status RUNNING. */
  running: number;
  /** Callback tasks waiting for SendTaskSuccess/Failure. */
  pendingTokens: number;
  /** `*StateEntered` events (billed state transitions, retries excluded) per execution ARN. */
  transitions: Record<string, number>;
}

/** What {@link SfnRuntime} needs. */
export interface RuntimeOptions {
  clock: VirtualClock;
  invoke: LambdaInvoker;
  store: ExecutionStore;
  plans: MachinePlan[];
  region: string;
  accountId: string;
  logger: SfnLogger;
}

type Handlers = NonNullable<NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"]>;
type EngineContext = RunOptions["context"];
type RunOutcome = { ok: true; output: unknown } | { ok: false; error: unknown };

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

interface LiveExecution {
  record: ExecutionRecord;
  plan: MachinePlan;
  /** Aborted on stop, execution timeout and shutdown: rejects the parked handler. */
  stop: AbortController;
  abortEngine: () => void;
  /** Handlers waiting on the clock or a token. An execution is idle when parked and not invoking. */
  parked: number;
  /** Lambda invocations in flight. */
  active: number;
  /** Checkpoint being resumed; consumed by the first handler of its state. */
  resume: Checkpoint | undefined;
  /** The resumed state is entered again by the engine; that entry is not a new transition. */
  skipEntered: string | undefined;
  timeout: ScheduledItem | undefined;
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Execution runtime behind the Step Functions API. */
export class SfnRuntime {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly live = new Map<string, LiveExecution>();
  private readonly finishing = new Set<Promise<void>>();
  private readonly plans = new Map<string, MachinePlan>();
  private readonly tokens: TokenRegistry;
  private idleWaiters: Array<() => void> = [];
  private closing = false;

  constructor(private readonly options: RuntimeOptions) {
    for (const plan of options.plans) {
      if (this.plans.has(plan.name)) throw new Error(`Duplicate state machine name "${plan.name}"`);
      this.plans.set(plan.name, plan);
    }
    this.tokens = new TokenRegistry((token, executionArn, outcome) => this.onTokenClosed(token, executionArn, outcome));
    const unreadable = (file: string, error: unknown): void =>
      options.logger.warn("sfn: skipping unreadable execution file", { file, error: String(error) });
    for (const record of options.store.loadAll(unreadable)) {
      this.records.set(record.executionArn, record);
      for (const token of record.closedTokens) this.tokens.remember(token, record.executionArn);
    }
  }

  /** `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${name}`;
  }

  /** The plans of all known state machines. */
  stateMachines(): MachinePlan[] {
    return [...this.plans.values()];
  }

  /** The plan behind a state machine ARN, or the AWS error. */
  requireStateMachine(stateMachineArn: unknown): MachinePlan {
    const arn = requireString(stateMachineArn, "stateMachineArn");
    const match = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/.exec(arn);
    if (!match) throw new SfnApiError("InvalidArn", `Invalid Arn: '${arn}'`);
    const plan = this.plans.get(match[1] as string);
    if (!plan || this.stateMachineArn(plan.name) !== arn) {
      throw new SfnApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    }
    return plan;
  }

  /**
   * StartExecution. Like AWS Standard workflows it is idempotent by name: the same name and input as
   * a RUNNING execution returns that execution; otherwise a reused name is ExecutionAlreadyExists.
   */
  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): ExecutionRecord {
    const plan = this.requireStateMachine(request.stateMachineArn);
    const name = request.name === undefined ? randomUUID() : requireString(request.name, "name");
    if (!isValidExecutionName(name)) throw new SfnApiError("InvalidName", `Invalid Name: '${name}'`);
    const input = request.input === undefined ? "{}" : requireString(request.input, "input");
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new SfnApiError("InvalidExecutionInput", "Invalid State Machine Execution Input: not valid JSON");
    }
    const executionArn = `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${plan.name}:${name}`;
    const existing = this.records.get(executionArn);
    if (existing) {
      if (existing.status === "RUNNING" && existing.input === input) return existing;
      throw new SfnApiError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      version: 1,
      executionArn,
      stateMachineArn: this.stateMachineArn(plan.name),
      stateMachineName: plan.name,
      name,
      input,
      status: "RUNNING",
      startDate: this.options.clock.now(),
      history: [],
      transitions: 0,
      closedTokens: [],
    };
    appendEvent(record, record.startDate, "ExecutionStarted", {
      input: toJsonText(parsedInput),
      inputDetails: { truncated: false },
      roleArn: this.roleArn(),
      stateMachineArn: record.stateMachineArn,
    });
    this.records.set(executionArn, record);
    this.options.store.save(record);
    this.launch(record, plan, undefined);
    return record;
  }

  /** DescribeExecution / GetExecutionHistory source. */
  requireExecution(executionArn: unknown): ExecutionRecord {
    const arn = requireString(executionArn, "executionArn");
    const record = this.records.get(arn);
    if (!record) throw new SfnApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  /** ListExecutions: newest first. */
  listExecutions(stateMachineArn: unknown, statusFilter?: ExecutionStatus): ExecutionRecord[] {
    const plan = this.requireStateMachine(stateMachineArn);
    return [...this.records.values()]
      .filter((record) => record.stateMachineName === plan.name && (!statusFilter || record.status === statusFilter))
      .sort((a, b) => b.startDate - a.startDate);
  }

  /** StopExecution: ABORTED, and every pending wait, token and timer of the execution is released. */
  stopExecution(executionArn: unknown, error?: string, cause?: string): ExecutionRecord {
    const record = this.requireExecution(executionArn);
    if (record.status === "RUNNING") {
      this.terminate(record, "ABORTED", "ExecutionAborted", { error, cause });
    }
    return record;
  }

  /** SendTaskSuccess: `output` must be JSON text. */
  sendTaskSuccess(token: unknown, output: unknown): void {
    const taskToken = requireString(token, "taskToken");
    const text = requireString(output, "output");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SfnApiError("InvalidOutput", "Invalid Output: not valid JSON");
    }
    this.tokens.close(taskToken, { ok: true, output: parsed });
  }

  /** SendTaskFailure: the task fails with ASL error `error` (catchable) and `cause`. */
  sendTaskFailure(token: unknown, error?: string, cause?: string): void {
    this.tokens.close(requireString(token, "taskToken"), { ok: false, error: taskError(error ?? "", cause ?? "") });
  }

  /** SendTaskHeartbeat: restarts the HeartbeatSeconds window of the task. */
  sendTaskHeartbeat(token: unknown): void {
    const taskToken = requireString(token, "taskToken");
    const entry = this.tokens.require(taskToken);
    if (entry.heartbeatSeconds === undefined) return;
    const dueMs = this.options.clock.now() + entry.heartbeatSeconds * 1000;
    this.armTokenTimer(taskToken, "heartbeat", dueMs, entry.stateName);
    const live = this.live.get(entry.executionArn);
    const callback = live?.record.checkpoint?.callback;
    if (live && callback?.token === taskToken) {
      callback.heartbeatDueMs = dueMs;
      this.persist(live.record);
    }
  }

  /**
   * Re-runs every RUNNING execution found in the state directory from its checkpoint, then waits until
   * they are all idle again (parked on a Wait or a callback, or finished).
   */
  async resumeAll(): Promise<void> {
    for (const record of this.records.values()) {
      if (record.status !== "RUNNING" || this.live.has(record.executionArn)) continue;
      const plan = this.plans.get(record.stateMachineName);
      if (!plan) {
        this.options.logger.warn("sfn: cannot resume, state machine no longer defined", { arn: record.executionArn });
        continue;
      }
      const checkpoint = record.checkpoint;
      if (checkpoint && !plan.topLevel.has(checkpoint.state)) {
        this.terminate(record, "FAILED", "ExecutionFailed", {
          error: "States.Runtime",
          cause: `Cannot resume: state "${checkpoint.state}" is no longer in the definition`,
        });
        continue;
      }
      this.options.logger.info("sfn: resuming execution", { arn: record.executionArn, state: checkpoint?.state });
      this.launch(record, plan, checkpoint);
    }
    await this.waitIdle();
  }

  /** Resolves once every live execution is parked on a Wait or callback (or has finished). */
  async waitIdle(): Promise<void> {
    for (;;) {
      // Engine transitions run on microtasks; let them happen before judging.
      await nextMacrotask();
      if (this.isIdle()) return;
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Counters for tests and diagnostics. */
  stats(): SfnStats {
    const records = [...this.records.values()];
    return {
      running: records.filter((record) => record.status === "RUNNING").length,
      pendingTokens: this.tokens.pendingCount,
      transitions: Object.fromEntries(records.map((record) => [record.executionArn, record.transitions])),
    };
  }

  /**
   * Stops all engines and releases their timers and tokens WITHOUT changing the persisted records:
   * RUNNING executions stay RUNNING on disk so the next process resumes them.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const live of this.live.values()) {
      live.timeout?.cancel();
      live.abortEngine();
      live.stop.abort(cancelledError());
    }
    await Promise.allSettled([...this.finishing]);
    this.notifyIdle();
  }

  private launch(record: ExecutionRecord, plan: MachinePlan, checkpoint: Checkpoint | undefined): void {
    const live: LiveExecution = {
      record,
      plan,
      stop: new AbortController(),
      abortEngine: () => undefined,
      parked: 0,
      active: 0,
      resume: checkpoint,
      skipEntered: checkpoint?.state,
      timeout: undefined,
    };
    this.live.set(record.executionArn, live);
    const machine = checkpoint
      ? new StateMachine(withResumeEntry(plan, checkpoint.state, checkpoint.input), {
          validationOptions: { noValidate: true },
        })
      : plan.machine;
    const run = machine.run(JSON.parse(record.input), {
      overrides: { taskResourceLocalHandlers: this.handlersFor(live), retryIntervalOverrides: plan.retryOverrides },
      context: this.contextFor(record),
    });
    live.abortEngine = run.abort;
    // Attached at once: an early failure must never surface as an unhandled rejection.
    const outcome = run.result.then(
      (output): RunOutcome => ({ ok: true, output }),
      (error: unknown): RunOutcome => ({ ok: false, error }),
    );
    const finished = Promise.all([outcome, this.consume(live, run.eventLogs)])
      .then(([result]) => this.finish(live, result))
      .catch((error: unknown) => this.options.logger.error("sfn: finishing execution failed", { error: String(error) }))
      .finally(() => this.finishing.delete(finished));
    this.finishing.add(finished);
    if (plan.timeoutSeconds !== undefined) {
      live.timeout = this.options.clock.schedule(
        record.startDate + plan.timeoutSeconds * 1000,
        () => this.terminate(record, "TIMED_OUT", "ExecutionTimedOut", { error: "States.Timeout", cause: "" }),
        { label: `${record.name}: execution timeout` },
      );
    }
  }

  private contextFor(record: ExecutionRecord): EngineContext {
    return {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        RoleArn: this.roleArn(),
        [VIRTUAL_START_TIME_KEY]: new Date(record.startDate).toISOString(),
      },
      StateMachine: { Id: record.stateMachineArn, Name: record.stateMachineName },
      Task: { Token: TOKEN_PLACEHOLDER },
    };
  }

  /** The role ARN reported for executions (local executions assume no role). */
  roleArn(): string {
    return `arn:aws:iam::${this.options.accountId}:role/local-step-functions`;
  }

  private handlersFor(live: LiveExecution): Handlers {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, spec] of live.plan.tasks) {
      handlers[name] = async (input) => {
        // The engine calls a handler synchronously right after dispatching StateEntered, while the
        // event consumer runs on microtasks: yield once so history keeps StateEntered first.
        await nextMacrotask();
        if (spec.kind === "wait") return this.runWait(live, name, input as WaitInput);
        if (spec.kind === "callback") return this.runCallback(live, name, spec, input as TaskInput);
        return this.runLambda(live, name, spec, input as TaskInput);
      };
    }
    return handlers as unknown as Handlers;
  }

  private async runWait(live: LiveExecution, name: string, input: WaitInput): Promise<unknown> {
    const now = this.options.clock.now();
    const dueMs = this.takeResume(live, name)?.wait?.dueMs ?? waitDueMs(input, now);
    if (dueMs > now) {
      this.updateCheckpoint(live, name, { wait: { dueMs } });
      await this.park(live, () =>
        this.options.clock.sleepUntil(dueMs, live.stop.signal, `${live.record.name}: ${name} (Wait)`),
      );
    }
    return input.in;
  }

  private async runLambda(live: LiveExecution, name: string, spec: TaskSpec, input: TaskInput): Promise<unknown> {
    const timeoutSeconds = positiveSeconds(input.timeout, "TimeoutSecondsPath") ?? spec.timeoutSeconds;
    const plain = spec.kind === "lambda";
    const parameters = (input.p ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    const functionName = plain ? spec.resource : String(parameters.FunctionName);
    const payload = plain ? input.p : (parameters.Payload ?? {});
    const names = plain ? LAMBDA_EVENTS : TASK_EVENTS;
    const resource = plain ? { resource: spec.resource } : { resourceType: "lambda", resource: "invoke" };
    if (plain) {
      this.event(live, "LambdaFunctionScheduled", {
        resource: spec.resource,
        input: toJsonText(payload),
        ...(timeoutSeconds !== undefined && { timeoutInSeconds: timeoutSeconds }),
      });
      this.event(live, "LambdaFunctionStarted");
    } else {
      this.event(live, "TaskScheduled", {
        ...resource,
        region: this.options.region,
        parameters: toJsonText(input.p),
        ...(timeoutSeconds !== undefined && { timeoutInSeconds: timeoutSeconds }),
      });
      this.event(live, "TaskStarted", resource);
    }
    live.active++;
    try {
      const invocation = this.invokeLambda(functionName, payload);
      const result =
        timeoutSeconds === undefined
          ? await invocation
          : await this.withDeadline(invocation, this.options.clock.now() + timeoutSeconds * 1000, `${name} timeout`);
      const output = plain ? result : { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
      this.event(live, names.succeeded, { ...(plain ? {} : resource), output: toJsonText(output) });
      return output;
    } catch (error) {
      const { name: errorName, message } = error as Error;
      const timedOut = errorName === "States.Timeout";
      this.event(live, timedOut ? names.timedOut : names.failed, {
        ...(plain ? {} : resource),
        error: errorName,
        cause: message,
      });
      throw error;
    } finally {
      live.active--;
      this.notifyIdle();
    }
  }

  private async runCallback(live: LiveExecution, name: string, spec: TaskSpec, input: TaskInput): Promise<unknown> {
    const resource = { resourceType: "lambda", resource: "invoke.waitForTaskToken" };
    const resumed = this.takeResume(live, name)?.callback;
    if (resumed?.settled) return this.replaySettled(resumed.settled);
    const now = this.options.clock.now();
    const timeoutSeconds = positiveSeconds(input.timeout, "TimeoutSecondsPath") ?? spec.timeoutSeconds;
    const heartbeatSeconds = resumed
      ? resumed.heartbeatSeconds
      : (positiveSeconds(input.heartbeat, "HeartbeatSecondsPath") ?? spec.heartbeatSeconds);
    const token = resumed?.token ?? TokenRegistry.mint();
    const timeoutDueMs = resumed ? resumed.timeoutDueMs : addSeconds(now, timeoutSeconds);
    const heartbeatDueMs = resumed ? resumed.heartbeatDueMs : addSeconds(now, heartbeatSeconds);

    const owner = { executionArn: live.record.executionArn, stateName: name, heartbeatSeconds };
    // Settled-outcome form, attached at once: the token may fail while the Lambda is still running.
    const outcome = this.tokens.open(token, owner, live.stop.signal).then(
      (output): TokenOutcome => ({ ok: true, output }),
      (error: Error): TokenOutcome => ({ ok: false, error }),
    );
    if (timeoutDueMs !== undefined) this.armTokenTimer(token, "timeout", timeoutDueMs, name);
    if (heartbeatDueMs !== undefined) this.armTokenTimer(token, "heartbeat", heartbeatDueMs, name);
    this.updateCheckpoint(live, name, { callback: { token, timeoutDueMs, heartbeatDueMs, heartbeatSeconds } });

    if (!resumed) {
      // A resumed callback keeps its token and does not invoke the Lambda again: the request it sent
      // (an email with the token, say) is still valid.
      const parameters = replaceToken(input.p ?? {}, token) as { FunctionName?: unknown; Payload?: unknown };
      this.event(live, "TaskScheduled", {
        ...resource,
        region: this.options.region,
        parameters: toJsonText(parameters),
        ...(timeoutSeconds !== undefined && { timeoutInSeconds: timeoutSeconds }),
        ...(heartbeatSeconds !== undefined && { heartbeatInSeconds: heartbeatSeconds }),
      });
      this.event(live, "TaskStarted", resource);
      live.active++;
      try {
        const result = await this.invokeLambda(String(parameters.FunctionName), parameters.Payload ?? {});
        const output = { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
        this.event(live, "TaskSubmitted", { ...resource, output: toJsonText(output) });
      } catch (error) {
        this.closeIfPending(token, { ok: false, error: error as Error });
      } finally {
        live.active--;
        this.notifyIdle();
      }
    }

    const result = await this.park(live, () => outcome);
    if (result.ok) {
      this.event(live, "TaskSucceeded", { ...resource, output: toJsonText(result.output) });
      return result.output;
    }
    const { name: errorName, message } = result.error;
    const timedOut = errorName === "States.Timeout" || errorName === "States.HeartbeatTimeout";
    this.event(live, timedOut ? "TaskTimedOut" : "TaskFailed", { ...resource, error: errorName, cause: message });
    throw result.error;
  }

  private async invokeLambda(functionName: string, payload: unknown): Promise<unknown> {
    let result: unknown;
    try {
      result = await this.options.invoke(functionName, payload);
    } catch (error) {
      throw lambdaError(error);
    }
    // Results cross a JSON boundary in AWS; a handler must not share mutable objects with the engine.
    return JSON.parse(toJsonText(result));
  }

  /** Rejects with States.Timeout when virtual time reaches `dueMs` before `work` settles. */
  private async withDeadline<T>(work: Promise<T>, dueMs: number, label: string): Promise<T> {
    let timer: ScheduledItem | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = this.options.clock.schedule(
        dueMs,
        async () => reject(await statesTimeoutError("States.Timeout", "Task timed out")),
        { label },
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      timer?.cancel();
    }
  }

  private armTokenTimer(token: string, kind: "timeout" | "heartbeat", dueMs: number, stateName: string): void {
    const errorName = kind === "timeout" ? "States.Timeout" : "States.HeartbeatTimeout";
    const cause = kind === "timeout" ? "Task timed out" : "Task did not send a heartbeat in time";
    const item = this.options.clock.schedule(
      dueMs,
      async () => this.closeIfPending(token, { ok: false, error: await statesTimeoutError(errorName, cause) }),
      { label: `${stateName}: ${kind}` },
    );
    this.tokens.setTimer(token, kind, item);
  }

  private closeIfPending(token: string, outcome: TokenOutcome): void {
    try {
      this.tokens.close(token, outcome);
    } catch {
      // Already closed (sent, timed out or stopped): the first outcome wins, as in AWS.
    }
  }

  /**
   * Records how a callback ended in its checkpoint before the API answers, so a restart right after
   * SendTaskSuccess continues with that output instead of waiting on the token again.
   */
  private onTokenClosed(token: string, executionArn: string, outcome: TokenOutcome): void {
    const record = this.records.get(executionArn);
    if (!record || this.closing) return;
    record.closedTokens.push(token);
    const callback = record.checkpoint?.callback;
    if (callback?.token === token) {
      callback.settled = outcome.ok
        ? { output: outcome.output }
        : { error: outcome.error.name, cause: outcome.error.message };
    }
    if (record.status === "RUNNING") this.persist(record);
  }

  private async replaySettled(settled: NonNullable<NonNullable<Checkpoint["callback"]>["settled"]>): Promise<unknown> {
    if ("output" in settled) return settled.output;
    if (settled.error === "States.Timeout" || settled.error === "States.HeartbeatTimeout") {
      throw await statesTimeoutError(settled.error, settled.cause);
    }
    throw taskError(settled.error, settled.cause);
  }

  private async park<T>(live: LiveExecution, wait: () => Promise<T>): Promise<T> {
    live.parked++;
    this.notifyIdle();
    try {
      return await wait();
    } finally {
      live.parked--;
      this.notifyIdle();
    }
  }

  private takeResume(live: LiveExecution, name: string): Checkpoint | undefined {
    const resume = live.resume;
    if (resume?.state !== name) return undefined;
    live.resume = undefined;
    return resume;
  }

  private updateCheckpoint(live: LiveExecution, name: string, extra: Partial<Checkpoint>): void {
    const checkpoint = live.record.checkpoint;
    if (checkpoint?.state !== name || !this.isActive(live.record)) return;
    Object.assign(checkpoint, extra);
    this.persist(live.record);
  }

  private async consume(live: LiveExecution, events: AsyncGenerator<EngineEvent>): Promise<void> {
    try {
      for await (const event of events) this.onEngineEvent(live, event);
    } catch (error) {
      this.options.logger.error("sfn: reading engine events failed", { error: String(error) });
    }
  }

  private onEngineEvent(live: LiveExecution, event: EngineEvent): void {
    const mapped = fromEngineEvent(event, live.plan.stateTypes);
    if (!mapped || !this.isActive(live.record)) return;
    if (event.type === "StateEntered") {
      const name = event.state.name;
      if (live.skipEntered === name) {
        live.skipEntered = undefined;
        return;
      }
      this.event(live, mapped.type, mapped.details);
      if (live.plan.topLevel.has(name)) {
        live.record.checkpoint = { state: name, input: event.state.input };
        this.persist(live.record);
      }
      return;
    }
    this.event(live, mapped.type, mapped.details);
  }

  private finish(live: LiveExecution, result: RunOutcome): void {
    live.timeout?.cancel();
    this.live.delete(live.record.executionArn);
    const record = live.record;
    if (this.isActive(record)) {
      const now = this.options.clock.now();
      if (result.ok) {
        const output = toJsonText(result.output);
        appendEvent(record, now, "ExecutionSucceeded", { output, outputDetails: { truncated: false } });
        Object.assign(record, { status: "SUCCEEDED", output, stopDate: now });
      } else {
        const failure = result.error instanceof ExecutionError ? result.error.cause : result.error;
        const error = failure instanceof Error ? failure.name : "States.Runtime";
        const cause = failure instanceof Error ? failure.message : String(failure);
        appendEvent(record, now, "ExecutionFailed", { error, cause });
        Object.assign(record, { status: "FAILED", error, cause, stopDate: now });
      }
      delete record.checkpoint;
      this.persist(record);
    }
    this.notifyIdle();
  }

  /** Ends a RUNNING execution from outside the engine (stop, execution timeout, failed resume). */
  private terminate(
    record: ExecutionRecord,
    status: ExecutionStatus,
    type: string,
    details: { error?: string | undefined; cause?: string | undefined },
  ): void {
    if (!this.isActive(record)) return;
    const now = this.options.clock.now();
    const { error, cause } = details;
    appendEvent(record, now, type, { ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) });
    Object.assign(record, {
      status,
      stopDate: now,
      ...(error !== undefined && { error }),
      ...(cause !== undefined && { cause }),
    });
    delete record.checkpoint;
    this.tokens.closeExecution(record.executionArn);
    this.persist(record);
    const live = this.live.get(record.executionArn);
    if (live) {
      live.timeout?.cancel();
      live.abortEngine();
      live.stop.abort(cancelledError());
    }
  }

  private event(live: LiveExecution, type: string, details?: object): void {
    if (this.isActive(live.record)) appendEvent(live.record, this.options.clock.now(), type, details);
  }

  private persist(record: ExecutionRecord): void {
    if (!this.closing) this.options.store.save(record);
  }

  /** Records of an execution change only while it runs and the runtime is not shutting down. */
  private isActive(record: ExecutionRecord): boolean {
    return !this.closing && record.status === "RUNNING";
  }

  private isIdle(): boolean {
    if (this.closing) return true;
    for (const live of this.live.values()) {
      if (live.parked === 0 || live.active > 0) return false;
    }
    return true;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

const LAMBDA_EVENTS = {
  succeeded: "LambdaFunctionSucceeded",
  failed: "LambdaFunctionFailed",
  timedOut: "LambdaFunctionTimedOut",
};
const TASK_EVENTS = { succeeded: "TaskSucceeded", failed: "TaskFailed", timedOut: "TaskTimedOut" };

function waitDueMs(input: WaitInput, now: number): number {
  if ("seconds" in input) {
    const seconds = input.seconds;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) {
      throw runtimeError(`Wait seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`);
    }
    return now + seconds * 1000;
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

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new SfnApiError("ValidationException", `1 validation error detected: '${field}' must be a non-empty string`);
  }
  return value;
}

/** AWS execution names: 1-80 characters, no whitespace, no wildcard or URL-reserved characters, no controls. */
function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f) || '<>{}[]?*"#%\\^|~`$&,;:/'.includes(char)) return false;
  }
  return true;
}
