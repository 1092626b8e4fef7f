/**
 * Reporter verification rules: one-time codes, email-link tokens, send limits, failure throttling
 * and which channels a case may trust. Pure: time comes in as epoch milliseconds and randomness
 * through an injected `randomBytes`, so the local virtual clock and tests need no mocking.
 *
 * Sources: NIST SP 800-63B §5.1.3 (out-of-band) and §5.2.2 (rate limiting), OWASP ASVS V2.7,
 * Twilio Verify defaults (10 min validity, 5 check attempts, 3 sends per 10 min).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncidentType, Priority, Signals, VerificationState } from "./types.js";

/** A source of cryptographically secure random bytes (`crypto.randomBytes` in production). */
export type RandomBytes = (n: number) => Uint8Array;

/** The verification knobs. Durations are milliseconds. */
export interface VerificationPolicy {
  /** Digits of an SMS code for P2–P4 cases. */
  codeDigits: number;
  /** Digits for P1 cases: the accounts at stake justify 100× the guessing resistance. */
  codeDigitsP1: number;
  /** How long a code may be entered after it was issued. */
  codeTtlMs: number;
  /** Wrong entries that kill a code. */
  maxCodeAttempts: number;
  /** Codes sent to one destination within `sendWindowMs` (sliding). */
  maxSendsPerWindow: number;
  sendWindowMs: number;
  /** Validity of an email confirmation link. */
  linkTtlMs: number;
  /** Consecutive failures (within `failureWindowMs`) from which verification is locked. */
  lockoutAfterFailures: number;
  failureWindowMs: number;
  /** Lock length at the first locking failure; doubles per further failure up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The defaults of docs/product.md "Verification" (NIST SP 800-63B, OWASP ASVS V2.7, Twilio Verify). */
export const VERIFICATION_POLICY: Readonly<VerificationPolicy> = Object.freeze({
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
  backoffMaxMs: 1 * HOUR,
});

/** The number of code digits for a case of this priority. */
export function codeDigitsFor(priority: Priority, policy: Readonly<VerificationPolicy> = VERIFICATION_POLICY): number {
  return priority === "P1" ? policy.codeDigitsP1 : policy.codeDigits;
}

// ---------------------------------------------------------------------------------------------
// Codes
// ---------------------------------------------------------------------------------------------

/**
 * Bytes at or above this value are discarded: 250 is the largest multiple of 10 that fits in a
 * byte, so `byte % 10` over 0..249 is exactly uniform. Using 250..255 as well would make the digits
 * 0–5 slightly likelier than 6–9 (modulo bias).
 */
const UNBIASED_BYTE_LIMIT = 250;
/** A CSPRNG rejects a byte with p = 6/256; needing this many rounds means a broken source. */
const MAX_SAMPLING_ROUNDS = 1000;

/**
 * A uniformly random numeric code of `digits` digits, leading zeros kept (it is a string, not a
 * number). Uses rejection sampling, so every digit is exactly uniform.
 *
 * @throws RangeError when `digits` is not an integer in 1..64, or when `randomBytes` keeps
 *   returning nothing usable (a broken source must fail loudly, never yield a weak code).
 */
export function generateCode(digits: number, randomBytes: RandomBytes): string {
  if (!Number.isInteger(digits) || digits < 1 || digits > 64) {
    throw new RangeError(`digits must be an integer in 1..64, got ${digits}`);
  }
  let code = "";
  for (let round = 0; code.length < digits; round++) {
    if (round >= MAX_SAMPLING_ROUNDS) {
      throw new RangeError("randomBytes returned no usable bytes; refusing to issue a code");
    }
    // Ask only for what is still missing; rejected bytes are simply replaced next round.
    for (const byte of randomBytes(digits - code.length)) {
      if (byte < UNBIASED_BYTE_LIMIT && code.length < digits) {
        code += String(byte % 10);
      }
    }
  }
  return code;
}

/**
 * The stored form of a code: HMAC-SHA-256 keyed with a server-side pepper, hex. A 6-digit code has
 * only 10^6 values, so a plain hash would be reversed instantly from a leaked table; the pepper
 * (kept in Secrets Manager, not in DynamoDB) makes the stored value useless on its own. The case id
 * is mixed in so the same code on two cases never hashes alike.
 */
export function hashCode(pepper: string | Uint8Array, caseId: string, code: string): string {
  return createHmac("sha256", pepper).update(`${caseId}:${code}`, "utf8").digest("hex");
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Whether `code` is the code whose hash is `storedHash`, compared in constant time. Returns false
 * (never throws) for any malformed input, because it runs on public endpoints where any value may
 * arrive and an exception would be a distinguishable answer.
 */
export function codeMatches(pepper: string | Uint8Array, caseId: string, code: string, storedHash: string): boolean {
  try {
    if (typeof code !== "string" || typeof caseId !== "string" || typeof storedHash !== "string") return false;
    if (!SHA256_HEX.test(storedHash)) return false;
    const candidate = Buffer.from(hashCode(pepper, caseId, code), "hex");
    return timingSafeEqual(candidate, Buffer.from(storedHash, "hex"));
  } catch {
    return false;
  }
}

/** A code as the case stores it. Times are epoch ms. */
export interface CodeState {
  /** `hashCode(...)` of the code; the code itself is never stored or logged. */
  hash: string;
  issuedAt: number;
  expiresAt: number;
  /** Wrong entries so far. */
  attempts: number;
  /** True once the code verified (single use) or ran out of attempts. */
  spent: boolean;
}

/** A fresh code state for a code issued at `now` (a resend issues a new code and a new state). */
export function issueCode(
  hash: string,
  now: number,
  policy: Readonly<VerificationPolicy> = VERIFICATION_POLICY,
): CodeState {
  return { hash, issuedAt: now, expiresAt: now + policy.codeTtlMs, attempts: 0, spent: false };
}

/** The outcome of one code entry. */
export type CodeOutcome = "verified" | "invalid" | "expired" | "spent";

/** What `checkCode` decided and the state to persist. */
export interface CodeCheck {
  outcome: CodeOutcome;
  next: CodeState;
  /** Entries this code still accepts; 0 once it is verified, spent or expired (ask for a new one). */
  attemptsLeft: number;
}

/**
 * One entry against a code. The caller compares the candidate (`codeMatches`) and passes the
 * verdict, so this stays free of secrets. Order matters: a spent or expired code never verifies,
 * even with the right digits, and the expiry instant itself is already expired.
 */
export function checkCode(
  state: CodeState,
  candidateMatches: boolean,
  now: number,
  policy: Readonly<VerificationPolicy> = VERIFICATION_POLICY,
): CodeCheck {
  if (state.spent) return { outcome: "spent", next: state, attemptsLeft: 0 };
  if (now >= state.expiresAt) return { outcome: "expired", next: state, attemptsLeft: 0 };
  if (candidateMatches) return { outcome: "verified", next: { ...state, spent: true }, attemptsLeft: 0 };
  const attempts = state.attempts + 1;
  const attemptsLeft = Math.max(0, policy.maxCodeAttempts - attempts);
  return { outcome: "invalid", next: { ...state, attempts, spent: attemptsLeft === 0 }, attemptsLeft };
}

/** Whether a send to one destination is allowed now. */
export interface SendDecision {
  allowed: boolean;
  /** When blocked: how long until the oldest counted send leaves the window. */
  retryAfterMs?: number;
  /**
   * The sends still inside the window, ascending: persist this (plus `now` if you do send) so the
   * list never grows beyond the window.
   */
  recentSends: number[];
}

/**
 * The per-destination send limit (3 per 10 min, sliding). A send at `t` counts while
 * `now < t + window`. Future-dated entries (clock skew) are counted, erring on the side of fewer sends.
 */
export function canSendCode(
  sendTimes: readonly number[],
  now: number,
  policy: Readonly<VerificationPolicy> = VERIFICATION_POLICY,
): SendDecision {
  const recentSends = sendTimes
    .filter((t) => Number.isFinite(t) && now - t < policy.sendWindowMs)
    .sort((a, b) => a - b);
  if (recentSends.length < policy.maxSendsPerWindow) return { allowed: true, recentSends };
  // The count drops below the limit once the send that would be the limit-th-newest expires.
  const gatekeeper = recentSends[recentSends.length - policy.maxSendsPerWindow] ?? now;
  return { allowed: false, retryAfterMs: Math.max(1, gatekeeper + policy.sendWindowMs - now), recentSends };
}

// ---------------------------------------------------------------------------------------------
// Failure throttling (NIST SP 800-63B §5.2.2)
// ---------------------------------------------------------------------------------------------

/** Consecutive verification failures for a reporter on a case. */
export interface FailureState {
  consecutive: number;
  /** First failure of the current 24 h window. */
  firstAt: number;
  /** Set from the lock-out threshold on: no verification is evaluated before this instant. */
  lockedUntil?: number;
}

/**
 * Records a failed verification (wrong code, bad token, …). The count resets when the window that
 * began at the first failure has passed. From the `lockoutAfterFailures`-th failure on, verification
 * locks for 30 s, doubling with each further failure, capped at 1 h. Callers check `isLocked` first
 * and do not evaluate (nor record) attempts while locked.
 */
export function recordFailure(
  state: FailureState | undefined,
  now: number,
  policy: Readonly<VerificationPolicy> = VERIFICATION_POLICY,
): FailureState {
  const fresh = state === undefined || now - state.firstAt >= policy.failureWindowMs;
  const consecutive = fresh ? 1 : state.consecutive + 1;
  const firstAt = fresh ? now : state.firstAt;
  const over = consecutive - policy.lockoutAfterFailures;
  if (over < 0) return { consecutive, firstAt };
  // Capping the exponent keeps 2**n finite however long an attacker keeps going.
  const backoff = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(over, 52));
  return { consecutive, firstAt, lockedUntil: now + backoff };
}

/** A successful verification clears the failure record (it is deleted, hence `undefined`). */
export function recordSuccess(): undefined {
  return undefined;
}

/** Whether verification is locked at `now`, and for how long. */
export function isLocked(state: FailureState | undefined, now: number): { locked: boolean; retryAfterMs?: number } {
  if (state?.lockedUntil === undefined || now >= state.lockedUntil) return { locked: false };
  return { locked: true, retryAfterMs: state.lockedUntil - now };
}

// ---------------------------------------------------------------------------------------------
// Email-link tokens
// ---------------------------------------------------------------------------------------------

const LINK_TOKEN_BYTES = 32;

/**
 * A fresh email-link token: 32 random bytes (256 bits, above the ≥ 128 bits ASVS asks for),
 * base64url so it sits in a URL path unescaped.
 *
 * @throws RangeError when `randomBytes` returns fewer bytes than asked.
 */
export function newLinkToken(randomBytes: RandomBytes): string {
  const bytes = randomBytes(LINK_TOKEN_BYTES);
  if (bytes.length < LINK_TOKEN_BYTES) throw new RangeError("randomBytes returned too few bytes for a link token");
  return Buffer.from(bytes.subarray(0, LINK_TOKEN_BYTES)).toString("base64url");
}

/**
 * The stored form of a link token: SHA-256, hex. Unlike codes, tokens carry 256 bits of entropy,
 * so nobody can enumerate candidates against a leaked hash and no key (pepper) is needed; hashing
 * still means a read of the table does not yield working links. Being unkeyed also lets the
 * token's hash serve directly as the lookup key.
 */
export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What a link token is bound to. A token for one purpose must never act for another. */
export interface LinkBinding {
  caseId: string;
  /** The address the link was sent to, normalised by the caller before both storing and checking. */
  recipient: string;
  /** E.g. "verify" or "reopen". */
  purpose: string;
}

/** Whether a stored token record is bound to exactly the expected case, recipient and purpose. */
export function linkBindingMatches(record: LinkBinding, expected: LinkBinding): boolean {
  return (
    record.caseId === expected.caseId && record.recipient === expected.recipient && record.purpose === expected.purpose
  );
}

/** A link token as stored (found by its hash). */
export interface LinkRecord extends LinkBinding {
  tokenHash: string;
  issuedAt: number;
  expiresAt: number;
  /** Set when the POST from the link's page acted; links are single use. */
  usedAt?: number;
}

/** A link record for a token issued at `now`. */
export function issueLink(
  tokenHash: string,
  binding: LinkBinding,
  now: number,
  policy: Readonly<VerificationPolicy> = VERIFICATION_POLICY,
): LinkRecord {
  return { ...binding, tokenHash, issuedAt: now, expiresAt: now + policy.linkTtlMs };
}

/**
 * Whether a link may act now. "mismatch" and "expired" should get the same public answer as an
 * unknown token, so the endpoint does not reveal which tokens exist.
 */
export function linkStatus(
  record: LinkRecord,
  expected: LinkBinding,
  now: number,
): "valid" | "used" | "expired" | "mismatch" {
  if (!linkBindingMatches(record, expected)) return "mismatch";
  if (record.usedAt !== undefined) return "used";
  if (now >= record.expiresAt) return "expired";
  return "valid";
}

// ---------------------------------------------------------------------------------------------
// Channels and factors
// ---------------------------------------------------------------------------------------------

/** A verification factor. */
export type Factor = "email" | "sms" | "identity";

/**
 * Whether SMS may be used for this case at all (verification and notifications). After a SIM swap
 * the attacker receives the texts, so SMS is dropped for the case; without a phone there is no SMS.
 */
export function smsTrusted(input: { incidentType: IncidentType; signals?: Signals; phone?: string | null }): boolean {
  if (typeof input.phone !== "string" || input.phone.trim() === "") return false;
  return input.incidentType !== "sim_swap" && input.signals?.simSwapDetected !== true;
}

/**
 * The two factors a case needs: email plus SMS, or email plus an agent's manual identity check
 * when SMS cannot be trusted (NIST: a second factor over an independent channel).
 */
export function requiredFactors(input: { smsTrusted: boolean }): Factor[] {
  return input.smsTrusted ? ["email", "sms"] : ["email", "identity"];
}

/**
 * Whether every required factor is verified. An SMS verification never counts for a case whose SMS
 * is not trusted, even if it was recorded before the SIM swap became known.
 */
export function factorsSatisfied(verification: Record<Factor, VerificationState>, smsTrusted: boolean): boolean {
  return requiredFactors({ smsTrusted }).every((factor) => verification[factor] === "verified");
}
