import { queueDue, reportedTypes } from "../../domain/case.js";
import { maskEmail, maskPhone } from "../../domain/masking.js";
import { allowedActions, type Operator } from "../../domain/operator.js";
import type { SlaClock } from "../../domain/sla.js";
import type { CaseSummary, CaseView, CaseViews, SlaClockSummary, SlaClockView } from "../../ports/case-views.js";
import type { AuditEvent, Case } from "../../schemas/case.js";

type Clock = SlaClock;

const iso = (epochMs: number) => new Date(epochMs).toISOString();

function clockState(clock: Clock): SlaClockView["state"] {
  if (clock.breachedAt) return "breached";
  if (clock.metAt) return "met";
  return clock.pausedAt ? "paused" : "running";
}

function clockView(clock: Clock): SlaClockView {
  return {
    startedAt: clock.startedAt,
    targetSeconds: clock.targetSeconds,
    dueAt: clock.dueAt,
    state: clockState(clock),
    metAt: clock.breachedAt ? null : clock.metAt,
    stoppedAt: clock.metAt,
    warnedAt: [...clock.warnedAt],
    breachedAt: clock.breachedAt,
    escalatedAt: clock.breachedAt ? [clock.breachedAt, ...clock.escalatedAt] : [...clock.escalatedAt],
    exhaustedAt: clock.exhaustedAt,
  };
}

function clockSummary(clock: Clock): SlaClockSummary {
  return {
    dueAt: clock.dueAt,
    metAt: clock.breachedAt ? null : clock.metAt,
    warnedAt: [...clock.warnedAt],
    breachedAt: clock.breachedAt,
  };
}

/** Every incident type of the case, in order (see `reportedTypes`). */
export const incidentTypesOf = (item: Case): Case["incidentType"][] => [...reportedTypes(item)];

/** Where the case's queue position comes from: final cases have no running clock. */

/** The queue entry of a case. */
export function toCaseSummary(item: Case): CaseSummary {
  return {
    caseId: item.caseId,
    accountId: item.accountId,
    incidentType: item.incidentType,
    incidentTypes: incidentTypesOf(item),
    assignee: item.assignee ?? null,
    priority: item.priority,
    status: item.status,
    lock: { state: item.lock.state, scopes: [...item.lock.scopes] },
    verification: {
      email: item.verification.email,
      sms: item.verification.sms,
      identity: item.verification.identity,
      denied: item.verification.denied,
    },
    sla: {
      containment: item.sla.containment ? clockSummary(item.sla.containment) : null,
      firstResponse: clockSummary(item.sla.firstResponse),
      resolution: clockSummary(item.sla.resolution),
    },
    nearestDueAt: queueDue(item),
    acknowledgedAt: item.acknowledgedAt,
    openedAt: item.openedAt,
    escalations: item.escalations,
  };
}

/**
 * The operator view of a case: contact data masked, secrets (code hash, task token, sent-message
 * keys) left out, and the audit trail as a scrubbed timeline.
 */
export function toCaseView(
  item: Case,
  events: readonly AuditEvent[],
  context: { now: number; operator?: Operator },
): CaseView {
  const scrub = makeScrubber(item);
  const lockedUntil = item.verification.failures?.lockedUntil;
  return {
    caseId: item.caseId,
    accountId: item.accountId,
    incidentType: item.incidentType,
    incidentTypes: reportedTypes(item),
    priority: item.priority,
    initialPriority: item.initialPriority,
    status: item.status,
    closeReason: item.closeReason,
    reporter: {
      email: maskEmail(item.reporter.email),
      ...(item.reporter.phone ? { phone: maskPhone(item.reporter.phone) } : {}),
      locale: item.reporter.locale,
    },
    description: item.description === undefined ? "" : scrub.text(item.description),
    seedPhraseRedacted: item.seedPhraseRedacted ?? false,
    signals: { ...item.signals },
    channels: { ...item.channels },
    verification: {
      email: item.verification.email,
      sms: item.verification.sms,
      identity: item.verification.identity,
      denied: item.verification.denied,
      emailVerifiedAt: item.verification.emailVerifiedAt,
      smsVerifiedAt: item.verification.smsVerifiedAt,
      identityVerifiedAt: item.verification.identityVerifiedAt,
      lockedUntil: lockedUntil !== undefined && Number.isFinite(lockedUntil) ? iso(lockedUntil) : null,
    },
    lock: {
      state: item.lock.state,
      scopes: [...item.lock.scopes],
      requestedAt: item.lock.requestedAt,
      appliedAt: item.lock.appliedAt,
      releaseRequestedAt: item.lock.releaseRequestedAt,
      releasedAt: item.lock.releasedAt,
      reason: item.lock.reason === null ? null : scrub.text(item.lock.reason),
    },
    sla: {
      containment: item.sla.containment ? clockView(item.sla.containment) : null,
      firstResponse: clockView(item.sla.firstResponse),
      resolution: {
        ...clockView(item.sla.resolution),
        pausedSeconds: item.sla.resolution.pausedSeconds,
        pausedAt: item.sla.resolution.pausedAt,
      },
    },
    nearestDueAt: queueDue(item),
    acknowledgedAt: item.acknowledgedAt,
    acknowledgedBy: item.acknowledgedBy,
    assignee: item.assignee ?? null,
    escalations: item.escalations,
    allowedActions: allowedActions(item, context),
    failures: item.failures.map((failure) => ({ ...failure })),
    workflow: {
      generation: item.workflow.generation,
      waitingOn: item.workflow.waiting?.kind ?? null,
      waitingSince: item.workflow.waiting?.since ?? null,
    },
    reports: item.reportIds.length,
    openedAt: item.openedAt,
    updatedAt: item.updatedAt,
    closedAt: item.closedAt,
    timeline: events.map((event) => ({
      seq: event.seq,
      at: event.at,
      type: event.type,
      actor: scrub.known(event.actor),
      ...(typeof event.detail.onBehalfOf === "string" ? { onBehalfOf: event.detail.onBehalfOf } : {}),
      detail: scrub.detail(event.detail),
    })),
  };
}

/**
 * Keys whose values are secrets or carry one (a link URL holds its token): replaced, never shown.
 * `hash`/`code` also catch `codeHash`, `smsCode`…; the match is deliberately broad.
 */
const SECRET_KEY = /token|code|secret|pepper|password|otp|hash|signature|url|link|seed|private/i;
const EMAIL_IN_TEXT = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[^\s@<>()[\]"',;:]+/g;
/** E.164-looking numbers (optionally with spaces or dashes between digit groups). */
const PHONE_IN_TEXT = /\+\d(?:[\s-]?\d){6,14}/g;
/** Bare runs of 4–10 digits, not part of a longer token, time, masked number or path: what a code looks like. */
const CODE_IN_TEXT = /(?<![\w.:+*/-])\d{4,10}(?![\w.:*/-])/g;
export const REDACTED = "[redacted]";

/** Scrubs free text and audit details of contact data and secrets, whatever an event recorded. */
export function makeScrubber(item: Pick<Case, "reporter">) {
  const known: Array<[string, string]> = [[item.reporter.email, maskEmail(item.reporter.email)]];
  if (item.reporter.phone) known.push([item.reporter.phone, maskPhone(item.reporter.phone)]);

  /** Only the reporter's own contacts: an agent's e-mail as an actor name stays readable. */
  const ownContacts = (value: string): string => {
    let out = value;
    for (const [raw, masked] of known) if (raw) out = out.split(raw).join(masked);
    return out;
  };

  const text = (value: string): string =>
    ownContacts(value)
      .replace(EMAIL_IN_TEXT, (match) => maskEmail(match))
      .replace(PHONE_IN_TEXT, (match) => maskPhone(match.replace(/[\s-]/g, "")));

  const value = (input: unknown, depth: number): unknown => {
    if (typeof input === "string") return text(input).replace(CODE_IN_TEXT, REDACTED);
    if (input === null || typeof input !== "object") return input;
    if (depth > 8) return REDACTED;
    if (Array.isArray(input)) return input.map((entry) => value(entry, depth + 1));
    return Object.fromEntries(
      Object.entries(input as Record<string, unknown>).map(([key, entry]) => [
        key,
        SECRET_KEY.test(key) ? REDACTED : value(entry, depth + 1),
      ]),
    );
  };

  return {
    known: ownContacts,
    text,
    detail: (detail: Record<string, unknown>) => value(detail, 0) as Record<string, unknown>,
  };
}

/** The operator API's presentation of cases ({@link CaseViews}), as the use cases are given it. */
export const operatorCaseViews: CaseViews = {
  caseView: toCaseView,
  caseSummary: toCaseSummary,
  scrubber: makeScrubber,
};
