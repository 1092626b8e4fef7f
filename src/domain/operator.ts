/**
 * Operators (support agents) and what the case's state and their role let them do. Pure; no I/O.
 *
 * Roles are Cognito groups on AWS and `VIGIL_OPERATORS` locally: `agents` work cases,
 * `supervisors` may also unlock accounts (four eyes) and assign cases to anyone.
 */

import { isActive } from "./case.js";
import type { Case } from "./case-record.js";
import { nextLockState, unlockDecisionFor } from "./lock-policy.js";

export const OPERATOR_GROUPS = ["agents", "supervisors"] as const;
export type OperatorGroup = (typeof OPERATOR_GROUPS)[number];

/** Who is calling the operator API, as the authorizer established it. */
export interface Operator {
  /** The authenticated agent: the actor of every audit event the request writes. */
  agent: string;
  groups: readonly OperatorGroup[];
}

/** Every action of `POST /v1/cases/{caseId}/actions`, by its contract name. */
export const CASE_ACTIONS = [
  "acknowledge",
  "escalate",
  "verify_identity",
  "lock",
  "unlock",
  "resolve",
  "close",
  "reopen",
  "note",
  "replay_delivery",
  "assign",
  "message_reporter",
  "clear_denial",
] as const;
export type CaseActionName = (typeof CASE_ACTIONS)[number];

/**
 * Characters a name must not contain: control (`Cc`), format (`Cf`: bidi embeddings, overrides and
 * isolates, zero-width spaces and joiners, the BOM, soft hyphen), line and paragraph separators, and
 * the invisible Hangul fillers. Any of them lets a name display as someone else's in an audit trail.
 */
export const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/u;

/** Whether a person's name (an agent, an assignee, an `onBehalfOf`) is safe to record and show. */
export function isSafeName(name: string): boolean {
  return !UNSAFE_NAME_CHARACTERS.test(name) && name.trim() === name && name.length > 0;
}

/**
 * The groups of a token's claims. Cognito access tokens carry `cognito:groups` as a JSON array;
 * API Gateway HTTP APIs hand JWT claims to the function as strings, an array as `[agents supervisors]`.
 * Unknown groups are ignored.
 */
export function groupsOfClaim(claim: unknown): OperatorGroup[] {
  let names: unknown[] = [];
  if (Array.isArray(claim)) names = claim;
  else if (typeof claim === "string") {
    const text = claim.trim();
    try {
      const parsed: unknown = text.startsWith("[") ? JSON.parse(text) : undefined;
      if (Array.isArray(parsed)) names = parsed;
    } catch {
      // Not JSON: API Gateway's `[a b]` rendering, below.
    }
    if (!names.length) names = text.replace(/^\[|\]$/g, "").split(/[\s,]+/);
  }
  return OPERATOR_GROUPS.filter((group) => names.includes(group));
}

export const isSupervisor = (operator: Operator) => operator.groups.includes("supervisors");

/** Why an operator may not do something their token authenticates them for (HTTP 403). */
export type Refusal = { allowed: true } | { allowed: false; reason: string; message: string };

const ALLOWED: Refusal = { allowed: true };

/**
 * Four eyes on unlock: only a supervisor, and never the agent whose identity check is one of the two
 * proofs the unlock rests on (SMS untrusted: the proofs are email + that check). An identity check
 * recorded while SMS is trusted is not a proof of the unlock, so its author may unlock.
 */
export function authorizeUnlock(item: Case, operator: Operator): Refusal {
  if (!isSupervisor(operator)) {
    return {
      allowed: false,
      reason: "supervisor_required",
      message: "unlocking an account needs a member of the supervisors group",
    };
  }
  const identityIsAProof = !item.channels.sms && item.verification.identity === "verified";
  if (identityIsAProof && item.verification.identityVerifiedBy === operator.agent) {
    return {
      allowed: false,
      reason: "four_eyes",
      message: "you recorded the identity check this unlock rests on; another supervisor must unlock (four eyes)",
    };
  }
  return ALLOWED;
}

/**
 * Who may set a case's assignee: a supervisor anyone; an agent may take an unassigned case (or one
 * already theirs) for themselves and release their own.
 */
export function authorizeAssign(item: Case, operator: Operator, assignee: string | null): Refusal {
  if (isSupervisor(operator)) return ALLOWED;
  const current = item.assignee ?? null;
  if (assignee !== null && assignee !== operator.agent) {
    return {
      allowed: false,
      reason: "supervisor_required",
      message: "an agent may only take a case for themselves; assigning someone else needs a supervisor",
    };
  }
  if (current !== null && current !== operator.agent) {
    return {
      allowed: false,
      reason: "assigned_to_other",
      message: `the case is assigned to ${current}; a supervisor may reassign it`,
    };
  }
  return ALLOWED;
}

/**
 * The actions the case's state allows now, each by its contract name, in the contract's order.
 * With an operator, role rules apply too (unlock needs a supervisor other than the identity checker;
 * an agent cannot take a case someone else holds). An action left out would be refused (409 or
 * 403); `note` and `escalate` are always offered while the case is active.
 */
export function allowedActions(item: Case, options: { now: number; operator?: Operator }): CaseActionName[] {
  const active = isActive(item);
  const { now, operator } = options;
  const allowed = new Set<CaseActionName>(["note"]);
  if (active) {
    allowed.add("escalate");
    if (item.acknowledgedAt === null) allowed.add("acknowledge");
    if (item.verification.identity !== "verified") allowed.add("verify_identity");
    if (nextLockState(item.lock.state, "requested").ok) allowed.add("lock");
    allowed.add("resolve");
    allowed.add("close");
    if (!operator || authorizeAssign(item, operator, operator.agent).allowed) allowed.add("assign");
  } else {
    if (item.status === "resolved") allowed.add("close");
    allowed.add("reopen");
  }
  const unlock = unlockDecisionFor(item, now);
  if (unlock.allowed && (!operator || authorizeUnlock(item, operator).allowed)) allowed.add("unlock");
  if (item.failures.some((failure) => failure.error.startsWith("delivery "))) allowed.add("replay_delivery");
  if (item.channels.email) allowed.add("message_reporter");
  if (item.verification.denied) allowed.add("clear_denial");
  return CASE_ACTIONS.filter((action) => allowed.has(action));
}
