import type { Policy } from "../domain/policy.js";
import type { Case } from "../schemas/case.js";

/** What the case workflow needs to route and time its next states (its `$.plan`). */
export interface CasePlan {
  lockRequired: boolean;
  /** P1: guidance goes out before verification, because waiting would cost funds. */
  urgentGuidance: boolean;
  verificationTimeoutSeconds: number;
  resolutionTimeoutSeconds: number;
  /** Escalations recorded by the workflow so far: makes `EscalateCase` idempotent under retries. */
  escalationSeq: number;
  /** The case is resolved or closed: after an escalation the workflow ends instead of waiting. */
  concluded: boolean;
}

/**
 * The plan of a case now. The agent wait times out at twice the resolution target from now (at
 * least its repeat interval): the SLA timer pages at the breach itself, this is the safety net for
 * a case nobody resolves.
 */
export function planFor(item: Case, now: number, policy: Policy): CasePlan {
  const untilDue = Math.ceil((Date.parse(item.sla.resolution.dueAt) - now) / 1000);
  const repeat = policy.escalationRepeatSeconds[item.priority];
  return {
    lockRequired: item.lock.scopes.length > 0 && item.lock.state === "none",
    urgentGuidance: item.priority === "P1",
    verificationTimeoutSeconds: policy.verificationPauseCapSeconds,
    resolutionTimeoutSeconds: Math.max(repeat, untilDue + item.sla.resolution.targetSeconds),
    escalationSeq: item.workflow.escalationSeq,
    concluded: item.status === "resolved" || item.status === "closed",
  };
}
