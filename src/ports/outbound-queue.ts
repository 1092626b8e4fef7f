import type { MessageKind } from "../domain/messages/index.js";
import type { OutboundChannel } from "../domain/pacing.js";
import type { IncidentType, Priority } from "../domain/types.js";

/** Variables of a queued message: never a secret (codes and links are minted when it is sent). */
export type QueuedVars = Record<string, string | number | boolean | string[] | undefined>;

/**
 * A secret the message carries, minted only when the message goes out so no code, link token or reply
 * nonce is stored in the queue (and a code never goes out stale): `reopen_link` (`reopenUrl`),
 * `verification_link` (`verifyUrl` and the reply address), `verification_code` (`code`).
 */
export type QueuedMint = "reopen_link" | "verification_link" | "verification_code";

/** Who a page to staff goes to: the on-call contact or the second contact (addresses stay in the configuration). */
export type StaffRecipient = "oncall" | "second";

/** A reporter message, or a page to staff (`recipient` set), waiting for its channel's rate (ADR 0014). */
export interface QueuedMessage {
  /** `<caseId>#<key>`: the case and its claim key; a retry of the same enqueue rewrites the same item. */
  id: string;
  channel: OutboundChannel;
  caseId: string;
  /** The claim in `case.sent` (`<kind>#<generation>#<channel>`), held while the message waits. */
  key: string;
  kind: MessageKind;
  priority: Priority;
  /** {@link pacingRank}: the queue's order. */
  rank: string;
  vars: QueuedVars;
  mint?: QueuedMint;
  incidentType?: IncidentType;
  locale?: string;
  /** Epoch ms; the queue is FIFO within a rank. */
  enqueuedAt: number;
  /** Failed sends from the queue so far. */
  attempts: number;
  /** Epoch ms before which the drain leaves it (back-off after a failed attempt). */
  notBefore: number;
  /** A page to staff (`oncall_escalation`, rank `P0#…`): whom it goes to. */
  recipient?: StaffRecipient;
}

/**
 * The outbound queue of reporter messages and pages to staff, one per channel, ordered by rank then enqueue time. A
 * backlog flag per channel tells senders to queue behind the waiting messages instead of racing them
 * for the provider's rate.
 */
export interface OutboundQueue {
  /** Adds (or rewrites) a message and raises its channel's backlog flag. */
  enqueue(message: QueuedMessage): Promise<void>;
  /** The first `limit` messages of the channel in queue order (back-off included: the caller skips those not due). */
  peek(channel: OutboundChannel, limit: number): Promise<QueuedMessage[]>;
  /** Rewrites a message's attempts and `notBefore` (its place in the order does not change). */
  update(message: QueuedMessage): Promise<void>;
  remove(message: QueuedMessage): Promise<void>;
  /** Every page to staff waiting on the channel (rank `P0#…`), in queue order, up to `limit`. */
  peekStaff(channel: OutboundChannel, limit: number): Promise<QueuedMessage[]>;
  /** Removes many messages at once (the pages one digest carried). */
  removeMany(messages: QueuedMessage[]): Promise<void>;
  /** Whether messages wait on the channel (may lag by about a second: a reader caches the flag). */
  hasBacklog(channel: OutboundChannel): Promise<boolean>;
  /** Lowers the flag once the drain found the channel's queue empty. */
  clearBacklog(channel: OutboundChannel): Promise<void>;
}
