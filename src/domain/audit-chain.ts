/**
 * The tamper-evident audit trail: every case event carries the SHA-256 of the previous one, so an
 * edit, deletion, insertion or reordering anywhere breaks the chain from that point on. Pure.
 *
 * A hash chain without a key only proves integrity relative to its head: whoever can rewrite the
 * whole table can recompute every hash. Keep the latest head (`AuditHead`) on the case item and pass
 * it to `verifyChain` to also detect truncation of the newest events.
 */
import { createHash } from "node:crypto";

/** `prevHash` of the first event of every case. */
export const GENESIS_HASH = "0".repeat(64);

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Deterministic JSON: object keys sorted by UTF-16 code units at every depth, no whitespace, and
 * otherwise exactly `JSON.stringify` semantics (`toJSON` honoured, `undefined`/functions/symbols
 * dropped from objects and `null` in arrays, non-finite numbers `null`). For JSON data this is the
 * RFC 8785 (JCS) form, and it is stable across a JSON round trip — what storage does to an event.
 *
 * @throws TypeError for a BigInt, a cycle, or a top-level value JSON cannot represent (e.g. `undefined`).
 */
export function canonicalJson(value: unknown): string {
  const out = serialise(value, new Set());
  if (out === undefined) throw new TypeError("value has no JSON representation");
  return out;
}

function serialise(input: unknown, ancestors: Set<object>): string | undefined {
  let value = input;
  if (typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("BigInt has no JSON representation");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError("cannot serialise a cyclic structure");
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item: unknown) => serialise(item, ancestors) ?? "null").join(",")}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    // Default sort compares UTF-16 code units, as JCS requires (not locale order, not numeric-first).
    for (const key of Object.keys(record).sort()) {
      const member = serialise(record[key], ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(object);
  }
}

/** What a use case records. `seq` starts at 1 per case; `at` is an ISO-8601 instant. */
export interface AuditEventBody {
  caseId: string;
  seq: number;
  at: string;
  type: string;
  actor: string;
  detail: Record<string, unknown>;
}

/** A sealed event: the body plus its link to the previous event and its own hash. */
export interface AuditEvent extends AuditEventBody {
  prevHash: string;
  hash: string;
}

/** The newest event of a chain, as kept on the case to detect truncation. Empty chain: seq 0, GENESIS_HASH. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/**
 * Exactly the fields the hash covers. Picking them (rather than hashing whatever the object holds)
 * means storage attributes added later, such as table keys, never break verification.
 */
function hashOf(event: AuditEventBody & { prevHash: string }): string {
  const covered = {
    caseId: event.caseId,
    seq: event.seq,
    at: event.at,
    type: event.type,
    actor: event.actor,
    detail: event.detail,
    prevHash: event.prevHash,
  };
  return createHash("sha256").update(canonicalJson(covered), "utf8").digest("hex");
}

/**
 * Seals an event onto a chain: `hash = SHA-256(canonicalJson({...body, prevHash}))`, hex.
 *
 * @param prevHash - the previous event's `hash`, or `GENESIS_HASH` for seq 1.
 * @throws RangeError when `prevHash` is not 64 lowercase hex characters.
 * @throws TypeError when `detail` cannot be serialised (see `canonicalJson`).
 */
export function sealEvent(body: AuditEventBody, prevHash: string): AuditEvent {
  if (!SHA256_HEX.test(prevHash)) throw new RangeError("prevHash must be a lowercase hex SHA-256");
  const unsealed = {
    caseId: body.caseId,
    seq: body.seq,
    at: body.at,
    type: body.type,
    actor: body.actor,
    detail: body.detail,
    prevHash,
  };
  return { ...unsealed, hash: hashOf(unsealed) };
}

/** The result of checking a chain. `brokenAt` is the first seq that does not verify. */
export interface ChainVerification {
  valid: boolean;
  brokenAt?: number;
}

function verifiesAt(events: readonly AuditEvent[], index: number): boolean {
  const event = events[index];
  const first = events[0];
  if (typeof event !== "object" || event === null || first === undefined) return false;
  const prevHash = index === 0 ? GENESIS_HASH : events[index - 1]?.hash;
  return (
    event.seq === index + 1 &&
    event.caseId === first.caseId &&
    event.prevHash === prevHash &&
    typeof event.hash === "string" &&
    event.hash === hashOf(event)
  );
}

/**
 * Checks a case's events in stored order: seqs run 1, 2, 3… with no gap, every event belongs to the
 * first event's case, links to its predecessor's hash, and its own hash recomputes. With `head`, the
 * chain must also end exactly there (detects deleted newest events). Never throws: malformed
 * events read from storage are a broken chain, not a crash.
 */
export function verifyChain(events: readonly AuditEvent[], head?: AuditHead): ChainVerification {
  for (let index = 0; index < events.length; index++) {
    let ok: boolean;
    try {
      ok = verifiesAt(events, index);
    } catch {
      ok = false;
    }
    if (!ok) return { valid: false, brokenAt: index + 1 };
  }
  if (head !== undefined) {
    const last = events[events.length - 1];
    const lastSeq = last?.seq ?? 0;
    const lastHash = last?.hash ?? GENESIS_HASH;
    if (lastSeq !== head.seq) return { valid: false, brokenAt: Math.min(lastSeq, head.seq) + 1 };
    if (lastHash !== head.hash) return { valid: false, brokenAt: head.seq };
  }
  return { valid: true };
}

/** The head of a (verified) chain, to store on the case alongside the newest event. */
export function chainHead(events: readonly AuditEvent[]): AuditHead {
  const last = events[events.length - 1];
  return last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: last.seq, hash: last.hash };
}
