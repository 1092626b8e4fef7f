import type { CaseActionName, Operator } from "../domain/operator.js";
import type { SlaClock } from "../domain/sla.js";
import type { AuditEvent, Case } from "../schemas/case.js";

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

/** Scrubs free text and audit details of contact data and secrets, for display. */
export interface Scrubber {
  /** Only the reporter's own contacts masked (an agent's e-mail as an actor name stays readable). */
  known(value: string): string;
  /** Contact data masked. */
  text(value: string): string;
  /** Contact data masked, secret-looking keys and code-like numbers redacted. */
  detail(detail: Record<string, unknown>): Record<string, unknown>;
}

/**
 * How the operator API presents cases (the view model, `src/adapters/http/case-view.ts`): contact data
 * masked, secrets left out, audit details scrubbed. The use cases that answer the operator API return
 * what it makes.
 */
export interface CaseViews {
  caseView(item: Case, events: readonly AuditEvent[], context: { now: number; operator?: Operator }): CaseView;
  caseSummary(item: Case): CaseSummary;
  scrubber(item: Pick<Case, "reporter">): Scrubber;
}
