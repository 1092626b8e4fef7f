import { describe, expect, it } from "vitest";
import {
  isLockInForce,
  LOCK_SCOPES_BY_TYPE,
  type LockEvent,
  lockRequiredAtIntake,
  nextLockState,
  scopesFor,
  type UnlockInput,
  unlockCooldownMs,
  unlockDecision,
} from "../../../src/domain/lock-policy.js";
import type { IncidentType, LockScope, LockState, Priority } from "../../../src/domain/types.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);

describe("LOCK_SCOPES_BY_TYPE", () => {
  it.each<[IncidentType, LockScope[]]>([
    ["key_compromise", ["login", "withdrawals", "new_addresses", "security_settings"]],
    ["sim_swap", ["login", "withdrawals", "security_settings"]],
    ["unauthorized_access", ["login", "withdrawals", "security_settings"]],
    ["malware", ["withdrawals", "new_addresses", "security_settings"]],
    ["phishing", ["login", "withdrawals"]],
    ["other", ["withdrawals"]],
  ])("locks %s with %j by default", (incidentType, scopes) => {
    // Prepare / Act
    const result = scopesFor(incidentType);

    // Assess
    expect(result).toEqual(scopes);
    expect(LOCK_SCOPES_BY_TYPE[incidentType]).toEqual(scopes);
  });

  it("cannot be mutated by a caller", () => {
    // Prepare
    const scopes = LOCK_SCOPES_BY_TYPE.other as LockScope[];

    // Act
    const act = () => scopes.push("login");

    // Assess
    expect(act).toThrow(TypeError);
    expect(Object.isFrozen(LOCK_SCOPES_BY_TYPE)).toBe(true);
  });
});

describe("scopesFor", () => {
  it("uses a configured override for its type and the default for the others", () => {
    // Prepare
    const overrides = { phishing: ["login", "withdrawals", "security_settings"] as LockScope[] };

    // Act
    const phishing = scopesFor("phishing", overrides);
    const malware = scopesFor("malware", overrides);

    // Assess
    expect(phishing).toEqual(["login", "withdrawals", "security_settings"]);
    expect(malware).toEqual(["withdrawals", "new_addresses", "security_settings"]);
  });

  it("returns a fresh array so a caller's change never leaks into the defaults", () => {
    // Prepare
    const scopes = scopesFor("other");

    // Act
    scopes.push("login");

    // Assess
    expect(scopesFor("other")).toEqual(["withdrawals"]);
  });

  it("removes duplicate scopes from an override", () => {
    // Prepare
    const overrides = { other: ["withdrawals", "login", "withdrawals"] as LockScope[] };

    // Act
    const scopes = scopesFor("other", overrides);

    // Assess
    expect(scopes).toEqual(["withdrawals", "login"]);
  });
});

describe("lockRequiredAtIntake", () => {
  // Examples of the rule (docs/product.md "Account locks"), each written out: type, priority, drain, lock?
  it.each<[IncidentType, Priority, boolean, boolean]>([
    ["key_compromise", "P1", false, true],
    ["key_compromise", "P4", false, true],
    ["sim_swap", "P1", false, true],
    ["sim_swap", "P3", true, true],
    ["unauthorized_access", "P1", true, true],
    ["unauthorized_access", "P2", false, true],
    ["unauthorized_access", "P3", false, false],
    ["unauthorized_access", "P4", true, false],
    ["malware", "P1", true, true],
    ["malware", "P2", true, true],
    ["malware", "P1", false, false],
    ["malware", "P2", false, false],
    ["phishing", "P1", true, false],
    ["phishing", "P3", false, false],
    ["other", "P1", true, false],
    ["other", "P4", false, false],
  ])("decides %s at %s with drainObserved=%s: lock %s", (incidentType, priority, drainObserved, lock) => {
    // Prepare
    const signals = { drainObserved };

    // Act
    const result = lockRequiredAtIntake({ incidentType, priority, signals });

    // Assess
    expect(result).toBe(lock);
  });

  it.each<[string, IncidentType, Priority, boolean]>([
    ["P2 unauthorized_access", "unauthorized_access", "P2", true],
    ["P3 unauthorized_access", "unauthorized_access", "P3", false],
    ["malware without drain", "malware", "P2", false],
    ["phishing with seed phrase entered", "phishing", "P1", false],
    ["other at P1", "other", "P1", false],
  ])("spells out the key case: %s", (_label, incidentType, priority, lock) => {
    // Prepare / Act
    const result = lockRequiredAtIntake({ incidentType, priority, signals: { seedPhraseEntered: true } });

    // Assess
    expect(result).toBe(lock);
  });

  it("does not lock malware when no signals were sent", () => {
    // Prepare / Act
    const result = lockRequiredAtIntake({ incidentType: "malware", priority: "P2" });

    // Assess
    expect(result).toBe(false);
  });
});

describe("nextLockState", () => {
  type Row = [LockState, LockEvent, LockState | null, boolean];
  const matrix: Row[] = [
    ["none", "requested", "requested", true],
    ["none", "delivered", null, false],
    ["none", "release_requested", null, false],
    ["none", "release_delivered", null, false],
    ["requested", "requested", null, false],
    ["requested", "delivered", "applied", true],
    ["requested", "release_requested", "release_requested", true],
    ["requested", "release_delivered", null, false],
    ["applied", "requested", null, false],
    ["applied", "delivered", "applied", false],
    ["applied", "release_requested", "release_requested", true],
    ["applied", "release_delivered", null, false],
    ["release_requested", "requested", null, false],
    ["release_requested", "delivered", "release_requested", false],
    ["release_requested", "release_requested", null, false],
    ["release_requested", "release_delivered", "released", true],
    ["released", "requested", "requested", true],
    ["released", "delivered", null, false],
    ["released", "release_requested", null, false],
    ["released", "release_delivered", "released", false],
  ];

  it.each(matrix)("moves %s on %s to %s", (from, event, to, changed) => {
    // Prepare / Act
    const result = nextLockState(from, event);

    // Assess
    if (to === null) {
      expect(result).toMatchObject({ ok: false, from, event });
      expect(result.ok === false && result.reason.length > 0).toBe(true);
    } else {
      expect(result).toEqual({ ok: true, state: to, changed });
    }
  });

  it("walks the happy path from none to released", () => {
    // Prepare
    const events: LockEvent[] = ["requested", "delivered", "release_requested", "release_delivered"];
    let state: LockState = "none";
    const visited: LockState[] = [];

    // Act
    for (const event of events) {
      const result = nextLockState(state, event);
      if (!result.ok) throw new Error(result.reason);
      state = result.state;
      visited.push(state);
    }

    // Assess
    expect(visited).toEqual(["requested", "applied", "release_requested", "released"]);
  });

  it("returns a rejection for an unknown state instead of throwing", () => {
    // Prepare
    const bogus = "bogus" as LockState;

    // Act
    const result = nextLockState(bogus, "delivered");

    // Assess
    expect(result).toMatchObject({ ok: false, from: "bogus", event: "delivered" });
  });
});

describe("isLockInForce", () => {
  it.each<[LockState, boolean]>([
    ["none", false],
    ["requested", true],
    ["applied", true],
    ["release_requested", false],
    ["released", false],
  ])("says %s → %s", (state, expected) => {
    // Prepare / Act
    const result = isLockInForce(state);

    // Assess
    expect(result).toBe(expected);
  });
});

describe("unlockDecision", () => {
  /** A P2 case locked at T0 with fresh email + sms proofs, asked after the 1 h cool-down. */
  function input(overrides: Partial<UnlockInput> = {}): UnlockInput {
    return {
      priority: "P2",
      lock: { state: "applied", requestedAt: T0 },
      proofs: { emailVerifiedAt: T0 + MINUTE, smsVerifiedAt: T0 + 2 * MINUTE },
      smsTrusted: true,
      now: T0 + 2 * HOUR,
      ...overrides,
    };
  }

  it.each<[Priority, number]>([
    ["P1", 24 * HOUR],
    ["P2", HOUR],
    ["P3", HOUR],
    ["P4", HOUR],
  ])("uses a %s cool-down of %i ms", (priority, cooldown) => {
    // Prepare / Act
    const result = unlockCooldownMs(priority);

    // Assess
    expect(result).toBe(cooldown);
  });

  it("allows an unlock with two fresh proofs after the cool-down", () => {
    // Prepare / Act
    const result = unlockDecision(input());

    // Assess
    expect(result).toEqual({ allowed: true });
  });

  it.each<[Priority, number]>([
    ["P1", 24 * HOUR],
    ["P2", HOUR],
    ["P3", HOUR],
    ["P4", HOUR],
  ])("blocks a %s unlock 1 ms before the cool-down ends and allows it at the end", (priority, cooldown) => {
    // Prepare
    const before = input({ priority, now: T0 + cooldown - 1 });
    const at = input({ priority, now: T0 + cooldown });

    // Act
    const blocked = unlockDecision(before);
    const allowed = unlockDecision(at);

    // Assess
    expect(blocked).toEqual({ allowed: false, reason: "cooldown", retryAfterMs: 1 });
    expect(allowed).toEqual({ allowed: true });
  });

  it("honours a configured cool-down", () => {
    // Prepare
    const request = input({ cooldownMs: 3 * HOUR, now: T0 + 2 * HOUR });

    // Act
    const result = unlockDecision(request);

    // Assess
    expect(result).toEqual({ allowed: false, reason: "cooldown", retryAfterMs: HOUR });
  });

  it("counts the cool-down from the lock request, not from when the provider applied it", () => {
    // Prepare: still only "requested" (provider not answering), 1 h after the request.
    const request = input({ lock: { state: "requested", requestedAt: T0 }, now: T0 + HOUR });

    // Act
    const result = unlockDecision(request);

    // Assess
    expect(result).toEqual({ allowed: true });
  });

  it.each<[string, UnlockInput["lock"]]>([
    ["no lock", { state: "none" }],
    ["a released lock", { state: "released", requestedAt: T0 }],
    ["a release already requested", { state: "release_requested", requestedAt: T0 }],
    ["an applied lock without a request time", { state: "applied" }],
    ["an applied lock with a NaN request time", { state: "applied", requestedAt: Number.NaN }],
  ])("refuses with not_locked for %s", (_label, lock) => {
    // Prepare / Act
    const result = unlockDecision(input({ lock }));

    // Assess
    expect(result).toEqual({ allowed: false, reason: "not_locked" });
  });

  it.each<[string, UnlockInput["proofs"], string[]]>([
    ["no proofs", {}, ["email", "sms"]],
    ["only email", { emailVerifiedAt: T0 + MINUTE }, ["sms"]],
    ["a stale email from before the lock", { emailVerifiedAt: T0 - 1, smsVerifiedAt: T0 + MINUTE }, ["email"]],
    ["a proof at the very instant of the lock", { emailVerifiedAt: T0, smsVerifiedAt: T0 + MINUTE }, ["email"]],
    ["both proofs stale", { emailVerifiedAt: T0 - HOUR, smsVerifiedAt: T0 - HOUR }, ["email", "sms"]],
    [
      "identity instead of sms while SMS is trusted",
      { emailVerifiedAt: T0 + MINUTE, identityVerifiedAt: T0 + MINUTE },
      ["sms"],
    ],
  ])("refuses with missing_proofs for %s", (_label, proofs, missing) => {
    // Prepare / Act
    const result = unlockDecision(input({ proofs }));

    // Assess
    expect(result).toEqual({ allowed: false, reason: "missing_proofs", missing });
  });

  it("accepts email + identity when SMS is not trusted", () => {
    // Prepare
    const request = input({
      smsTrusted: false,
      proofs: { emailVerifiedAt: T0 + MINUTE, identityVerifiedAt: T0 + 5 * MINUTE },
    });

    // Act
    const result = unlockDecision(request);

    // Assess
    expect(result).toEqual({ allowed: true });
  });

  it("ignores an SMS proof when SMS is not trusted (the SIM may be the attacker's)", () => {
    // Prepare
    const request = input({ smsTrusted: false });

    // Act
    const result = unlockDecision(request);

    // Assess
    expect(result).toEqual({ allowed: false, reason: "missing_proofs", missing: ["identity"] });
  });

  it("reports the cool-down first and still lists the missing proofs", () => {
    // Prepare
    const request = input({ priority: "P1", proofs: {}, now: T0 + HOUR });

    // Act
    const result = unlockDecision(request);

    // Assess
    expect(result).toEqual({
      allowed: false,
      reason: "cooldown",
      retryAfterMs: 23 * HOUR,
      missing: ["email", "sms"],
    });
  });
});
