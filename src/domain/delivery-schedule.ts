/**
 * When to (re)deliver an outbound webhook to the provider, on the Standard Webhooks retry schedule.
 * Pure: the current time and the jitter source are passed in.
 */

/**
 * Delay before each attempt, in seconds: attempt n (1-based) waits `RETRY_SCHEDULE_SECONDS[n - 1]`
 * after attempt n-1 failed (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h).
 * Its length is the number of attempts.
 */
export const RETRY_SCHEDULE_SECONDS = Object.freeze([
  0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400,
] as const);

/** Attempts before a delivery is given up. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length;

/** Each delay is spread by up to ±10 % so that deliveries failed together do not retry in lockstep. */
export const RETRY_JITTER_FRACTION = 0.1;

/** A receiver cannot push a retry further out than this with `Retry-After`. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** What to do after an attempt. `at` is epoch ms. */
export type DeliveryStep =
  | { kind: "delivered" }
  | { kind: "retry"; at: number }
  /** 410 Gone: the receiver asked to stop sending to this endpoint. */
  | { kind: "disabled" }
  | { kind: "exhausted" };

/**
 * The delay a `Retry-After` header asks for, in ms from `now` (RFC 9110 §10.2.3: delta-seconds or
 * an HTTP date), capped at 24 h; a date in the past means 0. `undefined` when absent or unreadable,
 * so that a malformed header falls back to the schedule instead of failing the delivery.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  let delayMs: number;
  if (/^\d+$/.test(value)) {
    delayMs = Number(value) * 1000;
  } else {
    // HTTP dates always name a weekday/month; this keeps Date.parse from reading bare numbers like "1.5".
    if (!/[A-Za-z]/.test(value)) return undefined;
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    delayMs = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, delayMs));
}

/**
 * The next step after an attempt ended with `status` (undefined: no HTTP answer — timeout, DNS or
 * connection error). `attemptsMade` counts attempts so far, including the one that just ended; 0
 * schedules the first attempt. 2xx is delivered, 410 disables the endpoint, anything else retries
 * on the schedule with ±10 % jitter, never earlier than `Retry-After`, until the 10th attempt fails.
 *
 * @param random - a uniform source in [0, 1) (from the `IdGenerator` port's random bytes; fixed in tests).
 * @throws RangeError when `attemptsMade` is not a non-negative integer.
 */
export function nextAttempt(input: {
  attemptsMade: number;
  status?: number;
  retryAfterHeader?: string;
  now: number;
  random: () => number;
}): DeliveryStep {
  const { attemptsMade, status, now } = input;
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0) {
    throw new RangeError(`attemptsMade must be a non-negative integer, got ${attemptsMade}`);
  }
  if (status !== undefined && status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 410) return { kind: "disabled" };
  const scheduledSeconds = RETRY_SCHEDULE_SECONDS[attemptsMade];
  if (scheduledSeconds === undefined) return { kind: "exhausted" };

  // Clamp the injected source: a bad value must not push the jitter beyond ±10 % (NaN: no jitter).
  const raw = input.random();
  const r = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0.5;
  const jitter = (r * 2 - 1) * RETRY_JITTER_FRACTION;
  const delayMs = Math.max(0, Math.round(scheduledSeconds * 1000 * (1 + jitter)));
  const retryAfterMs = parseRetryAfter(input.retryAfterHeader, now) ?? 0;
  return { kind: "retry", at: now + Math.max(delayMs, retryAfterMs) };
}
