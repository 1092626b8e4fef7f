/**
 * Account-lock rules: which scopes an incident locks, when a lock is requested at intake, the lock
 * life cycle and when an unlock may go ahead. Pure; times are epoch milliseconds.
 *
 * Models: Coinbase account lock, Kraken Global Settings Lock; NIST SP 800-63B §6.1.2 ("suspension
 * SHALL be reversible"). Vigil does not own the accounts: each transition here is delivered to the
 * provider as a signed webhook, so "applied" means "the provider acknowledged with a 2xx".
 */
import type { Case } from "./case-record.js";
import type { IncidentType, LockScope, LockState, Priority, Signals } from "./types.js";
import { type Factor, requiredFactors } from "./verification.js";

/**
 * Default scopes per incident type. `phishing` and `other` are only ever locked at an agent's
 * request (see `lockRequiredAtIntake`), with the narrow scopes listed here.
 */
export const LOCK_SCOPES_BY_TYPE: Readonly<Record<IncidentType, readonly LockScope[]>> = Object.freeze({
  // Keys or seed are out: stop everything, including new deposit addresses an attacker could hand out.
  key_compromise: Object.freeze<LockScope[]>(["login", "withdrawals", "new_addresses", "security_settings"]),
  // The attacker holds the phone: stop logins and SMS-based resets of MFA/recovery settings.
  sim_swap: Object.freeze<LockScope[]>(["login", "withdrawals", "security_settings"]),
  unauthorized_access: Object.freeze<LockScope[]>(["login", "withdrawals", "security_settings"]),
  // A keylogger/clipper on the device: stop funds leaving and address substitution; logins stay so
  // the reporter can follow guidance from a clean device.
  malware: Object.freeze<LockScope[]>(["withdrawals", "new_addresses", "security_settings"]),
  phishing: Object.freeze<LockScope[]>(["login", "withdrawals"]),
  other: Object.freeze<LockScope[]>(["withdrawals"]),
});

/** Per-type scope overrides from configuration (`VIGIL_POLICY`). */
export type LockScopeOverrides = Partial<Record<IncidentType, readonly LockScope[]>>;

/** The scopes to lock for an incident type: the override if configured, else the default. A fresh, de-duplicated array. */
export function scopesFor(incidentType: IncidentType, overrides?: LockScopeOverrides): LockScope[] {
  return [...new Set(overrides?.[incidentType] ?? LOCK_SCOPES_BY_TYPE[incidentType])];
}

/**
 * Whether the incident calls for a lock at once, before verification: a lock is protective and
 * reversible, while a drain is not. `key_compromise` and `sim_swap` always (they are P1);
 * `unauthorized_access` at P1/P2; `malware` once a drain is observed. `phishing` and `other`
 * never at intake (an agent may still request one).
 */
export function lockRequiredAtIntake(input: {
  incidentType: IncidentType;
  priority: Priority;
  signals?: Signals;
}): boolean {
  switch (input.incidentType) {
    case "key_compromise":
    case "sim_swap":
      return true;
    case "unauthorized_access":
      return input.priority === "P1" || input.priority === "P2";
    case "malware":
      return input.signals?.drainObserved === true;
    case "phishing":
    case "other":
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Life cycle
// ---------------------------------------------------------------------------------------------

/**
 * What happens to a lock: Vigil requests a lock or its release (commands), and the provider
 * acknowledges the delivery of either with a 2xx (`delivered`, `release_delivered`).
 */
export type LockEvent = "requested" | "delivered" | "release_requested" | "release_delivered";

/** The result of applying an event to a lock state. `changed: false` marks an idempotent repeat. */
export type LockTransition =
  | { ok: true; state: LockState; changed: boolean }
  | { ok: false; from: LockState; event: LockEvent; reason: string };

/**
 * Commands move the state or are rejected. Acknowledgements are idempotent where they can repeat:
 * deliveries are at-least-once, so a second 2xx for the same webhook (or a late lock ack after the
 * release was already requested) must not fail the workflow.
 */
const TRANSITIONS: Readonly<Record<LockState, Partial<Record<LockEvent, LockState>>>> = {
  none: { requested: "requested" },
  // Release before the provider acknowledged the lock: the reporter must not stay locked out
  // because the provider endpoint is down (deliveries retry for ~3 days).
  requested: { delivered: "applied", release_requested: "release_requested" },
  applied: { delivered: "applied", release_requested: "release_requested" },
  release_requested: { delivered: "release_requested", release_delivered: "released" },
  // A released account can be locked again by a new report or an agent.
  released: { requested: "requested", release_delivered: "released" },
};

const REJECTION_REASONS: Readonly<Record<LockEvent, string>> = {
  requested: "a lock is already requested or in force",
  delivered: "no lock request is outstanding",
  release_requested: "there is no lock to release",
  release_delivered: "no release request is outstanding",
};

/** The next lock state for an event, or why the event is not allowed now. Never throws. */
export function nextLockState(current: LockState, event: LockEvent): LockTransition {
  const next = TRANSITIONS[current]?.[event];
  if (next === undefined) return { ok: false, from: current, event, reason: REJECTION_REASONS[event] };
  return { ok: true, state: next, changed: next !== current };
}

/** Whether a lock state means the account is (or is being) locked. */
export function isLockInForce(state: LockState): boolean {
  return state === "requested" || state === "applied";
}

// ---------------------------------------------------------------------------------------------
// Unlock
// ---------------------------------------------------------------------------------------------

const HOUR = 60 * 60 * 1000;

/** Default cool-down from the lock request to the earliest unlock: 24 h for P1, 1 h otherwise. */
export function unlockCooldownMs(priority: Priority): number {
  return priority === "P1" ? 24 * HOUR : 1 * HOUR;
}

/** When each factor was last verified (epoch ms). */
export interface UnlockProofs {
  emailVerifiedAt?: number;
  smsVerifiedAt?: number;
  identityVerifiedAt?: number;
}

/** Input to `unlockDecision`. */
export interface UnlockInput {
  priority: Priority;
  lock: { state: LockState; requestedAt?: number };
  proofs: UnlockProofs;
  smsTrusted: boolean;
  now: number;
  /** Overrides the per-priority default cool-down. */
  cooldownMs?: number;
}

/** Whether an unlock may be requested now. */
export type UnlockDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: "not_locked" | "cooldown" | "missing_proofs";
      /** With `cooldown`: milliseconds until the cool-down ends. */
      retryAfterMs?: number;
      /** Factors without a proof newer than the lock; also given with `cooldown`, so the reporter can verify meanwhile. */
      missing?: Factor[];
    };

const PROOF_AT: Readonly<Record<Factor, keyof UnlockProofs>> = {
  email: "emailVerifiedAt",
  sms: "smsVerifiedAt",
  identity: "identityVerifiedAt",
};

/**
 * Unlock needs a lock in force, the cool-down elapsed since the lock request, and two fresh proofs:
 * factors verified strictly after the lock was requested (a proof from before the lock may come from
 * the very attacker the lock is about). The cool-down gives the real owner time to react if the
 * unlock is itself the attack. When both the cool-down and proofs are lacking, the cool-down is the
 * reason (no action can shorten it) and `missing` still lists the proofs.
 */
export function unlockDecision(input: UnlockInput): UnlockDecision {
  const { state, requestedAt } = input.lock;
  // A lock without a request time is treated as absent rather than guessed at.
  if (!isLockInForce(state) || requestedAt === undefined || !Number.isFinite(requestedAt)) {
    return { allowed: false, reason: "not_locked" };
  }
  const missing = requiredFactors({ smsTrusted: input.smsTrusted }).filter((factor) => {
    const at = input.proofs[PROOF_AT[factor]];
    return at === undefined || !(at > requestedAt);
  });
  const cooldownEndsAt = requestedAt + (input.cooldownMs ?? unlockCooldownMs(input.priority));
  if (input.now < cooldownEndsAt) {
    return {
      allowed: false,
      reason: "cooldown",
      retryAfterMs: cooldownEndsAt - input.now,
      ...(missing.length > 0 ? { missing } : {}),
    };
  }
  if (missing.length > 0) return { allowed: false, reason: "missing_proofs", missing };
  return { allowed: true };
}

/** {@link unlockDecision} for a stored case at `now`: its lock, its proofs and its SMS trust as the rule reads them. */
export function unlockDecisionFor(item: Case, now: number): UnlockDecision {
  const epoch = (at: string | null | undefined) => (at ? Date.parse(at) : undefined);
  return unlockDecision({
    priority: item.priority,
    lock: { state: item.lock.state, requestedAt: epoch(item.lock.requestedAt) },
    proofs: {
      emailVerifiedAt: epoch(item.verification.emailVerifiedAt),
      smsVerifiedAt: epoch(item.verification.smsVerifiedAt),
      identityVerifiedAt: epoch(item.verification.identityVerifiedAt),
    },
    smsTrusted: item.channels.sms,
    now,
  });
}
