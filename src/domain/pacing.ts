import type { MessageKind } from "./messages/index.js";
import type { Priority } from "./types.js";

/**
 * Message pacing (ADR 0014): what waits in the outbound queue is sent at the configured rate of its
 * channel, the gravest case first and, within a priority, the acknowledgement before the
 * verification request before the lock notices before guidance and later updates. Pure rules: the
 * queue itself is a port (`OutboundQueue`), the drain a use case (`makeDrainOutbound`).
 */

/** Where a reporter message goes out. */
export type OutboundChannel = "email" | "sms";

/**
 * The place of each kind in its priority's queue: what a reporter needs first comes first. Kinds not
 * listed (status updates, closures, agent messages) come after guidance.
 */
const KIND_ORDER: Partial<Record<MessageKind, number>> = {
  acknowledgement: 0,
  verification_request: 1,
  verification_code: 1,
  lock_requested: 2,
  lock_applied: 2,
  unlock_requested: 2,
  guidance: 3,
};
const LATER_KINDS = 4;

/**
 * The sort key of a queued message: priority, then kind (`P1#0` … `P4#4`). Keys compare as strings, so
 * a store can keep the queue ordered by `<rank>#<enqueued at>`.
 */
export function pacingRank(priority: Priority, kind: MessageKind): string {
  return `${priority}#${KIND_ORDER[kind] ?? LATER_KINDS}`;
}

/** What the drain needs of a queued message to order it. */
export interface Rankable {
  rank: string;
  /** `<caseId>#<claim key>`: case ids are ULIDs, so within a rank the oldest case goes first. */
  id: string;
}

/**
 * Queue order: rank, then id (the oldest case first: case ids sort by creation time). Deterministic,
 * so a store can key the queue by `<rank>#<id>` and a retried enqueue rewrites the same entry.
 */
export function compareOutbound(a: Rankable, b: Rankable): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A token bucket: `tokens` available at `at` (epoch ms). */
export interface TokenBucket {
  tokens: number;
  at: number;
}

/** A full bucket: one second's worth of sends may go at once, as SES and End User Messaging accept. */
export function fullBucket(ratePerSecond: number, now: number): TokenBucket {
  return { tokens: ratePerSecond, at: now };
}

/**
 * Takes one token if there is one. Tokens refill at `ratePerSecond` up to a burst of one second's
 * worth (`ratePerSecond`), so sends never exceed the rate over any second.
 * Returns the new bucket and, when refused, how long until the next token.
 */
export function takeToken(
  bucket: TokenBucket,
  now: number,
  ratePerSecond: number,
): { bucket: TokenBucket; granted: boolean; waitMs: number } {
  const elapsed = Math.max(0, now - bucket.at);
  const tokens = Math.min(ratePerSecond, bucket.tokens + (elapsed * ratePerSecond) / 1000);
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, at: now }, granted: true, waitMs: 0 };
  return { bucket: { tokens, at: now }, granted: false, waitMs: Math.ceil(((1 - tokens) * 1000) / ratePerSecond) };
}

/** Back-off after a failed attempt of a queued message: 1 s doubling to 5 minutes. */
export function pacingBackoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

/** How long a queued message may wait before it is given up on, alarmed and shown on the case: 24 h. */
export const OUTBOUND_MAX_AGE_MS = 24 * 3_600_000;

/** Whether a queued message has waited past the maximum age. */
export function outboundExpired(enqueuedAt: number, now: number, maxAgeMs = OUTBOUND_MAX_AGE_MS): boolean {
  return now - enqueuedAt > maxAgeMs;
}

/**
 * Pages to staff (on-call, second contact) share the channels' queues and rates but rank ahead of every
 * reporter message (`P0#<n>` sorts before `P1#0`): a page about a thousand cases is worth more than one
 * case's acknowledgement. Within them, the gravest case first.
 */
export const STAFF_RANK_PREFIX = "P0#";

/** The rank of a page to staff about a case of `priority` (`P0#1` … `P0#4`). */
export function staffRank(priority: Priority): string {
  return `${STAFF_RANK_PREFIX}${priority.slice(1)}`;
}

/** Whether a queued message is a page to staff. */
export function isStaffPage(message: Pick<Rankable, "rank">): boolean {
  return message.rank.startsWith(STAFF_RANK_PREFIX);
}

/**
 * How often the drain pages one contact on one channel from the queue: at most one message a minute. Pages
 * that queue meanwhile go out together as one digest, so a wave pages on-call once a minute, not once a case.
 */
export const ONCALL_DIGEST_INTERVAL_MS = 60_000;
