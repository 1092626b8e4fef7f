/**
 * The operator API's shapes as the console reads them (contract v1 + v1.1). Fields added in v1.1
 * are optional: the console works, with less, against an API that lacks them.
 */

export type Priority = "P1" | "P2" | "P3" | "P4";
export type Status = "open" | "awaiting_verification" | "verified" | "resolved" | "closed";
export type FactorState = "pending" | "verified" | "failed" | "not_used";

export const STATUSES: readonly Status[] = ["open", "awaiting_verification", "verified", "resolved", "closed"];
export const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"];

export const ACTIONS = [
  "acknowledge",
  "take",
  "escalate",
  "verify_identity",
  "lock",
  "unlock",
  "resolve",
  "close",
  "reopen",
  "note",
  "replay_delivery",
  "message_reporter",
  "assign",
  "clear_denial",
] as const;
export type ActionName = (typeof ACTIONS)[number];

export interface SlaClock {
  dueAt: string;
  metAt: string | null;
  warnedAt: string[];
  breachedAt: string | null;
  startedAt?: string;
  targetSeconds?: number;
  escalatedAt?: string[];
  pausedSeconds?: number;
  pausedAt?: string | null;
}

export interface SlaClocks {
  containment: SlaClock | null;
  firstResponse: SlaClock;
  resolution: SlaClock;
}

export interface CaseSummary {
  caseId: string;
  accountId: string;
  incidentType: string;
  priority: Priority;
  status: Status;
  lock: { state: string; scopes: string[] };
  verification: { email: FactorState; sms: FactorState; identity: FactorState; denied: boolean };
  sla: SlaClocks;
  nearestDueAt: string | null;
  acknowledgedAt: string | null;
  openedAt: string;
  escalations: number;
  assignee?: string | null;
}

export interface TimelineEntry {
  seq?: number;
  at: string;
  type: string;
  actor?: string;
  detail: Record<string, unknown>;
}

export interface CaseView extends CaseSummary {
  incidentTypes?: string[];
  reporter: { email: string; phone?: string; locale: string };
  description?: string;
  seedPhraseRedacted?: boolean;
  channels: { email: boolean; sms: boolean };
  verification: CaseSummary["verification"] & {
    emailVerifiedAt?: string | null;
    smsVerifiedAt?: string | null;
    identityVerifiedAt?: string | null;
    lockedUntil?: string | null;
  };
  lock: CaseSummary["lock"] & {
    requestedAt?: string | null;
    appliedAt?: string | null;
    releaseRequestedAt?: string | null;
    releasedAt?: string | null;
    reason?: string | null;
  };
  closeReason?: string | null;
  acknowledgedBy?: string | null;
  failures?: Array<{ at: string; step: string; error: string }>;
  reports?: number;
  updatedAt?: string;
  closedAt?: string | null;
  timeline: TimelineEntry[];
  allowedActions?: string[];
}

export interface AuditResponse {
  events: unknown[];
  chainValid: boolean;
}

/** A problem+json body (RFC 9457). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}
