/** What an accepted webhook id resolved to. */
export interface WebhookRecord {
  webhookId: string;
  bodyHash: string;
  state: "claimed" | "done";
  claimedAt: number;
  caseId?: string;
  result?: { caseId: string; status: string; priority: string; merged: boolean };
}

/** Remembers webhook ids (≥ 72 h) so a sender's retry maps to the same case. */
export interface IdempotencyStore {
  /** Claims an id; returns the existing record when someone holds it already. */
  claim(
    record: WebhookRecord,
    expiresAt: number,
  ): Promise<{ claimed: true } | { claimed: false; existing: WebhookRecord }>;
  /** Takes over a claim that was abandoned (its holder crashed), if it is still the one seen. */
  takeOver(record: WebhookRecord, staleClaimedAt: number, expiresAt: number): Promise<boolean>;
  /** Gives up a claim (the request failed before opening or joining a case), if it is still ours. */
  release(webhookId: string, claimedAt: number): Promise<void>;
  /** Records what the claimed id resolved to (one write: the caller holds the claim it made). */
  complete(claim: WebhookRecord, result: NonNullable<WebhookRecord["result"]>, expiresAt: number): Promise<void>;
}
