/**
 * Durable execution records: one JSON file per execution under `<stateDir>/executions/`, so that a
 * killed and restarted local runtime can describe old executions and resume the running ones.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Execution status, as DescribeExecution reports it. */
export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** One Step Functions history event in the AWS shape; `timestamp` is virtual epoch ms. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [detailsKey: string]: unknown;
}

/** Where a running execution stands, enough to resume it after a restart. */
export interface Checkpoint {
  /** Last entered top-level state. */
  state: string;
  /** That state's raw input. */
  input: unknown;
  /** Virtual time the state was entered (a Wait resumed before its due time was saved counts from here). */
  enteredAtMs?: number;
  /** Virtual due time of the pending Wait in `state`. */
  wait?: { dueMs: number };
  /**
   * The Task `state` failed and waits to be retried until `dueMs`; `attempts` are the retries each retrier
   * has made in this entry of the state. A `callback` present as well belongs to the retry under way.
   */
  retry?: { dueMs: number; attempts: number[] };
  /** The pending callback of `state`: its token and virtual deadlines. */
  callback?: {
    token: string;
    timeoutDueMs?: number | undefined;
    heartbeatDueMs?: number | undefined;
    heartbeatSeconds?: number | undefined;
    /** Set once the task ended (SendTask*, timeout) but the next state was not yet entered. */
    settled?: { output: unknown } | { error: string; cause: string };
  };
}

/** Everything known about one execution; persisted as is. */
export interface ExecutionRecord {
  version: 1;
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  /** The execution input exactly as given to StartExecution (JSON text). */
  input: string;
  status: ExecutionStatus;
  /** Virtual epoch ms. */
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** Billed state transitions: `*StateEntered` events plus Task retries (AWS bills each retry as a transition). */
  transitions: number;
  /** Present while RUNNING. */
  checkpoint?: Checkpoint;
  /** Tokens of callback tasks that already finished, so late sends get TaskTimedOut, not InvalidToken. */
  closedTokens: string[];
}

/** Reads and atomically writes {@link ExecutionRecord}s in one directory. */
export class ExecutionStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** All readable records; unreadable files are reported and skipped rather than blocking startup. */
  loadAll(onUnreadable: (file: string, error: unknown) => void): ExecutionRecord[] {
    const records: ExecutionRecord[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith(".json")) continue;
      try {
        const record = JSON.parse(readFileSync(join(this.dir, file), "utf8")) as ExecutionRecord;
        if (record.version !== 1 || typeof record.executionArn !== "string") throw new Error("not an execution record");
        records.push(record);
      } catch (error) {
        onUnreadable(file, error);
      }
    }
    return records;
  }

  /**
   * Writes the record synchronously through a temp file and a rename, so a crash leaves either the
   * old or the new version, and successive writes of one record can never land out of order.
   */
  save(record: ExecutionRecord): void {
    const file = join(this.dir, fileName(record));
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(record));
    renameSync(temp, file);
  }
}

function fileName(record: ExecutionRecord): string {
  return `${encodeURIComponent(record.stateMachineName)}__${encodeURIComponent(record.name)}.json`;
}
