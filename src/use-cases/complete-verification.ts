import { isActive } from "../domain/case.js";
import { resume } from "../domain/sla.js";
import { factorsSatisfied, requiredFactors } from "../domain/verification.js";
import { makeMutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";

/**
 * Resumes the verification callback once a case has every factor it needs.
 *
 * Input: the case id and who completed it (`reporter`, or the agent after `verify_identity`).
 * Output: true when it resumed a waiting verification task, false when there was nothing to resume
 * (factors missing, the case denied or ended, or no verification task waiting).
 *
 * 1. Read the case; stop unless it is active, not denied, its required factors (email + SMS, or
 *    email + identity when SMS is dropped) are verified and a verification task token is parked.
 * 2. `SendTaskSuccess({ verified: true })`: the workflow goes on to the recovery guidance.
 * 3. Record it: status `verified`, the resolution clock resumed (the pause capped at the policy's
 *    `verificationPauseCapSeconds`), the token cleared if it is still the one parked, audit
 *    `verification.completed`.
 *
 * The task is resumed before the token is cleared: if Step Functions fails, the case keeps the token
 * and a retry can still resume the workflow; if the write fails after, a retry resends (Step Functions
 * answers "gone", which the port reports as false) and writes again.
 *
 * @throws TransientError when Step Functions or the store fail (retry the whole call).
 */
export function makeCompleteVerificationIfSatisfied(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (caseId: string, actor: string): Promise<boolean> => {
    const found = await deps.cases.get(caseId);
    const item = found?.case;
    const waiting = item?.workflow.waiting;
    if (!item || !isActive(item) || item.verification.denied || waiting?.kind !== "verification") return false;
    if (!factorsSatisfied(item.verification, item.channels.sms)) return false;
    await deps.workflow.sendTaskSuccess(waiting.taskToken, { verified: true });
    await mutate(caseId, (current, now) => {
      const parked = current.workflow.waiting?.taskToken === waiting.taskToken;
      if (!parked && current.status !== "awaiting_verification") return null;
      return {
        case: {
          ...current,
          status: current.status === "awaiting_verification" ? "verified" : current.status,
          workflow: { ...current.workflow, waiting: parked ? null : current.workflow.waiting },
          sla: {
            ...current.sla,
            resolution: resume(current.sla.resolution, now, deps.config.policy.verificationPauseCapSeconds),
          },
        },
        events: [
          {
            type: "verification.completed",
            actor,
            detail: { factors: requiredFactors({ smsTrusted: current.channels.sms }) },
          },
        ],
      };
    });
    return true;
  };
}
