import { decodeTime } from "ulid";
import { GENESIS_HASH } from "./audit-chain.js";
import type { Case } from "./case-record.js";
import { lockRequiredAtIntake, scopesFor } from "./lock-policy.js";
import type { MessageFailureReason } from "./message-failure.js";
import type { Policy } from "./policy.js";
import { decidePriority, higherPriority, mergeSignals } from "./priority.js";
import { nearestDue, retarget, startClocks, startContainment } from "./sla.js";
import type { IncidentReport, IncidentType, LockScope, Priority, Signals } from "./types.js";
import { smsTrusted } from "./verification.js";

const iso = (epochMs: number) => new Date(epochMs).toISOString();
/** Bounded so a long-lived case never nears DynamoDB's 400 KB item limit. */
const MAX_REPORT_IDS = 50;

/** A new case from a validated report: priority decided, clocks started, channels chosen. */
export function openCase(input: {
  caseId: string;
  webhookId: string;
  report: IncidentReport;
  now: number;
  policy: Policy;
}): Case {
  const { report, now, policy } = input;
  const signals = report.signals ?? {};
  const priority = decidePriority(report.incidentType, signals, policy);
  const lockRequired = lockRequiredAtIntake({ incidentType: report.incidentType, priority, signals });
  const sms = smsTrusted({ incidentType: report.incidentType, signals, phone: report.reporter.phone });
  return {
    caseId: input.caseId,
    accountId: report.accountId,
    incidentType: report.incidentType,
    incidentTypes: [report.incidentType],
    priority,
    initialPriority: priority,
    status: "open",
    closeReason: null,
    reporter: { email: report.reporter.email, phone: report.reporter.phone, locale: report.reporter.locale ?? "en" },
    description: report.description,
    signals,
    channels: { email: true, sms },
    verification: {
      ...pendingVerification(sms),
      emailVerifiedAt: null,
      smsVerifiedAt: null,
      identityVerifiedAt: null,
      codeSends: [],
      failures: null,
      ignoredReplies: 0,
    },
    lock: {
      state: "none",
      scopes: lockRequired ? scopesFor(report.incidentType, policy.lockScopes) : [],
      requestedAt: null,
      appliedAt: null,
      releaseRequestedAt: null,
      releasedAt: null,
      reason: null,
    },
    sla: startClocks(priority, lockRequired, now, policy),
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalations: 0,
    workflow: { generation: 1, started: false, waiting: null, timerGeneration: 0, timerAt: null, escalationSeq: 0 },
    reportIds: [input.webhookId],
    reportTimes: [now],
    sent: [],
    failures: [],
    openedAt: iso(now),
    updatedAt: iso(now),
    closedAt: null,
    audit: { seq: 0, head: GENESIS_HASH },
    pendingEvents: [],
  };
}

/**
 * The factors a case must prove, all pending: email always, then SMS where it is trusted or an
 * agent's identity check where it is not. Proof times are kept (unlock needs fresh proofs).
 */
export function pendingVerification(smsTrusted: boolean) {
  return {
    email: "pending",
    sms: smsTrusted ? "pending" : "not_used",
    identity: smsTrusted ? "not_used" : "pending",
    denied: false,
    code: null,
    challengeGeneration: null,
  } satisfies Partial<Case["verification"]>;
}

/** Where the case sits in the operator queue: its nearest SLA due while active, none once concluded. */
export function queueDue(item: Case): string | null {
  return isActive(item) ? nearestDue(item.sla) : null;
}

/**
 * Where a case stands in the operator queue: `<nearest due>#<caseId>`, cases with no running clock
 * (`9999`) last. The status index sorts by exactly this string (`keys.byDue`), and a queue cursor is one.
 */
export function queueKey(item: Case): string {
  return `${queueDue(item) ?? "9999"}#${item.caseId}`;
}

/** True while agents still work the case (a new report for the account joins it). */
/** When a case id was minted (`c_<ULID>`: the ULID carries its time), or null for an id that is not one. */
export function caseIdTime(caseId: string): number | null {
  try {
    return decodeTime(caseId.replace(/^c_/, ""));
  } catch {
    return null;
  }
}

export function isActive(item: Case): boolean {
  return item.status !== "closed" && item.status !== "resolved";
}

/** Every incident type reported for the case, in order (cases stored before v1.1 carry only one). */
export function reportedTypes(item: Pick<Case, "incidentType" | "incidentTypes">): IncidentType[] {
  return item.incidentTypes?.length ? item.incidentTypes : [item.incidentType];
}

/** Ties between types of the same priority go to the one whose damage is least reversible. */
const GRAVITY: readonly IncidentType[] = [
  "key_compromise",
  "sim_swap",
  "unauthorized_access",
  "malware",
  "phishing",
  "other",
];

/**
 * The gravest of the reported types given the signals: the one with the highest priority, ties
 * broken by {@link GRAVITY}. An attacker's decoy report of a lesser type never hides a graver one.
 */
export function gravestIncident(
  types: readonly IncidentType[],
  signals: Signals,
  policy: Policy,
): { incidentType: IncidentType; priority: Priority } {
  const ranked = [...new Set(types)]
    .map((incidentType) => ({ incidentType, priority: decidePriority(incidentType, signals, policy) }))
    .sort(
      (a, b) =>
        a.priority.localeCompare(b.priority) || GRAVITY.indexOf(a.incidentType) - GRAVITY.indexOf(b.incidentType),
    );
  const gravest = ranked[0];
  if (!gravest) throw new Error("a case has at least one incident type");
  return gravest;
}

/** The lock a set of reports calls for at a priority: the union of the scopes of every type that needs one. */
export function lockScopesFor(
  types: readonly IncidentType[],
  priority: Priority,
  signals: Signals,
  policy: Policy,
): LockScope[] {
  const locking = types.filter((incidentType) => lockRequiredAtIntake({ incidentType, priority, signals }));
  return [...new Set(locking.flatMap((incidentType) => scopesFor(incidentType, policy.lockScopes)))];
}

/** Whether every reported type and signal still allows codes by SMS (any SIM swap drops it). */
function smsTrustedFor(types: readonly IncidentType[], signals: Signals, phone: string | undefined): boolean {
  return types.every((incidentType) => smsTrusted({ incidentType, signals, phone }));
}

/**
 * SMS stops counting for the case: no codes, no messages. Verification then needs an agent's
 * identity check instead of the SMS factor, and a code already sent is void.
 */
function withoutSms(item: Case): Case {
  return {
    ...item,
    channels: { ...item.channels, sms: false },
    verification: {
      ...item.verification,
      sms: "not_used",
      identity: item.verification.identity === "not_used" ? "pending" : item.verification.identity,
      code: null,
    },
  };
}

/**
 * A channel failed for good (rejected, blocked, opted out…): it is no longer trusted for the case,
 * and the failure (its class only) is listed for agents. Losing SMS moves the second factor to an
 * agent's identity check, as after a SIM swap.
 */
export function distrustChannel(
  item: Case,
  failure: { channel: "email" | "sms"; reason: MessageFailureReason; kind: string },
  now: number,
): Case {
  const failed = {
    ...item,
    failures: [
      ...item.failures.slice(-9),
      { at: iso(now), step: `message.${failure.kind}.${failure.channel}`, error: failure.reason },
    ],
  };
  if (failure.channel === "sms") return item.channels.sms ? withoutSms(failed) : failed;
  return { ...failed, channels: { ...failed.channels, email: false } };
}

/** The case calls for a lock and none has been requested yet. */
export function lockDue(item: Case): boolean {
  return item.lock.state === "none" && item.lock.scopes.length > 0;
}

/**
 * A case the containment sweep must look at: its workflow has not started, or it calls for a lock
 * that nobody has requested yet. Both are normally settled within a second of intake.
 */
export function unsettled(item: Case): boolean {
  return isActive(item) && (!item.workflow.started || lockDue(item));
}

/** Whether any channel to the reporter is still trusted. */
export function reporterReachable(item: Case): boolean {
  return item.channels.email || (item.channels.sms && Boolean(item.reporter.phone));
}

/** What a merge changed, for the audit trail and the follow-ups (lock, guidance). */
export interface MergeOutcome {
  case: Case;
  priorityRaised: boolean;
  /** A lock is newly due (none yet, wider scopes, or new evidence after a release): request it at once. */
  lockNewlyRequired: boolean;
  /** Types this report added to the case: each gets its own guidance. */
  newTypes: IncidentType[];
  /** SMS stopped counting with this report (a SIM swap reported or detected). */
  smsDropped: boolean;
}

/**
 * A follow-up report joins an open case. The case carries the gravest of all its reports:
 *
 * - every reported type is kept (`incidentTypes`, in order); `incidentType` is the gravest;
 * - signals merge; the priority is recomputed from every type and signal and never falls
 *   (re-targeting the SLA clocks);
 * - lock scopes are the union over every type that calls for a lock: a lock not yet requested is
 *   requested, a narrower one is widened (requested again with the union), and new evidence
 *   re-locks an account an agent released only when it changes the answer;
 * - a SIM swap in any report drops SMS for good (pending codes are void).
 */
export function mergeReport(
  item: Case,
  input: { webhookId: string; report: IncidentReport; now: number; policy: Policy },
): MergeOutcome {
  const { policy, now } = input;
  const before = reportedTypes(item);
  const types = before.includes(input.report.incidentType) ? before : [...before, input.report.incidentType];
  const newTypes = types.filter((type) => !before.includes(type));
  const signals = mergeSignals(item.signals, input.report.signals ?? {});
  const gravest = gravestIncident(types, signals, policy);
  const priority = higherPriority(item.priority, gravest.priority);
  const priorityRaised = priority !== item.priority;

  const scopes = lockScopesFor(types, priority, signals, policy);
  const scopesBefore = lockScopesFor(before, item.priority, item.signals, policy);
  const widened = scopes.some((scope) => !item.lock.scopes.includes(scope));
  const lockNewlyRequired =
    scopes.length > 0 &&
    (item.lock.state === "none" ||
      ((item.lock.state === "requested" || item.lock.state === "applied") && widened) ||
      (item.lock.state === "released" && scopes.some((scope) => !scopesBefore.includes(scope))));
  const lockScopes = [...new Set([...item.lock.scopes, ...scopes])];
  const lock: Case["lock"] = !lockNewlyRequired
    ? item.lock
    : item.lock.state === "none"
      ? { ...item.lock, scopes: lockScopes }
      : // Widen or re-lock: a new request (new delivery) carrying the union of the scopes.
        {
          state: "requested",
          scopes: lockScopes,
          requestedAt: iso(now),
          appliedAt: null,
          releaseRequestedAt: null,
          releasedAt: null,
          reason: "new evidence",
        };

  let sla = priorityRaised ? retarget(item.sla, priority, policy) : item.sla;
  if (lockNewlyRequired && !sla.containment) sla = startContainment(sla, priority, now, policy);

  const smsDropped = item.channels.sms && !smsTrustedFor(types, signals, item.reporter.phone);
  const merged: Case = {
    ...item,
    incidentType: gravest.incidentType,
    incidentTypes: types,
    signals,
    priority,
    sla,
    lock,
    // The last ids are enough to recognise a retry; the audit trail keeps every report.
    reportIds: [...item.reportIds, input.webhookId].slice(-MAX_REPORT_IDS),
    reportTimes: [...item.reportTimes.filter((at) => at > now - 3_600_000), now],
  };
  return { case: smsDropped ? withoutSms(merged) : merged, priorityRaised, lockNewlyRequired, newTypes, smsDropped };
}
