/**
 * In-memory side of one running execution: its history writer, checkpoint, resume hint and the
 * counters that tell the runtime whether it is idle (parked on a Wait or callback) or busy.
 */
import type { ScheduledItem, VirtualClock } from "../clock.js";
import type { EngineEvent } from "./engine.js";
import { appendEvent, fromEngineEvent } from "./history.js";
import type { Checkpoint, ExecutionRecord } from "./store.js";
import type { MachinePlan } from "./transform.js";

/** What a live execution needs from the runtime that owns it. */
export interface ExecutionHost {
  clock: VirtualClock;
  /** True once the runtime shuts down: records must then stay exactly as persisted. */
  isClosing(): boolean;
  persist(record: ExecutionRecord): void;
  /** Called whenever the execution may have become idle or busy. */
  notifyIdle(): void;
  onError(message: string, error: unknown): void;
  /** History size at which the execution fails (AWS: 25,000 events); `undefined` = no limit. */
  historyLimit: number | undefined;
  /** Ends a RUNNING execution as FAILED from outside the engine. */
  failExecution(record: ExecutionRecord, error: string, cause: string): void;
}

/** A running execution. */
export class LiveExecution {
  /** Aborted on stop, execution timeout and shutdown: rejects whatever handler is parked. */
  readonly stop = new AbortController();
  /** The engine run's abort; set once the run started. */
  abortEngine: () => void = () => undefined;
  /** The top-level TimeoutSeconds timer, if any. */
  timeout: ScheduledItem | undefined;
  private parked = 0;
  private active = 0;
  /** Checkpoint being resumed; consumed by the first handler of its state. */
  private resume: Checkpoint | undefined;
  /** The resumed state is entered again by the engine; that entry is not a new transition. */
  private skipEntered: string | undefined;
  private readonly enteredAt = new Map<string, number>();

  constructor(
    readonly record: ExecutionRecord,
    readonly plan: MachinePlan,
    resumeFrom: Checkpoint | undefined,
    private readonly host: ExecutionHost,
  ) {
    this.resume = resumeFrom;
    this.skipEntered = resumeFrom?.state;
    if (resumeFrom?.enteredAtMs !== undefined) this.enteredAt.set(resumeFrom.state, resumeFrom.enteredAtMs);
  }

  /** The record may change only while the execution runs and the runtime is not shutting down. */
  get isActive(): boolean {
    return !this.host.isClosing() && this.record.status === "RUNNING";
  }

  /** Parked on a Wait or callback with no Lambda in flight: nothing will happen until time or a send. */
  get isIdle(): boolean {
    return this.parked > 0 && this.active === 0;
  }

  /** Appends a history event (virtual time) while the execution is active. */
  event(type: string, details?: object, at = this.host.clock.now()): void {
    if (!this.isActive) return;
    appendEvent(this.record, at, type, details);
    const limit = this.host.historyLimit;
    if (limit !== undefined && this.record.history.length >= limit - 1) {
      // The ExecutionFailed event is the last one the history can take.
      this.host.failExecution(
        this.record,
        "States.Runtime",
        `The execution reached the maximum number of history events (${limit}).`,
      );
    }
  }

  /** Virtual time `state` was last entered (a Wait counts from its entry, as in AWS). */
  enteredAtOf(state: string): number | undefined {
    return this.enteredAt.get(state);
  }

  /** Runs `wait` as a wait point: while it is pending the execution counts as idle. */
  async park<T>(wait: () => Promise<T>): Promise<T> {
    this.parked++;
    this.host.notifyIdle();
    try {
      return await wait();
    } finally {
      this.parked--;
      this.host.notifyIdle();
    }
  }

  /**
   * Inside {@link invoking}: runs `wait` as a wait point, for a Lambda invocation that only its timeout will end
   * (a stalled function), so `advance()` can move the clock to that timeout.
   */
  async parkInvocation<T>(wait: () => Promise<T>): Promise<T> {
    this.active--;
    try {
      return await this.park(wait);
    } finally {
      this.active++;
    }
  }

  /** Runs `work` (a Lambda invocation) as busy time. */
  async invoking<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.host.notifyIdle();
    }
  }

  /** The checkpoint to resume if `state` is the resumed state and this is its first handler call. */
  takeResume(state: string): Checkpoint | undefined {
    const resume = this.resume;
    if (resume?.state !== state) return undefined;
    this.resume = undefined;
    return resume;
  }

  /** Adds wait/callback facts to the checkpoint of `state` (only top-level states have one) and persists. */
  updateCheckpoint(state: string, extra: Partial<Checkpoint>): void {
    const checkpoint = this.record.checkpoint;
    if (checkpoint?.state !== state || !this.isActive) return;
    Object.assign(checkpoint, extra);
    this.host.persist(this.record);
  }

  /**
   * Records a decided retry of Task `state`: one billed state transition (AWS bills each retry), and for a
   * top-level state a checkpoint of its due time and attempt counters (replacing the failed attempt's
   * callback), so a restart resumes the wait rather than the failed attempt.
   */
  retrying(state: string, retry: { dueMs: number; attempts: number[] }): void {
    if (!this.isActive) return;
    this.record.transitions++;
    const checkpoint = this.record.checkpoint;
    if (checkpoint?.state === state) {
      delete checkpoint.callback;
      checkpoint.retry = { dueMs: retry.dueMs, attempts: [...retry.attempts] };
    }
    this.host.persist(this.record);
  }

  /** Turns the engine's event log into history and checkpoints until the log closes. */
  async consume(events: AsyncGenerator<EngineEvent>): Promise<void> {
    try {
      for await (const event of events) this.onEngineEvent(event);
    } catch (error) {
      this.host.onError("sfn: reading engine events failed", error);
    }
  }

  private onEngineEvent(event: EngineEvent): void {
    const mapped = fromEngineEvent(event, this.plan.stateTypes);
    if (!mapped || !this.isActive) return;
    if (event.type !== "StateEntered") {
      this.event(mapped.type, mapped.details);
      return;
    }
    const name = event.state.name;
    if (this.skipEntered === name) {
      this.skipEntered = undefined;
      return;
    }
    const now = this.host.clock.now();
    this.event(mapped.type, mapped.details, now);
    this.enteredAt.set(name, now);
    if (this.plan.topLevel.has(name)) {
      this.record.checkpoint = { state: name, input: event.state.input, enteredAtMs: now };
      this.host.persist(this.record);
    }
  }
}
