import { queueDue, reportedTypes } from "../domain/case.js";
import { maskEmail, maskPhone } from "../domain/masking.js";
import { allowedActions, type CaseActionName, type Operator } from "../domain/operator.js";
import type { SlaClock } from "../domain/sla.js";
import type { AuditEvent, Case } from "../schemas/case.js";

type Clock = SlaClock;

/**
 * An SLA clock as the operator sees it: the stored clock without its pause bookkeeping, and in
 * words that agree with the timeline. `state` is `met` only for a clock stopped before its due time;
 * a clock stopped after it breached stays `breached` (`metAt` null, `stoppedAt` when it stopped).
 * `escalatedAt` lists every page of on-call for the clock: the breach, then each repeat.
 */
export type SlaClockView = Omit<SlaClock, "pausedSeconds" | "pausedAt"> & {
  state: "running" | "paused" | "met" | "breached";
  stoppedAt: string | null;
};

/** The resolution clock also shows how long it waited on the reporter (and `pausedAt` while it waits). */
export type ResolutionClockView = SlaClockView & Pick<SlaClock, "pausedSeconds" | "pausedAt">;

/** One entry of a case's timeline: an audit event with its detail scrubbed of contact data and secrets. */
export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  actor: string;
  /** The name the actor acted for, when they gave one. */
  onBehalfOf?: string;
  detail: Record<string, unknown>;
}

/** A case as `GET /v1/cases/{caseId}` returns it (docs/product.md "The case"; schema `CaseViewSchema` in src/schemas/api.ts). */
export interface CaseView {
  caseId: string;
  accountId: string;
  /** The gravest reported type: what the case acts on. */
  incidentType: Case["incidentType"];
  /** Every reported type, in order. */
  incidentTypes: Case["incidentType"][];
  priority: Case["priority"];
  initialPriority: Case["priority"];
  status: Case["status"];
  closeReason: Case["closeReason"];
  reporter: { email: string; phone?: string; locale: string };
  /** The reporter's own words as plain text (never HTML), any e-mail address or phone number masked; "" when none. */
  description: string;
  /** A seed phrase was removed from a report before it was stored: treat it as burnt. */
  seedPhraseRedacted: boolean;
  signals: Case["signals"];
  channels: Case["channels"];
  verification: {
    email: Case["verification"]["email"];
    sms: Case["verification"]["sms"];
    identity: Case["verification"]["identity"];
    denied: boolean;
    emailVerifiedAt: string | null;
    smsVerifiedAt: string | null;
    identityVerifiedAt: string | null;
    /** While verification is locked after repeated failures: until when (ISO). */
    lockedUntil: string | null;
  };
  lock: {
    state: Case["lock"]["state"];
    scopes: Case["lock"]["scopes"];
    requestedAt: string | null;
    appliedAt: string | null;
    releaseRequestedAt: string | null;
    releasedAt: string | null;
    reason: string | null;
  };
  sla: { containment: SlaClockView | null; firstResponse: SlaClockView; resolution: ResolutionClockView };
  /** The nearest due time among running clocks (what the queue sorts by). */
  nearestDueAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** The agent working the case, or null. */
  assignee: string | null;
  /**
   * Times on-call was paged or the case escalated: each SLA breach and repeat (the clocks'
   * `escalatedAt`), each agent `escalate`, each failed step or delivery handed to an agent.
   */
  escalations: number;
  /** What the case's state (and the caller's role) allows now, by contract name. */
  allowedActions: CaseActionName[];
  failures: Case["failures"];
  /** Where the workflow stands. The task token it waits on never leaves the backend. */
  workflow: { generation: number; waitingOn: "verification" | "resolution" | null; waitingSince: string | null };
  reports: number;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
  timeline: TimelineEntry[];
}

/** A case in the operator queue (`GET /v1/cases`). */
export interface CaseSummary {
  caseId: string;
  accountId: string;
  incidentType: Case["incidentType"];
  incidentTypes: Case["incidentType"][];
  assignee: string | null;
  priority: Case["priority"];
  status: Case["status"];
  lock: { state: Case["lock"]["state"]; scopes: Case["lock"]["scopes"] };
  verification: {
    email: Case["verification"]["email"];
    sms: Case["verification"]["sms"];
    identity: Case["verification"]["identity"];
    denied: boolean;
  };
  sla: {
    containment: SlaClockSummary | null;
    firstResponse: SlaClockSummary;
    resolution: SlaClockSummary;
  };
  nearestDueAt: string | null;
  acknowledgedAt: string | null;
  openedAt: string;
  escalations: number;
}

/** Per clock: due, met, warned, breached. */
export interface SlaClockSummary {
  dueAt: string;
  metAt: string | null;
  warnedAt: string[];
  breachedAt: string | null;
}

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
