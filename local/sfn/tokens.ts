/**
 * Task tokens of `.waitForTaskToken` tasks: the pending ones (with their virtual-clock timers) and
 * the closed ones, so SendTask* can tell `InvalidToken` (never issued) from `TaskTimedOut` (issued,
 * but the task already finished, timed out or was stopped), as AWS does.
 */
import { randomBytes } from "node:crypto";
import type { ScheduledItem } from "../clock.js";
import { cancelledError, SfnApiError } from "./errors.js";

/** How a pending task ends. */
export type TokenOutcome = { ok: true; output: unknown } | { ok: false; error: Error };

/** A pending callback task. */
export interface PendingToken {
  executionArn: string;
  stateName: string;
  heartbeatSeconds: number | undefined;
  timers: { timeout?: ScheduledItem; heartbeat?: ScheduledItem };
  settle(outcome: TokenOutcome): void;
}

/** Registry of task tokens. */
export class TokenRegistry {
  private readonly pending = new Map<string, PendingToken>();
  private readonly closed = new Map<string, string>();

  /** @param onClosed called when a token closes (the runtime persists it with the execution). */
  constructor(private readonly onClosed: (token: string, executionArn: string, outcome: TokenOutcome) => void) {}

  /** A fresh opaque token (URL-safe, like the base64 tokens AWS issues). */
  static mint(): string {
    return randomBytes(48).toString("base64url");
  }

  /** Number of pending tokens. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Registers a pending token. The promise settles through {@link close}; aborting `signal` (runtime
   * shutdown) drops the token without closing it, so a resumed execution can register it again.
   */
  open(
    token: string,
    owner: { executionArn: string; stateName: string; heartbeatSeconds: number | undefined },
    signal: AbortSignal,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.drop(token);
        reject(cancelledError());
      };
      this.pending.set(token, {
        ...owner,
        timers: {},
        settle: (outcome) => {
          signal.removeEventListener("abort", onAbort);
          if (outcome.ok) resolve(outcome.output);
          else reject(outcome.error);
        },
      });
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** The pending entry, or the API error AWS answers for this token. */
  require(token: string): PendingToken {
    const entry = this.pending.get(token);
    if (entry) return entry;
    if (this.closed.has(token))
      throw new SfnApiError("TaskTimedOut", "Task Timed Out: the task of this token has already finished");
    throw new SfnApiError("InvalidToken", "Invalid token");
  }

  /** Replaces one of the token's virtual-clock timers, cancelling the previous one. */
  setTimer(token: string, kind: "timeout" | "heartbeat", item: ScheduledItem | undefined): void {
    const entry = this.pending.get(token);
    if (!entry) {
      item?.cancel();
      return;
    }
    entry.timers[kind]?.cancel();
    entry.timers[kind] = item;
  }

  /** Ends a pending task with `outcome` and closes its token; throws the AWS error if it is not pending. */
  close(token: string, outcome: TokenOutcome): void {
    const entry = this.require(token);
    this.forget(token, entry);
    this.closed.set(token, entry.executionArn);
    this.onClosed(token, entry.executionArn, outcome);
    entry.settle(outcome);
  }

  /** Closes every pending token of an execution (StopExecution, execution timeout). */
  closeExecution(executionArn: string): void {
    for (const [token, entry] of this.pending) {
      if (entry.executionArn === executionArn) this.close(token, { ok: false, error: cancelledError() });
    }
  }

  /** The execution a token belongs to (pending or closed), for IAM checks of SendTask*. */
  ownerOf(token: string): string | undefined {
    return this.pending.get(token)?.executionArn ?? this.closed.get(token);
  }

  /** Records a token closed in an earlier process lifetime. */
  remember(token: string, executionArn: string): void {
    this.closed.set(token, executionArn);
  }

  private drop(token: string): void {
    const entry = this.pending.get(token);
    if (entry) this.forget(token, entry);
  }

  private forget(token: string, entry: PendingToken): void {
    this.pending.delete(token);
    entry.timers.timeout?.cancel();
    entry.timers.heartbeat?.cancel();
  }
}
