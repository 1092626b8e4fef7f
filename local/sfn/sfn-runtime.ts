/**
 * The execution runtime: runs executions of planned state machines on aws-local-stepfunctions with
 * all timing on the virtual clock, keeps the execution registry, history and task tokens, persists
 * every execution and resumes the running ones after a restart.
 */
import { randomUUID } from "node:crypto";
import type { VirtualClock } from "../clock.js";
import { ExecutionError, type RunOptions, StateMachine } from "./engine.js";
import { cancelledError, SfnApiError, taskError } from "./errors.js";
import { type ExecutionHost, LiveExecution } from "./execution.js";
import { appendEvent, toJsonText } from "./history.js";
import type { Checkpoint, ExecutionRecord, ExecutionStatus, ExecutionStore } from "./store.js";
import { armTokenTimer, createTaskHandlers, type LambdaInvoker, type TaskServices } from "./tasks.js";
import { type TokenOutcome, TokenRegistry } from "./tokens.js";
import { type MachinePlan, TOKEN_PLACEHOLDER, VIRTUAL_START_TIME_KEY, withResumeEntry } from "./transform.js";

export type { LambdaInvoker } from "./tasks.js";

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
  /** Billed state transitions (`*StateEntered` events plus Task retries) per execution ARN. */
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
  /** Enforce AWS's quotas: 25,000 history events per execution, 256 KiB payloads (default true). */
  limits?: boolean;
  /**
   * Wait `IntervalSeconds`/`BackoffRate`/`MaxDelaySeconds`/`JitterStrategy` on the virtual clock before a
   * Task retry (default true); false retries at once.
   */
  retryTiming?: boolean;
  /** Random source of `JitterStrategy: FULL`, in [0, 1) (default `Math.random`). */
  random?: () => number;
  /**
   * Called when an execution ends, as AWS emits "Step Functions Execution Status Change" to EventBridge. A
   * returned promise is the rule's target at work: the emulator is not idle until it settles.
   */
  onExecutionEnd?: (execution: { stateMachineName: string; status: ExecutionStatus }) => Promise<unknown> | undefined;
}

/** Most events one execution's history may hold; the execution fails when it reaches it. */
export const MAX_HISTORY_EVENTS = 25_000;
/** Largest execution input, task result or callback output, in bytes of UTF-8 (256 KiB). */
export const MAX_PAYLOAD_BYTES = 262_144;

type EngineContext = RunOptions["context"];
type RunOutcome = { ok: true; output: unknown } | { ok: false; error: unknown };

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Execution runtime behind the Step Functions API. */
export class SfnRuntime {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly live = new Map<string, LiveExecution>();
  private readonly finishing = new Set<Promise<void>>();
  private readonly plans = new Map<string, MachinePlan>();
  private readonly tokens: TokenRegistry;
  private readonly services: TaskServices;
  private readonly host: ExecutionHost;
  private idleWaiters: Array<() => void> = [];
  /** End-of-execution hooks still running (see {@link RuntimeOptions.onExecutionEnd}). */
  private readonly endHooks = new Set<Promise<void>>();
  private closing = false;
  /** Records changed since the last write (see `persist`). */
  private readonly dirty = new Set<ExecutionRecord>();
  private flushScheduled = false;

  constructor(private readonly options: RuntimeOptions) {
    for (const plan of options.plans) {
      if (this.plans.has(plan.name)) throw new Error(`Duplicate state machine name "${plan.name}"`);
      this.plans.set(plan.name, plan);
    }
    this.tokens = new TokenRegistry((token, executionArn, outcome) => this.onTokenClosed(token, executionArn, outcome));
    this.services = {
      clock: options.clock,
      invoke: options.invoke,
      tokens: this.tokens,
      region: options.region,
      retryTiming: options.retryTiming !== false,
      random: options.random ?? Math.random,
    };
    this.host = {
      clock: options.clock,
      isClosing: () => this.closing,
      persist: (record) => this.persist(record),
      notifyIdle: () => this.notifyIdle(),
      onError: (message, error) => options.logger.error(message, { error: String(error) }),
      historyLimit: options.limits === false ? undefined : MAX_HISTORY_EVENTS,
      failExecution: (record, error, cause) => this.terminate(record, "FAILED", "ExecutionFailed", { error, cause }),
    };
    this.services.maxPayloadBytes = options.limits === false ? undefined : MAX_PAYLOAD_BYTES;
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
    const parsedInput = this.payload(
      input,
      "input",
      () => new SfnApiError("InvalidExecutionInput", "Invalid State Machine Execution Input: not valid JSON"),
    );
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
      this.flush();
    }
    return record;
  }

  /** A JSON payload of the API (`input`, `output`): within the 256 KiB limit (unless limits are off), then parsed. */
  private payload(text: string, field: "input" | "output", invalid: () => SfnApiError): unknown {
    if (this.options.limits !== false && Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw new SfnApiError(
        "ValidationException",
        `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      throw invalid();
    }
  }

  /** SendTaskSuccess: `output` must be JSON text. */
  sendTaskSuccess(token: unknown, output: unknown): void {
    const taskToken = requireString(token, "taskToken");
    const parsed = this.payload(
      requireString(output, "output"),
      "output",
      () => new SfnApiError("InvalidOutput", "Invalid Output: not valid JSON"),
    );
    this.tokens.close(taskToken, { ok: true, output: parsed });
    this.flush();
  }

  /** SendTaskFailure: the task fails with ASL error `error` (catchable) and `cause`. */
  sendTaskFailure(token: unknown, error?: string, cause?: string): void {
    this.tokens.close(requireString(token, "taskToken"), { ok: false, error: taskError(error ?? "", cause ?? "") });
    this.flush();
  }

  /** SendTaskHeartbeat: restarts the HeartbeatSeconds window of the task. */
  sendTaskHeartbeat(token: unknown): void {
    const taskToken = requireString(token, "taskToken");
    const entry = this.tokens.require(taskToken);
    if (entry.heartbeatSeconds === undefined) return;
    const dueMs = this.options.clock.now() + entry.heartbeatSeconds * 1000;
    armTokenTimer(this.services, taskToken, "heartbeat", dueMs, entry.stateName);
    const live = this.live.get(entry.executionArn);
    const callback = live?.record.checkpoint?.callback;
    if (live && callback?.token === taskToken) {
      callback.heartbeatDueMs = dueMs;
      this.persist(live.record);
      this.flush();
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

  /** The state machine ARN of the execution that issued `token`, if known. */
  stateMachineOfToken(token: string): string | undefined {
    const executionArn = this.tokens.ownerOf(token);
    return executionArn ? this.records.get(executionArn)?.stateMachineArn : undefined;
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
    this.flush();
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
    const live = new LiveExecution(record, plan, checkpoint, this.host);
    this.live.set(record.executionArn, live);
    const machine = checkpoint
      ? new StateMachine(withResumeEntry(plan, checkpoint.state, checkpoint.input), {
          validationOptions: { noValidate: true },
        })
      : plan.machine;
    const run = machine.run(JSON.parse(record.input), {
      overrides: {
        taskResourceLocalHandlers: createTaskHandlers(live, this.services),
        retryIntervalOverrides: plan.retryOverrides,
      },
      context: this.contextFor(record),
    });
    live.abortEngine = run.abort;
    // Attached at once: an early failure must never surface as an unhandled rejection.
    const outcome = run.result.then(
      (output): RunOutcome => ({ ok: true, output }),
      (error: unknown): RunOutcome => ({ ok: false, error }),
    );
    const finished = Promise.all([outcome, live.consume(run.eventLogs)])
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
      this.executionEnded(record);
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
    this.executionEnded(record);
    const live = this.live.get(record.executionArn);
    if (live) {
      live.timeout?.cancel();
      live.abortEngine();
      live.stop.abort(cancelledError());
    }
  }

  /**
   * Marks a record changed; it is written at the end of this turn of the event loop (`flush`), once
   * however many events it gathered meanwhile (a Task's result, the next state entered, a checkpoint:
   * the file was rewritten for each, 8 % of the main thread in the end-to-end bench). What the API
   * acknowledges (SendTask*, StopExecution, StartExecution) is written before the answer.
   */
  private persist(record: ExecutionRecord): void {
    if (this.closing) return;
    this.dirty.add(record);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes every record changed since the last flush. */
  private flush(): void {
    this.flushScheduled = false;
    for (const record of this.dirty) this.options.store.save(record);
    this.dirty.clear();
  }

  /** Records of an execution change only while it runs and the runtime is not shutting down. */
  private isActive(record: ExecutionRecord): boolean {
    return !this.closing && record.status === "RUNNING";
  }

  /** Runs the end-of-execution hook; the emulator counts as busy until what it started settles. */
  private executionEnded(record: ExecutionRecord): void {
    const running = this.options.onExecutionEnd?.({
      stateMachineName: record.stateMachineName,
      status: record.status,
    });
    if (!running) return;
    const tracked = Promise.resolve(running).then(
      () => undefined,
      () => undefined,
    );
    this.endHooks.add(tracked);
    void tracked.then(() => {
      this.endHooks.delete(tracked);
      this.notifyIdle();
    });
  }

  private isIdle(): boolean {
    if (this.closing) return true;
    if (this.endHooks.size > 0) return false;
    for (const live of this.live.values()) {
      if (!live.isIdle) return false;
    }
    return true;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
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
