/**
 * Standard Webhooks 1.0 signing and verification (https://www.standardwebhooks.com/), used both for
 * reports coming in and for lock/unlock webhooks going out to the provider. Pure: the current time
 * is passed in, so the local virtual clock governs timestamp tolerance.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** A `whsec_` secret that is malformed or of the wrong size. The message never contains the secret. */
export class InvalidSecretError extends Error {
  override name = "InvalidSecretError" as const;
}

const SECRET_PREFIX = "whsec_";
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
/** Standard base64 (the spec's alphabet), padding optional. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes a `whsec_<base64>` secret into its key bytes (24–64 bytes, per the spec).
 *
 * @throws InvalidSecretError when the prefix is missing, the base64 is not canonical, or the size is out of range.
 */
export function parseSecret(secret: string): Uint8Array {
  if (typeof secret !== "string" || !secret.startsWith(SECRET_PREFIX)) {
    throw new InvalidSecretError(`webhook secret must start with "${SECRET_PREFIX}"`);
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  // Buffer.from(…, "base64") silently skips junk; insist on canonical base64 so a truncated or
  // mangled secret fails at cold start instead of never matching a signature.
  const unpadded = encoded.replace(/=+$/, "");
  if (!BASE64.test(encoded) || (encoded.includes("=") && encoded.length % 4 !== 0)) {
    throw new InvalidSecretError("webhook secret is not valid base64");
  }
  const key = Buffer.from(encoded, "base64");
  if (key.toString("base64").replace(/=+$/, "") !== unpadded) {
    throw new InvalidSecretError("webhook secret is not valid base64");
  }
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new InvalidSecretError(
      `webhook secret must be ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} bytes, got ${key.length}`,
    );
  }
  return new Uint8Array(key);
}

/**
 * A short name for a key that reveals nothing about it (12 hex characters of its SHA-256): which
 * secret verified a report, for per-sender limits and logs, without the secret itself.
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/** Encodes key bytes as a `whsec_` secret (e.g. to print a generated default for local use). */
export function formatSecret(key: Uint8Array): string {
  return `${SECRET_PREFIX}${Buffer.from(key).toString("base64")}`;
}

function hmacBase64(secret: Uint8Array, id: string, timestampSeconds: number, body: string): string {
  return createHmac("sha256", secret).update(`${id}.${timestampSeconds}.${body}`, "utf8").digest("base64");
}

/**
 * The `webhook-signature` value for a message: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 *
 * @throws RangeError when `timestampSeconds` is not a non-negative safe integer (the header is an integer).
 */
export function signPayload(input: { secret: Uint8Array; id: string; timestampSeconds: number; body: string }): string {
  if (!Number.isSafeInteger(input.timestampSeconds) || input.timestampSeconds < 0) {
    throw new RangeError("timestampSeconds must be a non-negative integer");
  }
  return `v1,${hmacBase64(input.secret, input.id, input.timestampSeconds, input.body)}`;
}

/** The three Standard Webhooks headers, as received (any may be missing). */
export interface WebhookHeaders {
  id?: string;
  timestamp?: string;
  signature?: string;
}

/** Why a webhook was rejected. All of them answer 401; the reason is for logs and metrics. */
export type WebhookRejection =
  | "missing_headers"
  | "bad_timestamp"
  | "timestamp_out_of_tolerance"
  | "no_matching_signature";

/** The verdict on an incoming webhook. */
export type WebhookVerification =
  | {
      ok: true;
      id: string;
      timestampSeconds: number /** Index in `secrets` of the key that matched. */;
      keyIndex: number;
    }
  | { ok: false; reason: WebhookRejection };

/** Default tolerance between the sender's timestamp and now, either way (replay window). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Integer seconds, as the spec writes them; no sign, fraction or exponent. */
const TIMESTAMP = /^\d{1,15}$/;

/**
 * Verifies a Standard Webhooks message against every active secret (several during rotation).
 * Checks run cheapest first: headers, timestamp within ±`toleranceSeconds`, then signatures. Each
 * `v1,` entry in the space-separated signature list is compared in constant time; entries of other
 * versions are ignored. Never throws.
 */
export function verifyWebhook(input: {
  headers: WebhookHeaders;
  body: string;
  secrets: readonly Uint8Array[];
  nowSeconds: number;
  toleranceSeconds?: number;
}): WebhookVerification {
  const { id, timestamp, signature } = input.headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing_headers" };
  const trimmed = timestamp.trim();
  if (!TIMESTAMP.test(trimmed)) return { ok: false, reason: "bad_timestamp" };
  const timestampSeconds = Number(trimmed);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(input.nowSeconds - timestampSeconds) > tolerance) {
    return { ok: false, reason: "timestamp_out_of_tolerance" };
  }

  const candidates = signature
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => Buffer.from(entry.slice(3), "utf8"));
  // One HMAC per secret, however many entries the header lists.
  const expected = input.secrets.map((secret) =>
    Buffer.from(hmacBase64(secret, id, timestampSeconds, input.body), "utf8"),
  );
  for (const [keyIndex, want] of expected.entries()) {
    for (const got of candidates) {
      // Lengths are public (always 44 base64 chars); only equal-length buffers are comparable.
      if (got.length === want.length && timingSafeEqual(got, want)) return { ok: true, id, timestampSeconds, keyIndex };
    }
  }
  return { ok: false, reason: "no_matching_signature" };
}
