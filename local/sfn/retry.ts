/**
 * Task `Retry` as AWS runs it: the first retrier whose `ErrorEquals` matches decides; each retrier
 * counts its own attempts within one entry of the state; the wait before retry n is
 * `IntervalSeconds × BackoffRate^(n-1)`, capped by `MaxDelaySeconds`, and with `JitterStrategy: FULL`
 * a uniform random time in [0, that delay]. An error no retrier takes (or whose retrier is exhausted)
 * goes on to `Catch`.
 *
 * Source: "Handling errors in Step Functions workflows",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (retriers,
 * `States.ALL`, `States.TaskFailed`, `States.Timeout`, terminal errors).
 */

/** One retrier of a `Retry` field, with the AWS defaults applied. */
export interface Retrier {
  errorEquals: string[];
  /** Default 1. */
  intervalSeconds: number;
  /** Default 3; 0 means the errors it matches are never retried. */
  maxAttempts: number;
  /** Default 2.0. */
  backoffRate: number;
  /** Upper bound of the wait; `undefined` = none. */
  maxDelaySeconds: number | undefined;
  /** Default `NONE`. */
  jitter: "FULL" | "NONE";
}

/** A random number in [0, 1), as `Math.random` gives (injectable for tests). */
export type RandomSource = () => number;

const DEFAULTS = { intervalSeconds: 1, maxAttempts: 3, backoffRate: 2 };

/** The retriers of a state's `Retry` field (already validated by the engine), with defaults applied. */
export function parseRetriers(retry: unknown): Retrier[] {
  if (!Array.isArray(retry)) return [];
  return retry.map((raw) => {
    const rule = raw as Record<string, unknown>;
    const num = (key: string, fallback: number): number =>
      typeof rule[key] === "number" ? (rule[key] as number) : fallback;
    return {
      errorEquals: Array.isArray(rule.ErrorEquals) ? rule.ErrorEquals.map(String) : [],
      intervalSeconds: num("IntervalSeconds", DEFAULTS.intervalSeconds),
      maxAttempts: num("MaxAttempts", DEFAULTS.maxAttempts),
      backoffRate: num("BackoffRate", DEFAULTS.backoffRate),
      maxDelaySeconds: typeof rule.MaxDelaySeconds === "number" ? rule.MaxDelaySeconds : undefined,
      jitter: rule.JitterStrategy === "FULL" ? "FULL" : "NONE",
    };
  });
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first retry) of `retrier`:
 * `IntervalSeconds × BackoffRate^(retry-1)`, capped by `MaxDelaySeconds`, then with FULL jitter
 * `random() ×` that delay.
 */
export function retryDelayMs(retrier: Retrier, retry: number, random: RandomSource = Math.random): number {
  const backoff = retrier.intervalSeconds * retrier.backoffRate ** Math.max(0, retry - 1);
  const capped = retrier.maxDelaySeconds === undefined ? backoff : Math.min(backoff, retrier.maxDelaySeconds);
  const seconds = retrier.jitter === "FULL" ? random() * capped : capped;
  return Math.round(seconds * 1000);
}

/** An error thrown by a task: its `name` is the ASL error name; terminal errors say `isRetryable: false`. */
export type TaskFailure = Error & { isRetryable?: boolean };

const TIMEOUTS = new Set(["States.Timeout", "States.HeartbeatTimeout"]);

/**
 * Whether one `ErrorEquals` entry matches the error: its exact name; `States.ALL` any error;
 * `States.TaskFailed` any error but a timeout; `States.Timeout` also a heartbeat timeout (AWS
 * documents both as `States.Timeout`). Terminal errors (`States.DataLimitExceeded`, `States.Runtime`,
 * a stopped execution) match nothing.
 */
export function errorMatches(pattern: string, error: TaskFailure): boolean {
  if (error.isRetryable === false) return false;
  if (pattern === error.name || pattern === "States.ALL") return true;
  if (pattern === "States.TaskFailed") return !TIMEOUTS.has(error.name);
  return pattern === "States.Timeout" && error.name === "States.HeartbeatTimeout";
}

/** Index of the first retrier that matches the error, or `undefined`: the retriers are scanned in order. */
export function matchRetrier(retriers: readonly Retrier[], error: TaskFailure): number | undefined {
  const index = retriers.findIndex((retrier) => retrier.errorEquals.some((pattern) => errorMatches(pattern, error)));
  return index < 0 ? undefined : index;
}

/**
 * The retry decision after a failure, given the attempts each retrier already made in this entry
 * of the state: `undefined` when the error goes on to `Catch` (no retrier matches, or the matching
 * one is exhausted: later retriers are not consulted), else the retrier and its new attempt count.
 */
export function nextRetry(
  retriers: readonly Retrier[],
  attempts: readonly number[],
  error: TaskFailure,
): { index: number; retry: number } | undefined {
  const index = matchRetrier(retriers, error);
  if (index === undefined) return undefined;
  const retrier = retriers[index] as Retrier;
  const made = attempts[index] ?? 0;
  if (made >= retrier.maxAttempts) return undefined;
  return { index, retry: made + 1 };
}
