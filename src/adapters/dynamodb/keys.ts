/**
 * Every key of the single table, built in one place. `pk`/`sk` address items; `gsi1` lists cases
 * by status ordered by nearest SLA due; `gsi2` (sparse) lists workflows still waiting to start;
 * `gsi3` (keys only) finds an account's cases; `gsi4` (keys only) finds cases by the keyed hash of
 * the reporter's email, so no clear-text email enters an index. `gsi3`/`gsi4` keys are narrow (one
 * account, one reporter) and written once per case: no hot partition.
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
  pendingStartOrder: (openedAt: string, caseId: string) => `${openedAt}#${caseId}`,
  /** Deliveries by status (exhausted and disabled ones are what an operator replays). */
  deliveriesByStatus: (status: string) => `DELIVERY#${status}`,
  deliveryOrder: (createdAt: string, deliveryId: string) => `${createdAt}#${deliveryId}`,
} as const;

/** TTL attribute (epoch seconds); expired items are also filtered on read, TTL deletion lags. */
export const TTL_ATTRIBUTE = "expiresAt";
