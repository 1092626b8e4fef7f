import { verify } from "node:crypto";
import {
  type AnchorAlgorithm,
  type AnchorFinding,
  type CaseAuditReport,
  checkCase,
  verifyAnchors,
} from "../domain/audit-anchor.js";
import type { AnchorPublicKey, AnchorStore, AuditHeadIndex } from "../ports/audit-anchor.js";
import type { CaseStore } from "../ports/case-store.js";
import type { Clock } from "../ports/clock.js";
import type { AuditEvent } from "../schemas/case.js";

/** What `npm run audit -- verify` and `GET /v1/audit/verify` report. */
export interface AuditVerification {
  checkedAt: string;
  /** True when the anchors and every case verify. */
  valid: boolean;
  anchors: {
    count: number;
    valid: boolean;
    last: { anchorSeq: number; at: string; root: string } | null;
    findings: AnchorFinding[];
  };
  summary: { cases: number; ok: number; tampered: number; neverAnchored: number; unanchoredEvents: number };
  /** The cases with findings (every case with `includeOk`). */
  cases: CaseAuditReport[];
}

const CONCURRENCY = 8;

/**
 * Checks the whole audit trail against the signed anchors (see `domain/audit-anchor.ts`). Read-only:
 * it never writes a case's outbox out, it reads it from the case item.
 *
 * Input: `includeOk` to list clean cases too. Output: {@link AuditVerification}.
 * 1. Read every anchor; check seqs, chain, roots and signatures with the public key.
 * 2. List every case: those anchored and those in the table's audit-head index.
 * 3. Per case, read the item (head and outbox) and its stored events; check them against every
 *    anchored leaf (edits, deleted events, truncation, a deleted case) and the hash chain.
 */
export function makeVerifyAudit(deps: {
  cases: CaseStore;
  heads: AuditHeadIndex;
  anchors: AnchorStore;
  publicKey: AnchorPublicKey;
  clock: Clock;
}) {
  return async (input: { includeOk?: boolean } = {}): Promise<AuditVerification> => {
    const [anchors, pem, heads] = await Promise.all([
      deps.anchors.list(),
      deps.publicKey.publicKeyPem(),
      deps.heads.changedSince(null),
    ]);
    const anchorCheck = verifyAnchors(anchors, (message, signature, algorithm: AnchorAlgorithm) =>
      verify(algorithm === "ED25519" ? null : "sha256", message, pem, Buffer.from(signature, "base64")),
    );
    const caseIds = [...new Set([...anchorCheck.anchored.keys(), ...heads.map((head) => head.caseId)])].sort();
    const reports: CaseAuditReport[] = new Array(caseIds.length);
    let next = 0;
    const worker = async () => {
      while (next < caseIds.length) {
        const index = next++;
        const caseId = caseIds[index] as string;
        reports[index] = await checkOne(deps.cases, caseId, anchorCheck.anchored.get(caseId) ?? []);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, caseIds.length) }, worker));
    const tampered = reports.filter((report) => report.status === "tampered");
    return {
      checkedAt: new Date(deps.clock.now()).toISOString(),
      valid: anchorCheck.valid && tampered.length === 0,
      anchors: {
        count: anchorCheck.count,
        valid: anchorCheck.valid,
        last: anchorCheck.last,
        findings: anchorCheck.findings,
      },
      summary: {
        cases: reports.length,
        ok: reports.length - tampered.length,
        tampered: tampered.length,
        neverAnchored: reports.filter((report) => report.anchoredSeq === null).length,
        unanchoredEvents: reports.reduce((sum, report) => sum + report.unanchoredEvents, 0),
      },
      cases: input.includeOk ? reports : tampered,
    };
  };
}

async function checkOne(
  cases: CaseStore,
  caseId: string,
  anchored: Parameters<typeof checkCase>[0]["anchored"],
): Promise<CaseAuditReport> {
  let found: Awaited<ReturnType<CaseStore["get"]>>;
  let stored: AuditEvent[];
  try {
    [found, stored] = await Promise.all([cases.get(caseId), cases.listAudit(caseId)]);
  } catch (error) {
    // An item that no longer parses was written by something other than Vigil: that is the finding.
    if ((error as Error).name !== "ZodError" && !(error instanceof SyntaxError)) throw error;
    const anchoredSeq = anchored.reduce<number | null>((max, leaf) => Math.max(max ?? 0, leaf.seq), null);
    const finding = { kind: "unreadable" as const, detail: "the case item or one of its audit events does not parse" };
    return { caseId, status: "tampered", anchoredSeq, headSeq: null, unanchoredEvents: 0, findings: [finding] };
  }
  const events = new Map<number, AuditEvent>();
  // The outbox holds events not written out yet; a stored event wins (it is what the table says).
  for (const event of found?.case.pendingEvents ?? []) events.set(event.seq, event);
  for (const event of stored) events.set(event.seq, event);
  const head = found ? { seq: found.case.audit.seq, hash: found.case.audit.head } : null;
  // A change racing this read may have added later events: check up to the head that was read.
  const upToHead = [...events.values()].filter((event) => head === null || event.seq <= head.seq);
  return checkCase({ caseId, anchored, head, events: upToHead });
}
