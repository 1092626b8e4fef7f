import type { IncidentType, LockScope, Priority, SlaClockName } from "./types.js";

/**
 * The tunable policy of a deployment, with the defaults of docs/product.md and their sources. A provider
 * overrides parts of it through configuration (`VIGIL_POLICY`); the domain only ever reads it.
 */
export interface Policy {
  /** Default priority per incident type, before signals raise it. */
  basePriority: Record<IncidentType, Priority>;
  /** `unauthorized_access` with `fundsAtRisk` and at least this many USD at stake is P1. */
  assetsAtRiskThresholdUsd: number;
  /**
   * SLA targets in seconds per clock and priority (AWS incident-response triage guide:
   * P1 < 15 min, P2 < 1 h, P3 < 4 h, P4 < 24 h). `null`: the clock does not run.
   */
  slaTargets: Record<SlaClockName, Record<Priority, number | null>>;
  /** Fractions of a target at which a warning is recorded. */
  warningFractions: number[];
  /** Escalation repeats after a breach, per priority, until acknowledged. */
  escalationRepeatSeconds: Record<Priority, number>;
  /**
   * Repeats per breached clock before the escalation is exhausted (PagerDuty's `num_loops`): one
   * interval after the last repeat the second contact (`VIGIL_ONCALL_ESCALATION_EMAIL` / `_PHONE`)
   * is paged instead and the clock repeats no more; it stays breached. 0: page the second contact
   * one interval after the breach.
   */
  escalationRepeatLimit: number;
  /** The resolution clock pauses while waiting on the reporter, at most this long; then the case closes as unverified. */
  verificationPauseCapSeconds: number;
  /** Lock scopes per incident type, where a provider wants other than `LOCK_SCOPES_BY_TYPE`. */
  lockScopes: Partial<Record<IncidentType, LockScope[]>>;
}

const MIN = 60;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const DEFAULT_POLICY: Policy = {
  basePriority: {
    key_compromise: "P1",
    sim_swap: "P1",
    unauthorized_access: "P2",
    malware: "P2",
    phishing: "P3",
    other: "P4",
  },
  assetsAtRiskThresholdUsd: 10_000,
  slaTargets: {
    containment: { P1: 1 * MIN, P2: 15 * MIN, P3: null, P4: null },
    firstResponse: { P1: 15 * MIN, P2: 1 * HOUR, P3: 4 * HOUR, P4: 24 * HOUR },
    resolution: { P1: 4 * HOUR, P2: 24 * HOUR, P3: 72 * HOUR, P4: 7 * DAY },
  },
  warningFractions: [0.5, 0.8],
  escalationRepeatSeconds: { P1: 15 * MIN, P2: 1 * HOUR, P3: 1 * HOUR, P4: 1 * HOUR },
  escalationRepeatLimit: 8,
  verificationPauseCapSeconds: 24 * HOUR,
  lockScopes: {},
};
