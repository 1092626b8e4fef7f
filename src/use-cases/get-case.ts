import type { Operator } from "../domain/operator.js";
import { NotFoundError } from "../errors/index.js";
import type { CaseView } from "../ports/case-views.js";
import { CASE_ID_PATTERN } from "../schemas/operator.js";
import { auditOf } from "./case-mutation.js";
import type { Deps } from "./deps.js";

/** Refuses ids Vigil never mints before any read: they name no case (404, not 400). */
export function assertCaseId(caseId: string | undefined): string {
  if (!caseId || !CASE_ID_PATTERN.test(caseId)) throw new NotFoundError("case not found");
  return caseId;
}

/**
 * `GET /v1/cases/{caseId}`: one case as an agent sees it.
 *
 * Input: the case id from the path and the operator asking. Output: the {@link CaseView} (reporter
 * masked, no secrets, the audit trail as a scrubbed timeline, the actions this operator may take).
 * 1. Refuse an id of the wrong shape (404).
 * 2. Read the case (consistent); 404 when absent.
 * 3. Read its audit events as of that read (writing any still in the case's outbox first).
 * 4. Map both to the view.
 *
 * @throws NotFoundError unknown or malformed case id.
 */
export function makeGetCase(deps: Pick<Deps, "cases" | "clock" | "views">) {
  return async (caseId: string | undefined, operator?: Operator): Promise<CaseView> => {
    const id = assertCaseId(caseId);
    const found = await deps.cases.get(id);
    if (!found) throw new NotFoundError(`case ${id} not found`);
    return deps.views.caseView(found.case, await auditOf(deps.cases, found.case), {
      now: deps.clock.now(),
      ...(operator ? { operator } : {}),
    });
  };
}
