import type { Case } from "../schemas/case.js";
import type { WebhookRecord } from "./idempotency-store.js";

/** What {@link CaseIntake.open} did. */
export type OpenCaseOutcome =
  | { opened: true }
  /** The webhook id is already held (a repeat, or a claim in progress): nothing was written. */
  | { opened: false; reason: "duplicate"; existing: WebhookRecord }
  /** The account has an open case (`caseId` when known): nothing was written; the report may join it. */
  | { opened: false; reason: "account"; caseId?: string }
  /** Another write raced on one of the items: nothing was written; take the item-by-item path. */
  | { opened: false; reason: "contended" };

/**
 * The fast path of intake (ADR 0015): a new report for an account with no open case writes its webhook
 * claim, its account claim and its case all at once, or nothing.
 */
export interface CaseIntake {
  open(input: { claim: WebhookRecord; expiresAt: number; item: Case }): Promise<OpenCaseOutcome>;
}
