/**
 * Every key of the single table, built in one place. `pk`/`sk` address items; `gsi1` lists cases
 * by status ordered by nearest SLA due; `gsi2` (sparse) lists workflows still waiting to start;
 * `gsi3` lists case audit heads by last change, for the audit anchor.
 */
export const keys = {
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: "CASE" }),
  auditEvent: (caseId: string, seq: number) => ({ pk: `CASE#${caseId}`, sk: `AUDIT#${String(seq).padStart(10, "0")}` }),
  auditPrefix: "AUDIT#",
  accountOpenCase: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: "OPEN_CASE" }),
  webhook: (webhookId: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: "WEBHOOK" }),
  link: (tokenHash: string) => ({ pk: `LINK#${tokenHash}`, sk: "LINK" }),
  delivery: (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: "DELIVERY" }),
  byStatus: (status: string) => `STATUS#${status}`,
  /** Sorts by due time; cases with no running clock sort last. */
  byDue: (nearestDue: string | null, caseId: string) => `${nearestDue ?? "9999"}#${caseId}`,
  pendingStart: "WORKFLOW#PENDING_START",
  pendingStartOrder: (openedAt: string, caseId: string) => `${openedAt}#${caseId}`,
  /** Deliveries by status (exhausted and disabled ones are what an operator replays). */
  deliveriesByStatus: (status: string) => `DELIVERY#${status}`,
  deliveryOrder: (createdAt: string, deliveryId: string) => `${createdAt}#${deliveryId}`,
  /**
   * Case audit heads by last change (gsi3). Every case write lands here, so the partition is
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
