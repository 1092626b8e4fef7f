/**
 * Every key of the single table, built in one place. `pk`/`sk` address items; `gsi1` lists cases
 * by status ordered by nearest SLA due; `gsi2` (sparse) lists cases the sweep must settle;
 * `gsi3` (keys only) finds an account's cases; `gsi4` (keys only) finds cases by the keyed hash of
 * the reporter's email, so no clear-text email enters an index. `gsi3`/`gsi4` keys are narrow (one
 * account, one reporter) and written once per case: no hot partition.
 * `gsi5` lists case audit heads by last change, for the audit anchor.
 */
export const keys = {
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: "CASE" }),
  auditEvent: (caseId: string, seq: number) => ({ pk: `CASE#${caseId}`, sk: `AUDIT#${String(seq).padStart(10, "0")}` }),
  auditPrefix: "AUDIT#",
  accountOpenCase: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: "OPEN_CASE" }),
  webhook: (webhookId: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: "WEBHOOK" }),
  link: (tokenHash: string) => ({ pk: `LINK#${tokenHash}`, sk: "LINK" }),
  delivery: (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: "DELIVERY" }),
  /** SMS code sends to one number across cases; the id is a keyed hash of the number (never the number). */
  codeSends: (destinationKey: string) => ({ pk: `SMSDEST#${destinationKey}`, sk: "SENDS" }),
  /**
   * The queue (gsi1) of one status, sharded by case id over {@link CASE_QUEUE_SHARDS} keys: every
   * case write rewrites its entry, so one key per status would be one hot partition in a wave.
   */
  byStatus: (status: string, caseId: string) => `STATUS#${status}#${shardOf(caseId, CASE_QUEUE_SHARDS)}`,
  /** Every shard of a status queue: a reader queries each and merges by `gsi1sk` (nearest due first). */
  byStatusShards: (status: string) =>
    Array.from({ length: CASE_QUEUE_SHARDS }, (_, shard) => `STATUS#${status}#${shard}`),
  /** Sorts by due time; cases with no running clock sort last. */
  byDue: (nearestDue: string | null, caseId: string) => `${nearestDue ?? "9999"}#${caseId}`,
  /**
   * Sparse: only cases the sweep must settle (workflow not started, or a lock due and not yet
   * requested) are listed; a settled case drops out at its next write, so the partition stays small.
   */
  unsettled: "SWEEP#UNSETTLED",
  unsettledOrder: (openedAt: string, caseId: string) => `${openedAt}#${caseId}`,
  byAccount: (accountId: string) => `ACCOUNT#${accountId}`,
  byEmailHash: (hash: string) => `EMAIL#${hash}`,
  /** Newest first when queried backwards. */
  byOpened: (openedAt: string, caseId: string) => `${openedAt}#${caseId}`,
  /**
   * The `gsi1sk` range of concluded cases opened in `[from, to]`: their sort key is `9999#<caseId>`
   * and case ids are ULIDs, whose first 10 characters encode the creation time.
   */
  concludedOpenedRange: (fromUlidTime: string, toUlidTime: string) =>
    [`9999#c_${fromUlidTime}`, `9999#c_${toUlidTime}\uffff`] as const,
  /** Deliveries by status (exhausted and disabled ones are what an operator replays). */
  deliveriesByStatus: (status: string) => `DELIVERY#${status}`,
  deliveryOrder: (createdAt: string, deliveryId: string) => `${createdAt}#${deliveryId}`,
  /**
   * Case audit heads by last change (gsi5). Every case write lands here, so the partition is
   * sharded by case id over {@link AUDIT_HEAD_SHARDS} keys: the anchor queries each shard.
   */
  auditHeadShard: (caseId: string) => `AUDITED#${shardOf(caseId, AUDIT_HEAD_SHARDS)}`,
  auditHeadShards: () => Array.from({ length: AUDIT_HEAD_SHARDS }, (_, shard) => `AUDITED#${shard}`),
  auditHeadOrder: (updatedAt: string, caseId: string) => `${updatedAt}#${caseId}`,
  /**
   * A reporter message waiting for its channel's rate (ADR 0014). A queue is one key per channel in a
   * wave's busiest minutes (≈ 320 emails/s put and deleted): sharded by case id over
   * {@link OUTBOUND_SHARDS} keys; the drain queries each shard and merges by `sk` (rank, then case).
   */
  outbound: (channel: string, caseId: string, rank: string, id: string) => ({
    pk: `OUTBOUND#${channel}#${shardOf(caseId, OUTBOUND_SHARDS)}`,
    sk: `${rank}#${id}`,
  }),
  outboundShards: (channel: string) =>
    Array.from({ length: OUTBOUND_SHARDS }, (_, shard) => `OUTBOUND#${channel}#${shard}`),
  /** The channel's backlog flag: one small item, read through a one-second cache by each sender. */
  outboundBacklog: (channel: string) => ({ pk: `OUTBOUND#${channel}`, sk: "BACKLOG" }),
} as const;

/** Shards of each outbound queue: ≈ 80 WCU/s per shard at a wave's peak (BENCHMARKS.md, "Mass incident"). */
export const OUTBOUND_SHARDS = 8;

/** TTL attribute (epoch seconds); expired items are also filtered on read, TTL deletion lags. */
export const TTL_ATTRIBUTE = "expiresAt";

/** Shards of the audit-head index: spreads intake bursts over 8 GSI partitions (≈8,000 writes/s). */
export const AUDIT_HEAD_SHARDS = 8;

/**
 * Shards of each status queue (gsi1). A mass incident writes the open queue at ≈ 8 WCU per case
 * change (projection ALL: a put of the new entry and a delete of the old one); 16 shards carry
 * ≈ 16,000 WCU/s before any one partition reaches its 1,000 WCU/s (figures: BENCHMARKS.md, "Mass
 * incident"). A reader pays one query per shard.
 */
export const CASE_QUEUE_SHARDS = 16;

function shardOf(caseId: string, shards: number): number {
  let hash = 0;
  for (let i = 0; i < caseId.length; i++) hash = (hash * 31 + caseId.charCodeAt(i)) >>> 0;
  return hash % shards;
}
