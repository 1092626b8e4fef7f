import { type Anchor, nextStatement, statementBytes } from "../domain/audit-anchor.js";
import { ConflictError } from "../errors/index.js";
import type { AnchorSigner, AnchorStore, AuditHeadIndex } from "../ports/audit-anchor.js";
import type { Clock } from "../ports/clock.js";

export interface AnchorAuditOutput {
  anchored: boolean;
  anchorSeq?: number;
  leaves: number;
}

/**
 * How far before the last anchor the next one looks again: a write whose clock read came before the
 * last anchor but whose item landed after it is still picked up (Lambda tasks time out well within).
 */
const OVERLAP_MS = 2 * 60_000;
const MAX_ATTEMPTS = 3;

/**
 * Anchors the audit trail outside the table (see `domain/audit-anchor.ts`, ADR 0008). Runs every 5
 * minutes and when a case workflow ends (the case closed).
 *
 * Input: none. Output: whether an anchor was written, its seq and leaf count.
 * 1. Read the newest anchor.
 * 2. Read the heads of the cases changed since it was made (minus an overlap), from the index.
 * 3. Keep the heads that differ from the newest anchor's; none: write nothing.
 * 4. Build the statement (Merkle root, chained to the newest anchor), sign it, store it with its leaves.
 * 5. Another anchor took the seq meanwhile (`ConflictError`): start again from 1.
 *
 * @throws ConflictError after 3 lost races. @throws TransientError when KMS, S3 or DynamoDB fail.
 */
export function makeAnchorAudit(deps: {
  heads: AuditHeadIndex;
  anchors: AnchorStore;
  signer: AnchorSigner;
  clock: Clock;
}) {
  return async (): Promise<AnchorAuditOutput> => {
    for (let attempt = 1; ; attempt++) {
      const previous = await deps.anchors.latest();
      const now = deps.clock.now();
      const since = previous ? new Date(Date.parse(previous.at) - OVERLAP_MS).toISOString() : null;
      const heads = await deps.heads.changedSince(since);
      const next = nextStatement({
        previous,
        heads,
        at: new Date(now).toISOString(),
        keyId: deps.signer.keyId,
        algorithm: deps.signer.algorithm,
      });
      if (!next) return { anchored: false, leaves: 0 };
      const signature = await deps.signer.sign(statementBytes(next.statement));
      const anchor: Anchor = {
        ...next.statement,
        leaves: next.leaves,
        signature: Buffer.from(signature).toString("base64"),
      };
      try {
        await deps.anchors.put(anchor);
        return { anchored: true, anchorSeq: anchor.anchorSeq, leaves: anchor.leafCount };
      } catch (error) {
        if (error instanceof ConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  };
}
