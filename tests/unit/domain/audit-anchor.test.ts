import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type Anchor,
  type AnchorLeaf,
  anchorHash,
  checkCase,
  GENESIS_ANCHOR_HASH,
  merkleRoot,
  nextStatement,
  statementBytes,
  verifyAnchors,
} from "../../../src/domain/audit-anchor.js";
import { type AuditEvent, GENESIS_HASH, sealEvent } from "../../../src/domain/audit-chain.js";

const keys = generateKeyPairSync("ed25519");
const check = (message: Buffer, signature: string) =>
  verify(null, message, keys.publicKey, Buffer.from(signature, "base64"));

function chain(caseId: string, n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const body = { caseId, seq, at: `2026-11-25T08:00:0${seq}Z`, type: "t", actor: "vigil", detail: { seq } };
    events.push(sealEvent(body, events.at(-1)?.hash ?? GENESIS_HASH));
  }
  return events;
}

function anchor(previous: Anchor | null, heads: AnchorLeaf[], at = "2026-11-25T08:05:00Z"): Anchor {
  const next = nextStatement({ previous, heads, at, keyId: "local:test", algorithm: "ED25519" });
  if (!next) throw new Error("nothing to anchor");
  const signature = sign(null, statementBytes(next.statement), keys.privateKey).toString("base64");
  return { ...next.statement, leaves: next.leaves, signature };
}

const leafOf = (events: AuditEvent[]): AnchorLeaf => {
  const last = events.at(-1) as AuditEvent;
  return { caseId: last.caseId, seq: last.seq, head: last.hash };
};

describe("merkleRoot", () => {
  it("matches the RFC 6962 shape: empty, one leaf, and an unbalanced three", () => {
    // Prepare
    const leaves = ["a", "b", "c"].map((caseId) => ({ caseId, seq: 1, head: "0".repeat(64) }));

    // Act
    const roots = [merkleRoot([]), merkleRoot(leaves.slice(0, 1)), merkleRoot(leaves)];

    // Assess: SHA-256("") for the empty tree; every root differs; order matters.
    expect(roots[0]).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(new Set(roots).size).toBe(3);
    expect(merkleRoot([...leaves].reverse())).not.toBe(roots[2]);
  });
});

describe("nextStatement", () => {
  it("anchors only heads that changed since the previous anchor, and chains to it", () => {
    // Prepare
    const a = chain("c_a", 2);
    const b = chain("c_b", 3);
    const first = anchor(null, [leafOf(a), leafOf(b)]);
    const a3 = chain("c_a", 3);

    // Act
    const next = nextStatement({
      previous: first,
      heads: [leafOf(a3), leafOf(b)],
      at: "2026-11-25T08:10:00Z",
      keyId: "k",
      algorithm: "ED25519",
    });
    const nothing = nextStatement({ previous: first, heads: [leafOf(b)], at: "x", keyId: "k", algorithm: "ED25519" });

    // Assess
    expect(first.prevAnchorHash).toBe(GENESIS_ANCHOR_HASH);
    expect(next?.leaves).toEqual([leafOf(a3)]);
    expect(next?.statement).toMatchObject({ anchorSeq: 2, prevAnchorHash: anchorHash(first), leafCount: 1 });
    expect(nothing).toBeNull();
  });
});

describe("verifyAnchors", () => {
  const a = chain("c_a", 2);
  const first = anchor(null, [leafOf(a)]);
  const second = anchor(first, [leafOf(chain("c_a", 4))], "2026-11-25T08:10:00Z");

  it("accepts a signed, chained sequence and collects the leaves per case", () => {
    // Act
    const result = verifyAnchors([second, first], check);

    // Assess
    expect(result.valid).toBe(true);
    expect(result.anchored.get("c_a")?.map((leaf) => leaf.seq)).toEqual([2, 4]);
    expect(result.last?.anchorSeq).toBe(2);
  });

  it.each([
    [
      "a leaf changed after signing",
      [first, { ...second, leaves: [{ ...second.leaves[0], seq: 3 }] }],
      "root_mismatch",
    ],
    ["a root re-signed by another key", [first, { ...second, signature: first.signature }], "signature_invalid"],
    ["the first anchor deleted", [second], "anchor_missing"],
    ["an anchor chained to nothing", [first, { ...second, prevAnchorHash: GENESIS_ANCHOR_HASH }], "chain_broken"],
  ] as const)("reports %s", (_name, anchors, kind) => {
    // Act
    const result = verifyAnchors(anchors as unknown as Anchor[], check);

    // Assess
    expect(result.valid).toBe(false);
    expect(result.findings.map((finding) => finding.kind)).toContain(kind);
  });
});

describe("checkCase", () => {
  const events = chain("c_a", 4);
  const anchored = [leafOf(events.slice(0, 3))];
  const head = (list: AuditEvent[]) => ({ seq: list.at(-1)?.seq ?? 0, hash: list.at(-1)?.hash ?? GENESIS_HASH });

  it("is ok with events after the anchor, counting them as unanchored", () => {
    // Act
    const report = checkCase({ caseId: "c_a", anchored, head: head(events), events });

    // Assess
    expect(report).toMatchObject({ status: "ok", anchoredSeq: 3, headSeq: 4, unanchoredEvents: 1, findings: [] });
  });

  it("finds an edit even when every hash and the head were recomputed", () => {
    // Prepare
    const forged: AuditEvent[] = [];
    for (const event of events) {
      const detail = event.seq === 2 ? { seq: 99 } : event.detail;
      forged.push(sealEvent({ ...event, detail }, forged.at(-1)?.hash ?? GENESIS_HASH));
    }

    // Act
    const report = checkCase({ caseId: "c_a", anchored, head: head(forged), events: forged });

    // Assess
    expect(report.findings.map((finding) => finding.kind)).toEqual(["event_edited"]);
  });

  it("finds a truncation below the anchor, even with the head moved back", () => {
    // Prepare
    const kept = events.slice(0, 2);

    // Act
    const report = checkCase({ caseId: "c_a", anchored, head: head(kept), events: kept });

    // Assess
    expect(report.findings.map((finding) => finding.kind)).toEqual(["truncated", "head_behind_anchor"]);
  });

  it("finds a deleted event in the middle and a deleted case", () => {
    // Act
    const gap = checkCase({
      caseId: "c_a",
      anchored,
      head: head(events),
      events: [events[0], ...events.slice(2)] as AuditEvent[],
    });
    const gone = checkCase({ caseId: "c_a", anchored, head: null, events: [] });

    // Assess
    expect(gap.findings.map((finding) => finding.kind)).toContain("events_deleted");
    expect(gone.findings.map((finding) => finding.kind)).toContain("case_deleted");
  });

  it("finds the newest events deleted after the last anchor through the case's head", () => {
    // Act
    const report = checkCase({ caseId: "c_a", anchored, head: head(events), events: events.slice(0, 3) });

    // Assess
    expect(report.findings.map((finding) => finding.kind)).toEqual(["head_mismatch"]);
  });
});
