/**
 * Tamper evidence beyond the table, after CloudTrail log-file integrity validation. Pure.
 *
 * The per-case hash chain (`audit-chain.ts`) proves order and integrity only relative to its head, and
 * the head lives in the same table: whoever can write the table can delete events, recompute every
 * hash and the head, or delete a whole case, and the chain still verifies. An **anchor** takes those
 * heads out of the writer's reach: every few minutes (and at once when a case closes) it records, per
 * case whose head changed, the leaf `{caseId, seq, head}`, builds a Merkle tree over the leaves,
 * chains the statement to the previous anchor and signs it with a key no case-writing function can
 * use. The leaves travel with the anchor, so a verifier can check every case, not just the root.
 *
 * For everything up to the last anchor a verifier then detects: an edited event (even with every hash
 * recomputed: the event at an anchored seq no longer has the anchored head), deleted events (a gap at
 * or below an anchored seq), truncation (the last anchored event is gone), a deleted case (anchored,
 * absent from the table), and a tampered, reordered or missing anchor (signature, root, chain, seq).
 */
import { createHash } from "node:crypto";
import { type AuditEvent, type AuditHead, canonicalJson, GENESIS_HASH, verifyChain } from "./audit-chain.js";

/** `prevAnchorHash` of the first anchor. */
export const GENESIS_ANCHOR_HASH = GENESIS_HASH;

/** What a signature was made with: KMS `ECC_NIST_P256` (ECDSA over SHA-256, DER) on AWS, Ed25519 locally. */
export const ANCHOR_ALGORITHMS = ["ECDSA_SHA_256", "ED25519"] as const;
export type AnchorAlgorithm = (typeof ANCHOR_ALGORITHMS)[number];

/** One case's audit head at anchoring time. */
export interface AnchorLeaf {
  caseId: string;
  seq: number;
  head: string;
}

/** The signed part of an anchor. The leaves are covered through `root`. */
export interface AnchorStatement {
  version: 1;
  /** 1, 2, 3… with no gap: a missing anchor shows. */
  anchorSeq: number;
  /** When it was made (ISO): every head it holds was current then. */
  at: string;
  /** `anchorHash` of the previous anchor, `GENESIS_ANCHOR_HASH` for the first. */
  prevAnchorHash: string;
  /** RFC 6962 Merkle tree hash over the leaves, sorted by caseId. */
  root: string;
  leafCount: number;
  /** The signing key (a KMS key ARN, or `local:<fingerprint>`). */
  keyId: string;
  algorithm: AnchorAlgorithm;
}

/** An anchor as stored: the statement, its leaves and the base64 signature over `statementBytes`. */
export interface Anchor extends AnchorStatement {
  leaves: AnchorLeaf[];
  signature: string;
}

const sha256 = (...parts: Array<Uint8Array | string>) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ canonical JSON of the leaf). */
export function leafHash(leaf: AnchorLeaf): Buffer {
  return sha256(Buffer.from([0]), canonicalJson({ caseId: leaf.caseId, seq: leaf.seq, head: leaf.head }));
}

/**
 * RFC 6962 Merkle tree hash (hex) of the leaves in the given order: the empty tree is SHA-256 of
 * nothing; an interior node is SHA-256(0x01 ‖ left ‖ right), split at the largest power of two
 * below the count (the prefixes keep leaves and nodes apart, so neither can pose as the other).
 */
export function merkleRoot(leaves: readonly AnchorLeaf[]): string {
  const hashes = leaves.map(leafHash);
  const tree = (from: number, to: number): Buffer => {
    const count = to - from;
    if (count === 0) return sha256("");
    if (count === 1) return hashes[from] as Buffer;
    let split = 1;
    while (split * 2 < count) split *= 2;
    return sha256(Buffer.from([1]), tree(from, from + split), tree(from + split, to));
  };
  return tree(0, hashes.length).toString("hex");
}

/** Leaves in anchor order: by caseId (UTF-16 code units), one per case. */
export function sortLeaves(leaves: readonly AnchorLeaf[]): AnchorLeaf[] {
  return [...leaves].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
}

function statementOf(anchor: AnchorStatement): AnchorStatement {
  return {
    version: anchor.version,
    anchorSeq: anchor.anchorSeq,
    at: anchor.at,
    prevAnchorHash: anchor.prevAnchorHash,
    root: anchor.root,
    leafCount: anchor.leafCount,
    keyId: anchor.keyId,
    algorithm: anchor.algorithm,
  };
}

/** The bytes a signer signs: canonical JSON of exactly the statement's fields. */
export function statementBytes(anchor: AnchorStatement): Buffer {
  return Buffer.from(canonicalJson(statementOf(anchor)), "utf8");
}

/** What the next anchor chains to: SHA-256 over the statement and its signature (hex). */
export function anchorHash(anchor: Anchor): string {
  return sha256(canonicalJson({ ...statementOf(anchor), signature: anchor.signature })).toString("hex");
}

/**
 * The next anchor's statement and leaves (unsigned). A leaf is kept only when its case's head is not
 * already the one `previous` holds, so an unchanged case is not anchored again.
 *
 * @returns null when nothing changed (no anchor is written for an empty set).
 */
export function nextStatement(input: {
  previous: Anchor | null;
  heads: readonly AnchorLeaf[];
  at: string;
  keyId: string;
  algorithm: AnchorAlgorithm;
}): { statement: AnchorStatement; leaves: AnchorLeaf[] } | null {
  const known = new Map(input.previous?.leaves.map((leaf) => [leaf.caseId, leaf]) ?? []);
  const byCase = new Map<string, AnchorLeaf>();
  for (const head of input.heads) {
    const seen = known.get(head.caseId);
    if (head.seq === 0 || (seen && seen.seq === head.seq && seen.head === head.head)) continue;
    const other = byCase.get(head.caseId);
    if (!other || head.seq > other.seq)
      byCase.set(head.caseId, { caseId: head.caseId, seq: head.seq, head: head.head });
  }
  if (byCase.size === 0) return null;
  const leaves = sortLeaves([...byCase.values()]);
  return {
    leaves,
    statement: {
      version: 1,
      anchorSeq: (input.previous?.anchorSeq ?? 0) + 1,
      at: input.at,
      prevAnchorHash: input.previous ? anchorHash(input.previous) : GENESIS_ANCHOR_HASH,
      root: merkleRoot(leaves),
      leafCount: leaves.length,
      keyId: input.keyId,
      algorithm: input.algorithm,
    },
  };
}

/** Something wrong with the anchors themselves. */
export interface AnchorFinding {
  anchorSeq: number;
  kind: "signature_invalid" | "root_mismatch" | "chain_broken" | "anchor_missing" | "malformed";
  detail: string;
}

/** The anchors checked, and what they hold per case: every anchored leaf, oldest first. */
export interface AnchorCheck {
  valid: boolean;
  findings: AnchorFinding[];
  count: number;
  last: { anchorSeq: number; at: string; root: string } | null;
  anchored: Map<string, AnchorLeaf[]>;
}

/**
 * Checks the anchors in seq order: seqs run 1, 2, 3… with no gap, each chains to its predecessor's
 * hash, its root recomputes from its leaves (sorted, one per case), and its signature verifies.
 * The leaves of every anchor are collected per case, whatever its findings (a verifier reports all).
 *
 * @param checkSignature - verifies `signature` (base64) over `message` with the public key.
 */
export function verifyAnchors(
  anchors: readonly Anchor[],
  checkSignature: (message: Buffer, signature: string, algorithm: AnchorAlgorithm) => boolean,
): AnchorCheck {
  const sorted = [...anchors].sort((a, b) => a.anchorSeq - b.anchorSeq);
  const findings: AnchorFinding[] = [];
  const anchored = new Map<string, AnchorLeaf[]>();
  let previous: Anchor | null = null;
  for (const [index, anchor] of sorted.entries()) {
    const seq = anchor.anchorSeq;
    const expectedSeq = (previous?.anchorSeq ?? 0) + 1;
    if (seq !== expectedSeq) {
      const detail =
        seq < expectedSeq ? `anchor ${seq} appears twice` : `anchors ${expectedSeq} to ${seq - 1} are missing`;
      findings.push({ anchorSeq: seq, kind: "anchor_missing", detail });
    }
    const prevHash = previous ? anchorHash(previous) : index === 0 && seq === 1 ? GENESIS_ANCHOR_HASH : null;
    if (prevHash !== null && anchor.prevAnchorHash !== prevHash) {
      findings.push({
        anchorSeq: seq,
        kind: "chain_broken",
        detail: "prevAnchorHash is not the previous anchor's hash",
      });
    }
    const leaves = Array.isArray(anchor.leaves) ? anchor.leaves : [];
    const sortedLeaves = sortLeaves(leaves);
    const unique = new Set(leaves.map((leaf) => leaf.caseId)).size === leaves.length;
    if (
      !unique ||
      sortedLeaves.some((leaf, i) => leaf !== leaves[i]) ||
      anchor.leafCount !== leaves.length ||
      merkleRoot(leaves) !== anchor.root
    ) {
      findings.push({ anchorSeq: seq, kind: "root_mismatch", detail: "the leaves do not hash to the signed root" });
    }
    let signed = false;
    try {
      signed = checkSignature(statementBytes(anchor), anchor.signature, anchor.algorithm);
    } catch {
      signed = false;
    }
    if (!signed) findings.push({ anchorSeq: seq, kind: "signature_invalid", detail: "the signature does not verify" });
    for (const leaf of leaves) {
      const list = anchored.get(leaf.caseId) ?? [];
      list.push(leaf);
      anchored.set(leaf.caseId, list);
    }
    previous = anchor;
  }
  const last = sorted.at(-1);
  return {
    valid: findings.length === 0,
    findings,
    count: sorted.length,
    last: last ? { anchorSeq: last.anchorSeq, at: last.at, root: last.root } : null,
    anchored,
  };
}

/** What a verifier found wrong with one case. */
export interface CaseFinding {
  kind:
    | "case_deleted"
    | "events_deleted"
    | "truncated"
    | "event_edited"
    | "chain_broken"
    | "head_mismatch"
    | "head_behind_anchor"
    | "unreadable";
  /** The first seq concerned, where there is one. */
  seq?: number;
  detail: string;
}

/** A case as the verifier sees it. */
export interface CaseAuditReport {
  caseId: string;
  status: "ok" | "tampered";
  /** The newest anchored seq, or null when the case was never anchored yet. */
  anchoredSeq: number | null;
  /** The case item's head seq (null: the item is gone). */
  headSeq: number | null;
  /** Events newer than the last anchor: protected by the hash chain only, until the next anchor. */
  unanchoredEvents: number;
  findings: CaseFinding[];
}

/**
 * Checks one case against every leaf anchored for it.
 *
 * @param input.head - the case item's audit head (`null`: the case item is gone).
 * @param input.events - its events (stored items and the item's outbox), at or below `head.seq`.
 */
export function checkCase(input: {
  caseId: string;
  anchored: readonly AnchorLeaf[];
  head: AuditHead | null;
  events: readonly AuditEvent[];
}): CaseAuditReport {
  const findings: CaseFinding[] = [];
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  const bySeq = new Map(events.map((event) => [event.seq, event]));
  const anchoredSeq = input.anchored.reduce<number | null>((max, leaf) => Math.max(max ?? 0, leaf.seq), null);
  const lastStored = events.at(-1)?.seq ?? 0;

  if (input.head === null && anchoredSeq !== null) {
    findings.push({
      kind: "case_deleted",
      detail: `the case is anchored up to event ${anchoredSeq} but is not in the table`,
    });
  }
  if (anchoredSeq !== null) {
    const missing: number[] = [];
    for (let seq = 1; seq <= anchoredSeq; seq++) if (!bySeq.has(seq)) missing.push(seq);
    if (missing.length > 0 && lastStored < anchoredSeq) {
      findings.push({
        kind: "truncated",
        seq: lastStored + 1,
        detail: `events ${lastStored + 1} to ${anchoredSeq} were anchored and are gone`,
      });
    }
    const gaps = missing.filter((seq) => seq <= lastStored);
    if (gaps.length > 0) {
      findings.push({
        kind: "events_deleted",
        seq: gaps[0],
        detail: `${gaps.length} anchored event(s) missing, first ${gaps[0]}`,
      });
    }
    for (const leaf of input.anchored) {
      const event = bySeq.get(leaf.seq);
      if (event && event.hash !== leaf.head) {
        findings.push({
          kind: "event_edited",
          seq: leaf.seq,
          detail: `event ${leaf.seq} does not have the anchored hash: it or an earlier event changed`,
        });
      }
    }
    if (input.head !== null && input.head.seq < anchoredSeq) {
      findings.push({
        kind: "head_behind_anchor",
        seq: input.head.seq,
        detail: `the case's head is at ${input.head.seq}, below the anchored ${anchoredSeq}`,
      });
    }
  }
  const chain = verifyChain(events);
  if (!chain.valid) {
    findings.push({
      kind: "chain_broken",
      seq: chain.brokenAt,
      detail: `the hash chain breaks at event ${chain.brokenAt}`,
    });
  } else if (input.head !== null && chain.valid && !verifyChain(events, input.head).valid) {
    findings.push({
      kind: "head_mismatch",
      seq: Math.min(lastStored, input.head.seq) + 1,
      detail: `the case's head (${input.head.seq}) is not its last event (${lastStored})`,
    });
  }
  const headSeq = input.head?.seq ?? null;
  return {
    caseId: input.caseId,
    status: findings.length === 0 ? "ok" : "tampered",
    anchoredSeq,
    headSeq,
    unanchoredEvents: Math.max(0, (headSeq ?? lastStored) - (anchoredSeq ?? 0)),
    findings,
  };
}
