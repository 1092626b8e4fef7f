/**
 * Virtual clock for the local runtime.
 *
 * Virtual time is real time plus an offset that only grows, so the local runtime keeps running
 * in real time (HTTP servers, SDK timeouts and DynamoDB emulators are untouched; no fake timers)
 * while `advance()` lets a demo or a test jump hours or days ahead. Everything that must happen
 * "later" in virtual time (Wait states, task timeouts, heartbeats) goes through `schedule()`, so
 * one sorted queue and one real timer drive it all.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Largest delay a Node timer accepts; longer delays overflow to 1 ms (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options for {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** JSON file that keeps the offset across restarts; read at construction, written on every advance. */
  offsetFile?: string;
  /**
   * Longest real time, in ms, that one settle step waits for the `onSettle` hooks (default 30 000).
   * A hook that never settles (for example a handler stuck on I/O) must not hang `advance()` forever.
   */
  settleTimeoutMs?: number;
  /** Receives errors thrown by scheduled callbacks (default: `console.error`); they never stop the clock. */
  onError?: (error: unknown, label: string | undefined) => void;
}

/** Handle returned by {@link VirtualClock.schedule}. */
export interface ScheduledItem {
  /** Removes the item from the queue; `false` when it already fired or was cancelled. */
  cancel(): boolean;
}

interface QueueItem {
  at: number;
  seq: number;
  fn: () => unknown;
  label: string | undefined;
}

interface OffsetFileContent {
  offsetMs: number;
}

/**
 * A monotonic virtual clock: `now() = Date.now() + offset`, with a queue of scheduled callbacks that
 * fire either when real time reaches them or when `advance()` jumps over them.
 */
export class VirtualClock {
  private offsetMs = 0;
  /** While `advance()` runs, `now()` is pinned here so callbacks compute follow-up due times without real-time drift. */
  private frozenAt: number | undefined;
  private readonly queue: QueueItem[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Serialises advances and real-time drains so that callbacks never overlap. */
  private chain: Promise<void> = Promise.resolve();
  private readonly settleHooks = new Set<() => Promise<void>>();
  private closed = false;
  private readonly offsetFile: string | undefined;
  private readonly settleTimeoutMs: number;
  private readonly onError: (error: unknown, label: string | undefined) => void;
  /**
   * `[offsetMs, frozenAt | NaN]`, shared with the functions' execution environments (worker threads), whose
   * `Date.now()` reads virtual time from it without a message round trip.
   */
  readonly sharedTime = new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT);
  private readonly sharedView = new Float64Array(this.sharedTime);

  constructor(options: VirtualClockOptions = {}) {
    this.offsetFile = options.offsetFile;
    this.settleTimeoutMs = options.settleTimeoutMs ?? 30_000;
    this.onError =
      options.onError ??
      ((error, label) => console.error(`[clock] scheduled item ${label ?? "(unlabelled)"} failed`, error));
    if (this.offsetFile) this.offsetMs = readOffset(this.offsetFile);
    this.publish();
  }

  /** Writes the offset and the pinned instant where the execution environments read them. */
  private publish(): void {
    this.sharedView[0] = this.offsetMs;
    this.sharedView[1] = this.frozenAt ?? Number.NaN;
  }

  /** Current virtual time in epoch milliseconds. */
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** Current virtual time as a `Date`. */
  nowDate(): Date {
    return new Date(this.now());
  }

  /** How far virtual time is ahead of real time, in seconds. */
  offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /** Due times and labels of the queued items, soonest first (for diagnostics and tests). */
  pending(): Array<{ at: number; label: string | undefined }> {
    return this.queue.map(({ at, label }) => ({ at, label }));
  }

  /**
   * Runs `fn` once virtual time reaches `atMs` (epoch ms). Items fire one at a time in due order,
   * first-in first-out for equal times, and each one is awaited before the next.
   */
  schedule(atMs: number, fn: () => unknown, options: { label?: string } = {}): ScheduledItem {
    if (!Number.isFinite(atMs)) throw new RangeError(`schedule: due time must be a finite number, got ${atMs}`);
    const item: QueueItem = { at: atMs, seq: this.seq++, fn, label: options.label };
    this.queue.splice(this.insertionIndex(item), 0, item);
    if (this.queue[0] === item) this.arm();
    return {
      cancel: () => {
        const index = this.queue.indexOf(item);
        if (index < 0) return false;
        this.queue.splice(index, 1);
        if (index === 0) this.arm();
        return true;
      },
    };
  }

  /**
   * Resolves when virtual time reaches `atMs`. Aborting `signal` removes the queued item and rejects
   * with the signal's reason, so an abandoned sleeper never fires later.
   */
  sleepUntil(atMs: number, signal?: AbortSignal, label?: string): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        handle.cancel();
        reject(signal?.reason);
      };
      const handle = this.schedule(
        atMs,
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        { label },
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Registers a hook that `advance()` awaits after every fired item (and before it starts), so that
   * work triggered by a fire (an execution moving to its next Wait, say) is finished before the next
   * item is considered. Returns a function that unregisters the hook.
   */
  onSettle(hook: () => Promise<void>): () => void {
    this.settleHooks.add(hook);
    return () => {
      this.settleHooks.delete(hook);
    };
  }

  /**
   * Moves virtual time forward by `seconds`, firing every item that falls due on the way, in order.
   * While it runs, `now()` is pinned to the due time of the item being fired; otherwise a few ms of
   * real drift per step would push a chain of follow-up items (an hourly loop) past the target.
   * Items scheduled by a fired item inside the window fire in the same advance. Concurrent calls queue up.
   */
  advance(seconds: number): Promise<void> {
    if (!Number.isFinite(seconds) || seconds < 0) {
      return Promise.reject(new RangeError(`advance: seconds must be a finite number >= 0, got ${seconds}`));
    }
    return this.enqueue(async () => {
      // Work started just before the call (an execution on its way to a Wait) must be queued
      // before the window is computed, or its item could be missed.
      await this.settle();
      const target = this.now() + seconds * 1000;
      this.frozenAt = this.now();
      this.publish();
      try {
        for (let head = this.queue[0]; head && head.at <= target; head = this.queue[0]) {
          this.queue.shift();
          this.frozenAt = Math.max(this.frozenAt, head.at);
          this.raiseOffsetTo(this.frozenAt);
          this.publish();
          await this.fire(head);
        }
        this.raiseOffsetTo(target);
      } finally {
        this.frozenAt = undefined;
        this.publish();
        this.arm();
      }
    });
  }

  /** Stops the real timer; queued items stay queued but no longer fire. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private insertionIndex(item: QueueItem): number {
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.queue[mid] as QueueItem;
      if (other.at < item.at || (other.at === item.at && other.seq < item.seq)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** (Re-)arms the single real timer for the head item; long delays are clamped and re-armed. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.queue[0];
    if (!head || this.closed) return;
    const delay = Math.min(Math.max(head.at - this.now(), 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(() => this.drainDue());
    }, delay);
  }

  /** Fires the items that real time has reached. */
  private async drainDue(): Promise<void> {
    try {
      for (let head = this.queue[0]; head && head.at <= this.now() && !this.closed; head = this.queue[0]) {
        this.queue.shift();
        await this.fire(head);
      }
    } finally {
      this.arm();
    }
  }

  private async fire(item: QueueItem): Promise<void> {
    try {
      await item.fn();
    } catch (error) {
      this.onError(error, item.label);
    }
    await this.settle();
  }

  /** Lets in-flight promise chains run, then waits for the registered hooks (bounded by settleTimeoutMs). */
  private async settle(): Promise<void> {
    await macrotasks(3);
    if (this.settleHooks.size === 0) return;
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, this.settleTimeoutMs);
      timeout.unref();
    });
    try {
      await Promise.race([Promise.allSettled([...this.settleHooks].map((hook) => hook())), expired]);
    } finally {
      clearTimeout(timeout);
    }
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    // The chain itself must survive a failed step; the caller still sees the failure through `run`.
    this.chain = run.catch(() => undefined);
    return run;
  }

  private raiseOffsetTo(virtualMs: number): void {
    const offset = virtualMs - Date.now();
    if (offset <= this.offsetMs) return;
    this.offsetMs = offset;
    if (this.offsetFile) writeOffset(this.offsetFile, offset);
  }
}

function macrotasks(count: number): Promise<void> {
  let done: Promise<void> = Promise.resolve();
  for (let i = 0; i < count; i++) done = done.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return done;
}

function readOffset(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<OffsetFileContent>;
  if (typeof parsed.offsetMs !== "number" || !Number.isFinite(parsed.offsetMs) || parsed.offsetMs < 0) {
    throw new Error(`Clock offset file ${file} has no valid "offsetMs"`);
  }
  return parsed.offsetMs;
}

function writeOffset(file: string, offsetMs: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const content: OffsetFileContent = { offsetMs };
  // Temp file + rename: a crash mid-write must not leave a truncated file that blocks the next start.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content)}\n`);
  renameSync(temp, file);
}
