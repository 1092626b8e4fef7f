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
  byStatus: (status: string) => `STATUS#${status}`,
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
  auditHeadShard: (caseId: string) => `AUDITED#${auditHeadShardOf(caseId)}`,
  auditHeadShards: () => Array.from({ length: AUDIT_HEAD_SHARDS }, (_, shard) => `AUDITED#${shard}`),
  auditHeadOrder: (updatedAt: string, caseId: string) => `${updatedAt}#${caseId}`,
} as const;

/** TTL attribute (epoch seconds); expired items are also filtered on read, TTL deletion lags. */
export const TTL_ATTRIBUTE = "expiresAt";

/** Shards of the audit-head index: spreads intake bursts over 8 GSI partitions (≈8,000 writes/s). */
export const AUDIT_HEAD_SHARDS = 8;

function auditHeadShardOf(caseId: string): number {
  let hash = 0;
  for (let i = 0; i < caseId.length; i++) hash = (hash * 31 + caseId.charCodeAt(i)) >>> 0;
  return hash % AUDIT_HEAD_SHARDS;
}
