import { AsyncLocalStorage } from "node:async_hooks";
import { GENESIS_HASH, sealEvent } from "../domain/audit-chain.js";
import { uniform } from "../domain/random.js";
import { emailSearchHash, emailSearchKey } from "../domain/search.js";
import { ConflictError, NotFoundError } from "../errors/index.js";
import type { CaseStore } from "../ports/case-store.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { SecretSource } from "../ports/secrets.js";
import type { AuditEvent, Case } from "../schemas/case.js";

/** What a change records in the audit trail; the chain fields are added when it is sealed. */
export interface AuditEntry {
  type: string;
  actor: string;
  detail?: Record<string, unknown>;
}

/** A change to a case: the new case and the audit entries that explain it. `null`: nothing to do. */
export type CaseChange = { case: Case; events: AuditEntry[] } | null;

/** A change that also answers its caller (what it decided, refused or claimed), with or without a write. */
export interface CaseDecision<R> {
  change: CaseChange;
  result: R;
}

/**
 * Applies a change to a case (see {@link makeMutateCase}). Called directly, it returns the case as
 * written; `deciding` also returns the `result` of the run of the change that settled (the one written,
 * or the one that found nothing to do), so a caller needs no variable set from inside the change.
 */
export interface MutateCase {
  (caseId: string, change: (current: Case, now: number) => CaseChange): Promise<Case>;
  deciding<R>(
    caseId: string,
    decide: (current: Case, now: number) => CaseDecision<R>,
  ): Promise<{ case: Case; result: R }>;
}

const MAX_ATTEMPTS = 10;

/** Full-jitter backoff (ms) before retry `attempt`, so writers racing on one case spread out instead of colliding again. */
const backoffMs = (attempt: number, random: number) => random * 5 * 2 ** attempt;

/** Who an agent acts for, while their request runs (see {@link actingOnBehalfOf}). */
const behalf = new AsyncLocalStorage<{ agent: string; onBehalfOf: string }>();

/**
 * Runs `work` so that every audit event the agent writes in it records the name they act for as
 * `detail.onBehalfOf`; the actor stays the authenticated agent. Events by others (the system, a
 * timer) are untouched.
 */
export function actingOnBehalfOf<T>(agent: string, onBehalfOf: string | undefined, work: () => Promise<T>): Promise<T> {
  return onBehalfOf === undefined || onBehalfOf === agent ? work() : behalf.run({ agent, onBehalfOf }, work);
}

function seal(item: Case, entries: AuditEntry[], now: number): { case: Case; events: AuditEvent[] } {
  let { seq, head } = item.audit;
  const acting = behalf.getStore();
  const events = entries.map((entry) => {
    seq += 1;
    const event = sealEvent(
      {
        caseId: item.caseId,
        seq,
        at: new Date(now).toISOString(),
        type: entry.type,
        actor: entry.actor,
        detail:
          acting && entry.actor === acting.agent
            ? { ...entry.detail, onBehalfOf: acting.onBehalfOf }
            : (entry.detail ?? {}),
      },
      head,
    );
    head = event.hash;
    return event;
  });
  return {
    case: { ...item, audit: { seq, head }, pendingEvents: events, updatedAt: new Date(now).toISOString() },
    events,
  };
}

/**
 * A new case with its first audit event, sealed and ready to write. The case item carries its new events
 * as an outbox (`pendingEvents`) so the audit trail survives a crash between the two writes without
 * transactions: the next change of the case (or a read of its audit) writes them first. With the
 * secrets at hand, the case also records the keyed hash its reporter's email is searched by.
 */
export function makePrepareCase(deps: { clock: Clock; secrets?: SecretSource }) {
  return async (item: Case, opening: AuditEntry[]): Promise<Case> => {
    // Search is a convenience; the report is not: a pepper that cannot be read leaves the case unsearchable
    // by email (still by id and account) rather than refusing it.
    const reporterEmailHash = deps.secrets
      ? await deps.secrets
          .verificationPepper()
          .then((pepper) => emailSearchHash(emailSearchKey(pepper), item.reporter.email))
          .catch(() => undefined)
      : undefined;
    const now = deps.clock.now();
    return seal(
      {
        ...item,
        ...(reporterEmailHash ? { reporterEmailHash } : {}),
        audit: { seq: 0, head: GENESIS_HASH },
        pendingEvents: [],
      },
      opening,
      now,
    ).case;
  };
}

/**
 * Opens a case with its first audit event (see {@link makePrepareCase}) in one write: the opening events
 * stay in the item's outbox until its first change (or audit read).
 */
export function makeCreateCase(deps: { cases: CaseStore; clock: Clock; secrets?: SecretSource }) {
  const prepare = makePrepareCase(deps);
  return async (item: Case, opening: AuditEntry[]): Promise<Case> => {
    const sealed = await prepare(item, opening);
    await deps.cases.create(sealed);
    return sealed;
  };
}

/**
 * Applies a change to a case with an optimistic, single-item conditional write, retrying on a
 * lost race with a fresh read. Changes must be pure functions of the case (they may run again).
 *
 * 1. Read the case (consistent); flush its outbox of audit events.
 * 2. Compute the change; `null` ends here (idempotent retries land here).
 * 3. Seal the audit entries onto the hash chain; write the case if its version is unchanged. A lost
 *    race waits a full-jitter back-off (`clock.sleep`, jitter from `ids.randomBytes`) and starts over
 *    at step 1, up to 10 attempts.
 * 4. Write the new audit events under their deterministic keys.
 *
 * @throws NotFoundError when the case does not exist.
 */
export function makeMutateCase(deps: {
  cases: CaseStore;
  clock: Clock;
  ids: Pick<IdGenerator, "randomBytes">;
}): MutateCase {
  const deciding = async <R>(
    caseId: string,
    decide: (current: Case, now: number) => CaseDecision<R>,
  ): Promise<{ case: Case; result: R }> => {
    for (let attempt = 1; ; attempt++) {
      const current = await deps.cases.get(caseId);
      if (!current) throw new NotFoundError(`case ${caseId} not found`);
      await flushOutbox(deps.cases, current.case);
      const now = deps.clock.now();
      const { change: next, result } = decide(current.case, now);
      if (!next) return { case: current.case, result };
      const sealed = seal(next.case, next.events, now);
      try {
        await deps.cases.update(sealed.case, current.version);
      } catch (error) {
        if (error instanceof ConflictError && attempt < MAX_ATTEMPTS) {
          await deps.clock.sleep(backoffMs(attempt, uniform(deps.ids.randomBytes(4))));
          continue;
        }
        throw error;
      }
      await deps.cases.appendAudit(sealed.events);
      return { case: sealed.case, result };
    }
  };
  const mutate = async (caseId: string, change: (current: Case, now: number) => CaseChange): Promise<Case> =>
    (await deciding(caseId, (current, now) => ({ change: change(current, now), result: undefined }))).case;
  return Object.assign(mutate, { deciding });
}

/**
 * Writes the audit events still in a case's outbox. Normally they were written right after the case
 * (the last one is there), so one read replaces a conditional write per event.
 */
async function flushOutbox(cases: CaseStore, item: Case): Promise<void> {
  const last = item.pendingEvents.at(-1);
  if (!last || (await cases.hasAuditEvent(item.caseId, last.seq))) return;
  await cases.appendAudit(item.pendingEvents);
}

/**
 * The audit events of a case exactly as of this read of it: its outbox written out first (one read
 * when it already is), then the stored events up to the case's `audit.seq` (a change racing this
 * read may have added later ones).
 */
export async function auditOf(cases: CaseStore, item: Case): Promise<AuditEvent[]> {
  return (await storedAudit(cases, item)).filter((event) => event.seq <= item.audit.seq);
}

/** Every stored audit event of a case, its outbox written out first (the audit endpoint verifies them all). */
export async function storedAudit(cases: CaseStore, item: Case): Promise<AuditEvent[]> {
  await flushOutbox(cases, item);
  return cases.listAudit(item.caseId);
}

/** Reads every stored audit event of a case (see {@link storedAudit}). @throws NotFoundError when the case does not exist. */
export function makeReadAudit(deps: { cases: CaseStore }) {
  return async (caseId: string): Promise<AuditEvent[]> => {
    const current = await deps.cases.get(caseId);
    if (!current) throw new NotFoundError(`case ${caseId} not found`);
    return storedAudit(deps.cases, current.case);
  };
}
