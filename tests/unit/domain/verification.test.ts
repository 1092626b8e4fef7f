import { randomBytes as cryptoRandomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { IncidentType, Signals, VerificationState } from "../../../src/domain/types.js";
import {
  type CodeState,
  canSendCode,
  checkCode,
  codeDigitsFor,
  codeMatches,
  type FailureState,
  factorsSatisfied,
  generateCode,
  hashCode,
  hashLinkToken,
  isLocked,
  issueCode,
  issueLink,
  type LinkBinding,
  linkBindingMatches,
  linkStatus,
  newLinkToken,
  type RandomBytes,
  recordFailure,
  recordSuccess,
  requiredFactors,
  smsTrusted,
  VERIFICATION_POLICY,
} from "../../../src/domain/verification.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);

/** Hands out the given bytes in order and records each request size; running dry is a test bug. */
function byteSource(bytes: readonly number[]): { randomBytes: RandomBytes; requests: number[] } {
  let next = 0;
  const requests: number[] = [];
  const randomBytes: RandomBytes = (n) => {
    requests.push(n);
    if (next + n > bytes.length) throw new Error("byteSource ran dry");
    const out = Uint8Array.from(bytes.slice(next, next + n));
    next += n;
    return out;
  };
  return { randomBytes, requests };
}

/** Cycles through 0..255 forever: every byte value equally often, like an ideal source. */
function cyclingSource(): RandomBytes {
  let next = 0;
  return (n) => Uint8Array.from({ length: n }, () => next++ % 256);
}

describe("VERIFICATION_POLICY", () => {
  it("holds the NIST/OWASP/Twilio defaults when nothing is configured", () => {
    // Prepare
    const expected = {
      codeDigits: 6,
      codeDigitsP1: 8,
      codeTtlMs: 10 * MINUTE,
      maxCodeAttempts: 5,
      maxSendsPerWindow: 3,
      sendWindowMs: 10 * MINUTE,
      linkTtlMs: 30 * MINUTE,
      lockoutAfterFailures: 10,
      failureWindowMs: 24 * HOUR,
      backoffBaseMs: 30 * SECOND,
      backoffMaxMs: HOUR,
    };

    // Act
    const policy = { ...VERIFICATION_POLICY };

    // Assess
    expect(policy).toEqual(expected);
    expect(Object.isFrozen(VERIFICATION_POLICY)).toBe(true);
  });

  it.each([
    ["P1", 8],
    ["P2", 6],
    ["P3", 6],
    ["P4", 6],
  ] as const)("uses %s → %i code digits", (priority, digits) => {
    // Prepare / Act
    const result = codeDigitsFor(priority);

    // Assess
    expect(result).toBe(digits);
  });
});

describe("generateCode", () => {
  it("keeps leading zeros when the first bytes map to 0", () => {
    // Prepare
    const { randomBytes } = byteSource([0, 10, 20, 1, 2, 3]);

    // Act
    const code = generateCode(6, randomBytes);

    // Assess
    expect(code).toBe("000123");
  });

  it("maps accepted bytes with byte % 10 up to and including 249", () => {
    // Prepare
    const { randomBytes } = byteSource([249, 9, 19, 100, 245, 0]);

    // Act
    const code = generateCode(6, randomBytes);

    // Assess
    expect(code).toBe("999050");
  });

  it("rejects bytes 250..255 and asks again only for the missing digits", () => {
    // Prepare
    const { randomBytes, requests } = byteSource([250, 251, 252, 253, 254, 255, 7, 8, 9, 0, 1, 2]);

    // Act
    const code = generateCode(6, randomBytes);

    // Assess
    expect(code).toBe("789012");
    expect(requests).toEqual([6, 6]);
  });

  it("replaces a single rejected byte in the middle without shifting the others", () => {
    // Prepare
    const { randomBytes, requests } = byteSource([1, 255, 2, 3, 4, 5, 6]);

    // Act
    const code = generateCode(6, randomBytes);

    // Assess
    expect(code).toBe("123456");
    expect(requests).toEqual([6, 1]);
  });

  it("produces 8 digits when asked for a P1 code", () => {
    // Prepare
    const { randomBytes } = byteSource([3, 1, 4, 1, 5, 9, 2, 6]);

    // Act
    const code = generateCode(codeDigitsFor("P1"), randomBytes);

    // Assess
    expect(code).toBe("31415926");
  });

  it("yields every digit exactly equally often when fed every byte value equally often (no modulo bias)", () => {
    // Prepare: 100 codes × 5 digits = 500 digits = exactly two cycles of the 250 accepted byte values.
    const randomBytes = cyclingSource();
    const counts = new Map<string, number>();

    // Act
    for (let i = 0; i < 100; i++) {
      for (const digit of generateCode(5, randomBytes)) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    }

    // Assess: a naive byte % 10 would give 0–5 one extra count per cycle (26 vs 25).
    expect([...counts.entries()].sort()).toEqual(
      ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"].map((digit) => [digit, 50]),
    );
  });

  it("stays close to uniform with the real CSPRNG", () => {
    // Prepare
    const counts = new Array<number>(10).fill(0);
    const codes = 10_000;

    // Act
    for (let i = 0; i < codes; i++) {
      const code = generateCode(6, cryptoRandomBytes);
      expect(code).toMatch(/^\d{6}$/);
      for (const digit of code) counts[Number(digit)] = (counts[Number(digit)] ?? 0) + 1;
    }

    // Assess: expected 6000 per digit, σ ≈ 73; ±500 is ~7σ, so this never flakes but catches bias.
    for (const count of counts) expect(Math.abs(count - 6000)).toBeLessThan(500);
  });

  it.each([0, -1, 1.5, 65, Number.NaN])("throws a RangeError when digits is %s", (digits) => {
    // Prepare
    const randomBytes = cyclingSource();

    // Act
    const act = () => generateCode(digits, randomBytes);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it.each([
    ["always 255", (n: number) => new Uint8Array(n).fill(255)],
    ["always empty", () => new Uint8Array(0)],
  ])("throws a RangeError instead of looping forever when the source is %s", (_label, randomBytes) => {
    // Prepare / Act
    const act = () => generateCode(6, randomBytes);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe("hashCode", () => {
  it("computes HMAC-SHA-256(pepper, caseId:code) as lowercase hex", () => {
    // Prepare: `printf 'c_1:123456' | openssl dgst -sha256 -hmac pepper` (stored hashes depend on this format)
    const expected = "4de1b2244b167641874264da5805aedca51cd25bb1ff1156ad130f0aa0ccdc7a";

    // Act
    const hash = hashCode("pepper", "c_1", "123456");

    // Assess
    expect(hash).toBe(expected);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives different hashes when the case, the pepper or the code differ", () => {
    // Prepare
    const base = hashCode("pepper", "c_1", "123456");

    // Act
    const variants = [
      hashCode("pepper", "c_2", "123456"),
      hashCode("pepper2", "c_1", "123456"),
      hashCode("pepper", "c_1", "123457"),
    ];

    // Assess
    for (const variant of variants) expect(variant).not.toBe(base);
  });

  it("treats a byte pepper like the same bytes given as a string", () => {
    // Prepare
    const bytes = new TextEncoder().encode("pepper");

    // Act
    const hash = hashCode(bytes, "c_1", "000001");

    // Assess
    expect(hash).toBe(hashCode("pepper", "c_1", "000001"));
  });
});

describe("codeMatches", () => {
  const stored = hashCode("pepper", "c_1", "012345");

  it("matches the right code for the right case and pepper", () => {
    // Prepare / Act
    const result = codeMatches("pepper", "c_1", "012345", stored);

    // Assess
    expect(result).toBe(true);
  });

  it("accepts a stored hash written in uppercase hex", () => {
    // Prepare / Act
    const result = codeMatches("pepper", "c_1", "012345", stored.toUpperCase());

    // Assess
    expect(result).toBe(true);
  });

  it.each([
    ["a wrong code", "pepper", "c_1", "012346", stored],
    ["the code without its leading zero", "pepper", "c_1", "12345", stored],
    ["another case", "pepper", "c_2", "012345", stored],
    ["another pepper", "pepper2", "c_1", "012345", stored],
    ["an empty stored hash", "pepper", "c_1", "012345", ""],
    ["a non-hex stored hash", "pepper", "c_1", "012345", "z".repeat(64)],
    ["a 63-char stored hash", "pepper", "c_1", "012345", stored.slice(1)],
    ["a 65-char stored hash", "pepper", "c_1", "012345", `${stored}0`],
    ["a non-string code", "pepper", "c_1", 12345 as unknown as string, stored],
    ["an undefined code", "pepper", "c_1", undefined as unknown as string, stored],
    ["an undefined stored hash", "pepper", "c_1", "012345", undefined as unknown as string],
    ["a null pepper", null as unknown as string, "c_1", "012345", stored],
  ])("returns false without throwing for %s", (_label, pepper, caseId, code, hash) => {
    // Prepare / Act
    const act = () => codeMatches(pepper, caseId, code, hash);

    // Assess
    expect(act).not.toThrow();
    expect(act()).toBe(false);
  });
});

describe("checkCode", () => {
  const fresh: CodeState = issueCode("h", T0);

  it("issues a code that expires 10 minutes after issue with no attempts used", () => {
    // Prepare / Act
    const state = issueCode("h", T0);

    // Assess
    expect(state).toEqual({ hash: "h", issuedAt: T0, expiresAt: T0 + 10 * MINUTE, attempts: 0, spent: false });
  });

  it.each([
    ["a right code just before expiry", fresh, true, T0 + 10 * MINUTE - 1, "verified", 0, true, 0],
    ["a right code at issue time", fresh, true, T0, "verified", 0, true, 0],
    ["a right code exactly at 10 min", fresh, true, T0 + 10 * MINUTE, "expired", 0, false, 0],
    ["a wrong code exactly at 10 min", fresh, false, T0 + 10 * MINUTE, "expired", 0, false, 0],
    ["a right code after expiry", fresh, true, T0 + HOUR, "expired", 0, false, 0],
    ["the 1st wrong code", fresh, false, T0 + MINUTE, "invalid", 4, false, 1],
    ["the 4th wrong code", { ...fresh, attempts: 3 }, false, T0 + MINUTE, "invalid", 1, false, 4],
    ["the 5th wrong code", { ...fresh, attempts: 4 }, false, T0 + MINUTE, "invalid", 0, true, 5],
    ["a right code after 4 wrong ones", { ...fresh, attempts: 4 }, true, T0 + MINUTE, "verified", 0, true, 4],
    ["a right code once spent", { ...fresh, attempts: 5, spent: true }, true, T0 + MINUTE, "spent", 0, true, 5],
    ["a right code once verified (single use)", { ...fresh, spent: true }, true, T0 + MINUTE, "spent", 0, true, 0],
    ["a spent code after expiry", { ...fresh, spent: true }, false, T0 + HOUR, "spent", 0, true, 0],
  ] as const)("answers %s", (_label, state, matches, now, outcome, attemptsLeft, spent, attempts) => {
    // Prepare
    const before = structuredClone(state);

    // Act
    const result = checkCode(state, matches, now);

    // Assess
    expect(result.outcome).toBe(outcome);
    expect(result.attemptsLeft).toBe(attemptsLeft);
    expect(result.next.spent).toBe(spent);
    expect(result.next.attempts).toBe(attempts);
    expect(state).toEqual(before);
  });

  it("kills the code on the 5th wrong entry of a sequence and then refuses the right one", () => {
    // Prepare
    let state = fresh;
    const left: number[] = [];

    // Act
    for (let i = 0; i < 5; i++) {
      const result = checkCode(state, false, T0 + i * SECOND);
      left.push(result.attemptsLeft);
      state = result.next;
    }
    const afterwards = checkCode(state, true, T0 + 6 * SECOND);

    // Assess
    expect(left).toEqual([4, 3, 2, 1, 0]);
    expect(afterwards.outcome).toBe("spent");
  });

  it("honours a configured attempt limit", () => {
    // Prepare
    const policy = { ...VERIFICATION_POLICY, maxCodeAttempts: 3 };

    // Act
    const result = checkCode({ ...fresh, attempts: 2 }, false, T0, policy);

    // Assess
    expect(result).toMatchObject({ outcome: "invalid", attemptsLeft: 0, next: { spent: true, attempts: 3 } });
  });
});

describe("canSendCode", () => {
  it("allows a first send when nothing was sent", () => {
    // Prepare / Act
    const result = canSendCode([], T0);

    // Assess
    expect(result).toEqual({ allowed: true, recentSends: [] });
  });

  it("allows the 3rd send in a window and blocks the 4th with the time until the oldest leaves", () => {
    // Prepare
    const sends = [T0, T0 + MINUTE];

    // Act
    const third = canSendCode(sends, T0 + 2 * MINUTE);
    const fourth = canSendCode([...sends, T0 + 2 * MINUTE], T0 + 3 * MINUTE);

    // Assess
    expect(third.allowed).toBe(true);
    expect(fourth).toEqual({
      allowed: false,
      retryAfterMs: 7 * MINUTE,
      recentSends: [T0, T0 + MINUTE, T0 + 2 * MINUTE],
    });
  });

  it.each([
    ["1 ms before the oldest send leaves the window", T0 + 10 * MINUTE - 1, false, 1],
    ["exactly when the oldest send leaves the window", T0 + 10 * MINUTE, true, undefined],
  ])("decides %s", (_label, now, allowed, retryAfterMs) => {
    // Prepare
    const sends = [T0, T0 + MINUTE, T0 + 2 * MINUTE];

    // Act
    const result = canSendCode(sends, now);

    // Assess
    expect(result.allowed).toBe(allowed);
    expect(result.retryAfterMs).toBe(retryAfterMs);
  });

  it("prunes sends outside the window and sorts the rest so the stored list never grows", () => {
    // Prepare
    const sends = [T0 + 12 * MINUTE, T0, T0 - HOUR, T0 + 5 * MINUTE];

    // Act
    const result = canSendCode(sends, T0 + 14 * MINUTE);

    // Assess
    expect(result).toEqual({ allowed: true, recentSends: [T0 + 5 * MINUTE, T0 + 12 * MINUTE] });
  });

  it("waits for enough sends to expire when more than the limit are on record", () => {
    // Prepare: four sends (e.g. recorded under an older, laxer policy).
    const sends = [T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE];

    // Act
    const result = canSendCode(sends, T0 + 4 * MINUTE);

    // Assess: only once the send at +1 min leaves are fewer than 3 left.
    expect(result.retryAfterMs).toBe(7 * MINUTE);
  });

  it("counts future-dated sends (clock skew) against the limit", () => {
    // Prepare
    const sends = [T0 + MINUTE, T0 + MINUTE, T0 + MINUTE];

    // Act
    const result = canSendCode(sends, T0);

    // Assess
    expect(result).toMatchObject({ allowed: false, retryAfterMs: 11 * MINUTE });
  });
});

describe("recordFailure", () => {
  /** Records n failures one second apart from T0 and returns every intermediate state. */
  function failures(n: number): FailureState[] {
    const states: FailureState[] = [];
    let state: FailureState | undefined;
    for (let i = 0; i < n; i++) {
      state = recordFailure(state, T0 + i * SECOND);
      states.push(state);
    }
    return states;
  }

  it("starts a window at the first failure", () => {
    // Prepare / Act
    const state = recordFailure(undefined, T0);

    // Assess
    expect(state).toEqual({ consecutive: 1, firstAt: T0 });
  });

  it("does not lock for failures 1 to 9", () => {
    // Prepare / Act
    const states = failures(9);

    // Assess
    for (const state of states) expect(state.lockedUntil).toBeUndefined();
    expect(states.at(-1)).toEqual({ consecutive: 9, firstAt: T0 });
  });

  it.each([
    [10, 30 * SECOND],
    [11, 60 * SECOND],
    [12, 120 * SECOND],
    [13, 240 * SECOND],
    [14, 480 * SECOND],
    [15, 960 * SECOND],
    [16, 1920 * SECOND],
    [17, HOUR],
    [18, HOUR],
    [200, HOUR],
  ])("locks the %ith failure for the doubled backoff, capped at 1 h", (n, backoff) => {
    // Prepare / Act
    const state = failures(n).at(-1);

    // Assess
    const failedAt = T0 + (n - 1) * SECOND;
    expect(state).toEqual({ consecutive: n, firstAt: T0, lockedUntil: failedAt + backoff });
  });

  it.each([
    [
      "1 ms before 24 h",
      24 * HOUR - 1,
      { consecutive: 10, firstAt: T0, lockedUntil: T0 + 24 * HOUR - 1 + 30 * SECOND },
    ],
    ["exactly at 24 h", 24 * HOUR, { consecutive: 1, firstAt: T0 + 24 * HOUR }],
  ])("counts a 10th failure %s after the first in or out of the window", (_label, offset, expected) => {
    // Prepare
    const ninth = { consecutive: 9, firstAt: T0 };

    // Act
    const state = recordFailure(ninth, T0 + offset);

    // Assess
    expect(state).toEqual(expected);
  });

  it("drops a running lock when the 24 h window has passed", () => {
    // Prepare
    const locked = { consecutive: 17, firstAt: T0, lockedUntil: T0 + 24 * HOUR + HOUR };

    // Act
    const state = recordFailure(locked, T0 + 25 * HOUR);

    // Assess
    expect(state).toEqual({ consecutive: 1, firstAt: T0 + 25 * HOUR });
  });

  it("starts over from one after a success", () => {
    // Prepare
    const afterSuccess = recordSuccess();

    // Act
    const state = recordFailure(afterSuccess, T0 + MINUTE);

    // Assess
    expect(afterSuccess).toBeUndefined();
    expect(state).toEqual({ consecutive: 1, firstAt: T0 + MINUTE });
  });

  it("does not mutate the state it is given", () => {
    // Prepare
    const state = { consecutive: 9, firstAt: T0 };

    // Act
    recordFailure(state, T0 + SECOND);

    // Assess
    expect(state).toEqual({ consecutive: 9, firstAt: T0 });
  });
});

describe("isLocked", () => {
  const tenth = { consecutive: 10, firstAt: T0, lockedUntil: T0 + 30 * SECOND };

  it.each([
    ["no failure record", undefined, T0, { locked: false }],
    ["failures without a lock", { consecutive: 9, firstAt: T0 }, T0, { locked: false }],
    ["the instant of the 10th failure", tenth, T0, { locked: true, retryAfterMs: 30 * SECOND }],
    ["1 ms before the lock ends", tenth, T0 + 30 * SECOND - 1, { locked: true, retryAfterMs: 1 }],
    ["the instant the lock ends", tenth, T0 + 30 * SECOND, { locked: false }],
  ])("answers for %s", (_label, state, now, expected) => {
    // Prepare / Act
    const result = isLocked(state, now);

    // Assess
    expect(result).toEqual(expected);
  });

  it("locks for 30 s after the 10th failure and 60 s after the 11th", () => {
    // Prepare
    let state: FailureState | undefined;
    for (let i = 0; i < 10; i++) state = recordFailure(state, T0);

    // Act
    const afterTenth = isLocked(state, T0);
    const eleventh = recordFailure(state, T0 + 30 * SECOND);
    const afterEleventh = isLocked(eleventh, T0 + 30 * SECOND);

    // Assess
    expect(afterTenth).toEqual({ locked: true, retryAfterMs: 30 * SECOND });
    expect(afterEleventh).toEqual({ locked: true, retryAfterMs: 60 * SECOND });
  });
});

describe("newLinkToken", () => {
  it("encodes 32 random bytes as unpadded base64url", () => {
    // Prepare
    const bytes = Array.from({ length: 32 }, (_, i) => 255 - i);
    const { randomBytes, requests } = byteSource(bytes);

    // Act
    const token = newLinkToken(randomBytes);

    // Assess
    expect(requests).toEqual([32]);
    expect(token).toBe(Buffer.from(bytes).toString("base64url"));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  it("gives distinct tokens from the real CSPRNG", () => {
    // Prepare
    const tokens = new Set<string>();

    // Act
    for (let i = 0; i < 1000; i++) tokens.add(newLinkToken(cryptoRandomBytes));

    // Assess
    expect(tokens.size).toBe(1000);
  });

  it("throws a RangeError when the source returns fewer than 32 bytes", () => {
    // Prepare
    const short: RandomBytes = () => new Uint8Array(16);

    // Act
    const act = () => newLinkToken(short);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe("hashLinkToken", () => {
  it("is the SHA-256 of the token in hex", () => {
    // Prepare: the FIPS 180-2 test vector for "abc"
    const token = "abc";

    // Act
    const hash = hashLinkToken(token);

    // Assess
    expect(hash).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("linkBindingMatches", () => {
  const binding: LinkBinding = { caseId: "c_1", recipient: "ana@example.com", purpose: "verify" };

  it.each([
    ["the same binding", binding, true],
    ["another case", { ...binding, caseId: "c_2" }, false],
    ["another recipient", { ...binding, recipient: "eve@example.com" }, false],
    ["another purpose", { ...binding, purpose: "reopen" }, false],
  ])("answers %s", (_label, expected, result) => {
    // Prepare / Act
    const matches = linkBindingMatches(binding, expected);

    // Assess
    expect(matches).toBe(result);
  });
});

describe("linkStatus", () => {
  const binding: LinkBinding = { caseId: "c_1", recipient: "ana@example.com", purpose: "verify" };
  const record = issueLink("hash", binding, T0);

  it("issues a record valid for 30 minutes", () => {
    // Prepare / Act
    const issued = issueLink("hash", binding, T0);

    // Assess
    expect(issued).toEqual({ ...binding, tokenHash: "hash", issuedAt: T0, expiresAt: T0 + 30 * MINUTE });
  });

  it.each([
    ["valid just before 30 min", record, binding, T0 + 30 * MINUTE - 1, "valid"],
    ["expired exactly at 30 min", record, binding, T0 + 30 * MINUTE, "expired"],
    ["used once used", { ...record, usedAt: T0 + MINUTE }, binding, T0 + 2 * MINUTE, "used"],
    ["a mismatch for another purpose", record, { ...binding, purpose: "unlock" }, T0, "mismatch"],
  ] as const)("is %s", (_label, stored, expected, now, status) => {
    // Prepare / Act
    const result = linkStatus(stored, expected, now);

    // Assess
    expect(result).toBe(status);
  });
});

describe("smsTrusted", () => {
  it.each<[string, IncidentType, Signals | undefined, string | undefined, boolean]>([
    ["a phishing case with a phone", "phishing", {}, "+14155550100", true],
    ["a case without signals", "malware", undefined, "+14155550100", true],
    ["a sim_swap case", "sim_swap", {}, "+14155550100", false],
    ["a detected SIM swap on another type", "unauthorized_access", { simSwapDetected: true }, "+14155550100", false],
    ["simSwapDetected false", "unauthorized_access", { simSwapDetected: false }, "+14155550100", true],
    ["no phone", "phishing", {}, undefined, false],
    ["an empty phone", "phishing", {}, "", false],
    ["a blank phone", "phishing", {}, "   ", false],
  ])("answers for %s", (_label, incidentType, signals, phone, expected) => {
    // Prepare / Act
    const result = smsTrusted({ incidentType, signals, phone });

    // Assess
    expect(result).toBe(expected);
  });
});

describe("requiredFactors", () => {
  it.each([
    [true, ["email", "sms"]],
    [false, ["email", "identity"]],
  ])("asks for the right pair when smsTrusted is %s", (trusted, expected) => {
    // Prepare / Act
    const factors = requiredFactors({ smsTrusted: trusted });

    // Assess
    expect(factors).toEqual(expected);
  });
});

describe("factorsSatisfied", () => {
  const v = (email: VerificationState, sms: VerificationState, identity: VerificationState) => ({
    email,
    sms,
    identity,
  });

  it.each([
    ["email + sms with SMS trusted", v("verified", "verified", "pending"), true, true],
    ["email only with SMS trusted", v("verified", "pending", "pending"), true, false],
    ["email + identity but no sms with SMS trusted", v("verified", "pending", "verified"), true, false],
    ["sms only with SMS trusted", v("pending", "verified", "pending"), true, false],
    ["email + identity with SMS dropped", v("verified", "not_used", "verified"), false, true],
    ["email + sms with SMS dropped (sms no longer counts)", v("verified", "verified", "pending"), false, false],
    ["failed email with SMS dropped", v("failed", "not_used", "verified"), false, false],
  ])("answers for %s", (_label, verification, trusted, expected) => {
    // Prepare / Act
    const result = factorsSatisfied(verification, trusted);

    // Assess
    expect(result).toBe(expected);
  });
});
