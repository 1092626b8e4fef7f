/** Shared vocabulary of the domain. Pure types; no I/O. */

export const INCIDENT_TYPES = [
  "phishing",
  "malware",
  "unauthorized_access",
  "sim_swap",
  "key_compromise",
  "other",
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Signals {
  fundsAtRisk?: boolean;
  assetsUsd?: number;
  drainObserved?: boolean;
  simSwapDetected?: boolean;
  credentialsEntered?: boolean;
  seedPhraseEntered?: boolean;
}

export const LOCK_SCOPES = ["login", "withdrawals", "new_addresses", "security_settings"] as const;
export type LockScope = (typeof LOCK_SCOPES)[number];

export const CASE_STATUSES = ["open", "awaiting_verification", "verified", "resolved", "closed"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const VERIFICATION_STATES = ["pending", "verified", "failed", "not_used"] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

export const LOCK_STATES = ["none", "requested", "applied", "release_requested", "released"] as const;
export type LockState = (typeof LOCK_STATES)[number];

/** What a report tells the domain (the webhook's `data`, `src/schemas/report.ts`, is one). */
export interface IncidentReport {
  accountId: string;
  incidentType: IncidentType;
  reporter: { email: string; phone?: string; locale?: string };
  description?: string;
  signals?: Signals;
}

export const SLA_CLOCKS = ["containment", "firstResponse", "resolution"] as const;
export type SlaClockName = (typeof SLA_CLOCKS)[number];
