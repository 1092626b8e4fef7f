import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AuditEvent,
  type AuditEventBody,
  canonicalJson,
  chainHead,
  GENESIS_HASH,
  sealEvent,
  verifyChain,
} from "../../../src/domain/audit-chain.js";

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);

function body(seq: number, overrides: Partial<AuditEventBody> = {}): AuditEventBody {
  return {
    caseId: "c_1",
    seq,
    at: new Date(T0 + seq * 1000).toISOString(),
    type: seq === 1 ? "case.opened" : "case.updated",
    actor: "system",
    detail: { step: seq, nested: { b: 2, a: [1, "x", null] } },
    ...overrides,
  };
}

/** A valid chain of n events for case c_1. */
function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let seq = 1; seq <= n; seq++) events.push(sealEvent(body(seq), events.at(-1)?.hash ?? GENESIS_HASH));
  return events;
}

/** Reverses insertion order of keys at every depth: same data, different layout. */
function reorderKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorderKeys);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, {
      value: reorderKeys((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe("canonicalJson", () => {
  it.each<[string, unknown, string]>([
    ["sorts keys", { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ["sorts nested keys", { z: { y: 1, x: [{ d: 1, c: 2 }] } }, '{"z":{"x":[{"c":2,"d":1}],"y":1}}'],
    ["keeps array order", [3, 1, 2], "[3,1,2]"],
    ["sorts by code unit, not numerically", { "2": 0, "10": 0, a: 0, B: 0 }, '{"10":0,"2":0,"B":0,"a":0}'],
    ["drops undefined members", { a: undefined, b: 1 }, '{"b":1}'],
    ["writes undefined array items as null", [undefined, 1], "[null,1]"],
    ["drops functions and symbols", { f: () => 1, s: Symbol("s"), k: 1 }, '{"k":1}'],
    ["writes non-finite numbers as null", [Number.NaN, Number.POSITIVE_INFINITY], "[null,null]"],
    ["writes -0 as 0", -0, "0"],
    ["honours toJSON (dates become ISO strings)", { at: new Date(T0) }, `{"at":"${new Date(T0).toISOString()}"}`],
    [
      "escapes like JSON.stringify",
      { 'quo"te': "line\nbreak \u2028 é \ud800" },
      JSON.stringify({ 'quo"te': "line\nbreak \u2028 é \ud800" }),
    ],
    ["keeps primitives", [true, false, null, "s", 1.5], '[true,false,null,"s",1.5]'],
    ["handles empty containers", { a: {}, b: [] }, '{"a":{},"b":[]}'],
    [
      "allows a shared, non-cyclic reference",
      (() => {
        const x = { v: 1 };
        return [x, x];
      })(),
      '[{"v":1},{"v":1}]',
    ],
  ])("%s", (_label, value, expected) => {
    // Prepare / Act
    const json = canonicalJson(value);

    // Assess
    expect(json).toBe(expected);
  });

  it.each<[string, unknown]>([
    ["a BigInt", { n: 1n }],
    [
      "a cycle",
      (() => {
        const x: Record<string, unknown> = {};
        x.self = x;
        return x;
      })(),
    ],
    ["a top-level undefined", undefined],
    ["a top-level function", () => 1],
  ])("throws a TypeError for %s", (_label, value) => {
    // Prepare / Act
    const act = () => canonicalJson(value);

    // Assess
    expect(act).toThrow(TypeError);
  });

  it("is stable across a JSON round trip (property)", () => {
    // Prepare
    const values = fc.jsonValue();

    // Act / Assess
    fc.assert(
      fc.property(values, (value) => {
        const once = canonicalJson(value);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
        expect(JSON.parse(once)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("does not depend on key insertion order (property)", () => {
    // Prepare
    const values = fc.jsonValue();

    // Act / Assess
    fc.assert(
      fc.property(values, (value) => {
        expect(canonicalJson(reorderKeys(value))).toBe(canonicalJson(value));
      }),
    );
  });
});

describe("sealEvent", () => {
  it("hashes the body plus prevHash in canonical JSON with SHA-256", () => {
    // Prepare
    const first = body(1);
    const expected = createHash("sha256")
      .update(canonicalJson({ ...first, prevHash: GENESIS_HASH }))
      .digest("hex");

    // Act
    const event = sealEvent(first, GENESIS_HASH);

    // Assess
    expect(GENESIS_HASH).toBe("0".repeat(64));
    expect(event).toEqual({ ...first, prevHash: GENESIS_HASH, hash: expected });
  });

  it("gives the same hash whatever the key order of the body and detail", () => {
    // Prepare
    const first = body(1);

    // Act
    const a = sealEvent(first, GENESIS_HASH);
    const b = sealEvent(reorderKeys(first) as AuditEventBody, GENESIS_HASH);

    // Assess
    expect(b.hash).toBe(a.hash);
  });

  it("ignores extra properties so storage attributes never affect the hash", () => {
    // Prepare
    const withKeys = { ...body(1), pk: "CASE#c_1", sk: "AUDIT#0001" } as AuditEventBody;

    // Act
    const event = sealEvent(withKeys, GENESIS_HASH);

    // Assess
    expect(event.hash).toBe(sealEvent(body(1), GENESIS_HASH).hash);
    expect(event).not.toHaveProperty("pk");
  });

  it.each(["", "0".repeat(63), "G".repeat(64), "A".repeat(64)])("throws a RangeError for prevHash %j", (prevHash) => {
    // Prepare / Act
    const act = () => sealEvent(body(1), prevHash);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe("verifyChain", () => {
  it.each([0, 1, 2, 10])("accepts an untouched chain of %i events", (n) => {
    // Prepare
    const events = chain(n);

    // Act
    const result = verifyChain(events);

    // Assess
    expect(result).toEqual({ valid: true });
  });

  it("accepts a chain after a JSON round trip (as read back from storage)", () => {
    // Prepare
    const stored = JSON.parse(JSON.stringify(chain(5))) as AuditEvent[];

    // Act
    const result = verifyChain(stored);

    // Assess
    expect(result).toEqual({ valid: true });
  });

  it("accepts events that carry extra storage attributes", () => {
    // Prepare
    const stored = chain(3).map((event) => ({ ...event, pk: "CASE#c_1", ttl: 123 }));

    // Act
    const result = verifyChain(stored);

    // Assess
    expect(result).toEqual({ valid: true });
  });

  type Tamper = (events: AuditEvent[]) => AuditEvent[];
  const edit =
    (index: number, change: Partial<AuditEvent>): Tamper =>
    (events) =>
      events.map((event, i) => (i === index ? { ...event, ...change } : event));

  it.each<[string, Tamper, number]>([
    ["an edited detail", edit(2, { detail: { step: 99 } }), 3],
    ["an edited type", edit(1, { type: "case.closed" }), 2],
    ["an edited actor", edit(4, { actor: "agent:mallory" }), 5],
    ["an edited timestamp", edit(0, { at: new Date(T0).toISOString() }), 1],
    ["an edited hash", edit(3, { hash: "f".repeat(64) }), 4],
    ["an edited prevHash", edit(2, { prevHash: "f".repeat(64) }), 3],
    ["a first event not linked to genesis", edit(0, { prevHash: "1".repeat(64) }), 1],
    ["an edited seq", edit(2, { seq: 7 }), 3],
    ["an event from another case", edit(2, { caseId: "c_2" }), 3],
    ["a deleted middle event", (events) => events.filter((_, i) => i !== 2), 3],
    ["a deleted first event", (events) => events.slice(1), 1],
    ["two swapped events", (events) => [events[0], events[2], events[1], events[3], events[4]] as AuditEvent[], 2],
    [
      "an inserted forged event with renumbered followers",
      (events) => {
        const forged = sealEvent(body(3, { type: "case.unlocked" }), events[1]?.hash ?? GENESIS_HASH);
        const renumbered = events.slice(2).map((event) => ({ ...event, seq: event.seq + 1 }));
        return [events[0], events[1], forged, ...renumbered] as AuditEvent[];
      },
      4,
    ],
    [
      "an edited event resealed without resealing its successors",
      (events) => {
        const resealed = sealEvent(body(2, { detail: { step: "rewritten" } }), events[0]?.hash ?? GENESIS_HASH);
        return events.map((event, i) => (i === 1 ? resealed : event));
      },
      3,
    ],
  ])("detects %s and reports the first broken seq", (_label, tamper, brokenAt) => {
    // Prepare
    const events = tamper(chain(5));

    // Act
    const result = verifyChain(events);

    // Assess
    expect(result).toEqual({ valid: false, brokenAt });
  });

  /** Seals bodies in order, each linked to the previous one: hash-consistent, whatever the bodies say. */
  function linked(bodies: AuditEventBody[]): AuditEvent[] {
    const events: AuditEvent[] = [];
    for (const b of bodies) events.push(sealEvent(b, events.at(-1)?.hash ?? GENESIS_HASH));
    return events;
  }

  it.each<[string, AuditEventBody[], number]>([
    ["a gap in seqs", [body(1), body(2), body(4)], 3],
    ["a chain starting at seq 2", [body(2), body(3)], 1],
    ["a repeated seq", [body(1), body(1), body(2)], 2],
    ["another case's event sealed onto it", [body(1), body(2, { caseId: "c_2" }), body(3)], 2],
  ])("rejects a correctly linked chain with %s", (_label, bodies, brokenAt) => {
    // Prepare
    const events = linked(bodies);

    // Act
    const result = verifyChain(events);

    // Assess
    expect(result).toEqual({ valid: false, brokenAt });
  });

  it.each<[string, unknown[]]>([
    ["a null entry", [null]],
    ["an empty object", [{}]],
    ["a detail holding a BigInt", [{ ...chain(1)[0], detail: { n: 1n } }]],
    ["a string", ["event"]],
  ])("reports %s as broken instead of throwing", (_label, events) => {
    // Prepare / Act
    const act = () => verifyChain(events as AuditEvent[]);

    // Assess
    expect(act).not.toThrow();
    expect(act()).toEqual({ valid: false, brokenAt: 1 });
  });

  it("accepts a chain that ends exactly at the stored head", () => {
    // Prepare
    const events = chain(5);

    // Act
    const result = verifyChain(events, chainHead(events));

    // Assess
    expect(result).toEqual({ valid: true });
  });

  it.each<[string, (events: AuditEvent[]) => AuditEvent[], number]>([
    ["the newest event deleted", (events) => events.slice(0, 4), 5],
    ["the two newest events deleted", (events) => events.slice(0, 3), 4],
    ["every event deleted", () => [], 1],
  ])("detects truncation with a head: %s", (_label, truncate, brokenAt) => {
    // Prepare
    const events = chain(5);
    const head = chainHead(events);

    // Act
    const result = verifyChain(truncate(events), head);

    // Assess
    expect(result).toEqual({ valid: false, brokenAt });
  });

  it("detects a chain whose newest hash differs from the head (rewritten tail)", () => {
    // Prepare
    const events = chain(5);
    const head = chainHead(events);
    const rewritten = [...events.slice(0, 4), sealEvent(body(5, { actor: "agent:mallory" }), events[3]?.hash ?? "")];

    // Act
    const result = verifyChain(rewritten, head);

    // Assess
    expect(verifyChain(rewritten)).toEqual({ valid: true });
    expect(result).toEqual({ valid: false, brokenAt: 5 });
  });

  it("detects an untracked event beyond the head", () => {
    // Prepare
    const events = chain(5);
    const head = chainHead(events.slice(0, 4));

    // Act
    const result = verifyChain(events, head);

    // Assess
    expect(result).toEqual({ valid: false, brokenAt: 5 });
  });
});

describe("chainHead", () => {
  it("is seq 0 at GENESIS_HASH for an empty chain and the newest event otherwise", () => {
    // Prepare
    const events = chain(3);

    // Act
    const empty = chainHead([]);
    const head = chainHead(events);

    // Assess
    expect(empty).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(head).toEqual({ seq: 3, hash: events[2]?.hash });
    expect(verifyChain([], empty)).toEqual({ valid: true });
  });
});
