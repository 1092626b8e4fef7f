import { verifyChain } from "../domain/audit-chain.js";
import { NotFoundError } from "../errors/index.js";
import type { AuditEvent } from "../schemas/case.js";
import { storedAudit } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { assertCaseId } from "./get-case.js";

/** An audit event as the operator API returns it. */
export interface AuditEventView extends AuditEvent {
  /**
   * True when `detail` was scrubbed for display (contact data or a secret-looking value): its hash
   * then covers the stored detail, not the one shown. The server verifies the stored events.
   */
  redacted?: true;
}

/** `GET /v1/cases/{caseId}/audit`. */
export interface CaseAudit {
  caseId: string;
  events: AuditEventView[];
  /** The stored chain verifies, and its newest event is the head recorded on the case. */
  chainValid: boolean;
  /** The first seq that does not verify. */
  brokenAt?: number;
  head: { seq: number; hash: string };
}

/**
 * `GET /v1/cases/{caseId}/audit`: the case's hash-chained audit trail and whether it verifies.
 *
 * Input: the case id. Output: {@link CaseAudit}.
 * 1. Refuse a malformed id; read the case for its recorded head (404 when absent).
 * 2. Read the events (the case's outbox is written first).
 * 3. Verify the whole chain (order, links, hashes), then that the event at the head's seq is the
 *    head: a deleted newest event or a rewritten chain shows as `chainValid: false` with `brokenAt`.
 *    Events newer than the head read in step 1 were appended meanwhile; their links are verified too.
 * 4. Return the events with contact data and secret-looking values scrubbed from their details.
 *
 * @throws NotFoundError unknown or malformed case id.
 */
export function makeGetCaseAudit(deps: Pick<Deps, "cases" | "views">) {
  return async (caseId: string | undefined): Promise<CaseAudit> => {
    const id = assertCaseId(caseId);
    const found = await deps.cases.get(id);
    if (!found) throw new NotFoundError(`case ${id} not found`);
    const head = { seq: found.case.audit.seq, hash: found.case.audit.head };
    const events = await storedAudit(deps.cases, found.case);
    const chain = verifyChain(events);
    const atHead = chain.valid
      ? verifyChain(
          events.filter((event) => event.seq <= head.seq),
          head,
        )
      : chain;
    const scrub = deps.views.scrubber(found.case);
    return {
      caseId: id,
      events: events.map((event) => {
        const detail = scrub.detail(event.detail);
        const actor = scrub.known(event.actor);
        const redacted = JSON.stringify(detail) !== JSON.stringify(event.detail) || actor !== event.actor;
        return { ...event, actor, detail, ...(redacted ? { redacted: true as const } : {}) };
      }),
      chainValid: atHead.valid,
      ...(atHead.brokenAt !== undefined ? { brokenAt: atHead.brokenAt } : {}),
      head,
    };
  };
}
