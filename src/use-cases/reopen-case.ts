import { pendingVerification } from "../domain/case.js";
import { caseExecutionName } from "../domain/execution-names.js";
import { startClocks } from "../domain/sla.js";
import { ActionNotAllowedError } from "../errors/index.js";
import type { Case } from "../schemas/case.js";
import { makeMutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";

/**
 * Reopens a resolved or closed case (an agent, or the reporter through the reopen link).
 *
 * 1. The account must be free or still held by this case (a newer open case wins: 409).
 * 2. The case opens again under a new workflow generation: fresh first-response and resolution
 *    clocks, verification asked again with the earlier proofs void (an unlock needs fresh ones); the
 *    lock stays as it is, and so does a denial ("this wasn't me": only an agent clears it).
 * 3. A new workflow execution starts for the generation.
 *
 * @throws ActionNotAllowedError when the case is still active or the account has another open case.
 */
export function makeReopenCase(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (input: { caseId: string; actor: string; note?: string }): Promise<Case> => {
    const found = await deps.cases.get(input.caseId);
    if (found && (found.case.status === "resolved" || found.case.status === "closed")) {
      const account = await deps.accounts.claim(found.case.accountId, found.case.caseId);
      if (!account.claimed && account.caseId !== found.case.caseId) {
        throw new ActionNotAllowedError(`account has another open case ${account.caseId}`, "account_has_open_case");
      }
    }
    const item = await mutate(input.caseId, (current, now) => {
      if (current.status !== "resolved" && current.status !== "closed") {
        throw new ActionNotAllowedError(`a ${current.status} case cannot be reopened`, "not_closed");
      }
      const clocks = startClocks(current.priority, false, now, deps.config.policy);
      return {
        case: {
          ...current,
          status: "open",
          closeReason: null,
          closedAt: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
          sla: { ...clocks, containment: current.sla.containment },
          // Proofs count only in the generation that produced them: a reopened case proves both
          // factors again before an unlock. A denial stays until an agent clears it.
          verification: {
            ...current.verification,
            ...pendingVerification(current.channels.sms),
            denied: current.verification.denied,
            emailVerifiedAt: null,
            smsVerifiedAt: null,
            identityVerifiedAt: null,
          },
          workflow: { ...current.workflow, generation: current.workflow.generation + 1, started: false, waiting: null },
        },
        events: [{ type: "case.reopened", actor: input.actor, detail: input.note ? { note: input.note } : {} }],
      };
    });
    const { generation } = item.workflow;
    try {
      await deps.workflow.startCase(caseExecutionName(item.caseId, generation), { caseId: item.caseId, generation });
    } catch {
      deps.metrics.count("WorkflowStartDeferred");
    }
    return item;
  };
}
