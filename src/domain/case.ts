import type { Case } from "../schemas/case.js";
import type { Report } from "../schemas/report.js";
import { GENESIS_HASH } from "./audit-chain.js";
import { lockRequiredAtIntake, scopesFor } from "./lock-policy.js";
import type { Policy } from "./policy.js";
import { decidePriority, higherPriority, mergeSignals } from "./priority.js";
import { nearestDue, retarget, startClocks, startContainment } from "./sla.js";
import { smsTrusted } from "./verification.js";

const iso = (epochMs: number) => new Date(epochMs).toISOString();
/** Bounded so a long-lived case never nears DynamoDB's 400 KB item limit. */
const MAX_REPORT_IDS = 50;

/** A new case from a validated report: priority decided, clocks started, channels chosen. */
export function openCase(input: {
  caseId: string;
  webhookId: string;
  report: Report;
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

/** True while agents still work the case (a new report for the account joins it). */
export function isActive(item: Case): boolean {
  return item.status !== "closed" && item.status !== "resolved";
}

/**
 * A follow-up report joins an open case: signals merge, the priority can only rise (re-targeting
 * the SLA clocks), SIM-swap evidence drops SMS for good, and a newly required lock is flagged.
 */
export function mergeReport(
  item: Case,
  input: { webhookId: string; report: Report; now: number; policy: Policy },
): { case: Case; priorityRaised: boolean; lockNewlyRequired: boolean } {
  const signals = mergeSignals(item.signals, input.report.signals ?? {});
  const decided = decidePriority(item.incidentType, signals, input.policy);
  const priority = higherPriority(item.priority, decided);
  const priorityRaised = priority !== item.priority;
  const lockRequired = lockRequiredAtIntake({ incidentType: item.incidentType, priority, signals });
  const lockRequiredBefore = lockRequiredAtIntake({
    incidentType: item.incidentType,
    priority: item.priority,
    signals: item.signals,
  });
  // New evidence asks for a lock only when it changes the answer (or the intake lock is still pending):
  // a follow-up report must not re-lock an account an agent deliberately released.
  const lockNewlyRequired =
    (lockRequired && item.lock.state === "none") ||
    (lockRequired && !lockRequiredBefore && item.lock.state === "released");
  const sms = item.channels.sms && smsTrusted({ incidentType: item.incidentType, signals, phone: item.reporter.phone });
  let sla = priorityRaised ? retarget(item.sla, priority, input.policy) : item.sla;
  if (lockNewlyRequired) sla = startContainment(sla, priority, input.now, input.policy);
  return {
    case: {
      ...item,
      signals,
      priority,
      sla,
      channels: { ...item.channels, sms },
      verification: sms
        ? item.verification
        : {
            ...item.verification,
            sms: "not_used",
            identity: item.verification.identity === "not_used" ? "pending" : item.verification.identity,
          },
      lock:
        lockNewlyRequired && !item.lock.scopes.length
          ? { ...item.lock, scopes: scopesFor(item.incidentType, input.policy.lockScopes) }
          : item.lock,
      // The last ids are enough to recognise a retry; the audit trail keeps every report.
      reportIds: [...item.reportIds, input.webhookId].slice(-MAX_REPORT_IDS),
      reportTimes: [...item.reportTimes.filter((at) => at > input.now - 3_600_000), input.now],
    },
    priorityRaised,
    lockNewlyRequired,
  };
}
