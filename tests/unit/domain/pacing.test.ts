import { describe, expect, it } from "vitest";
import {
  compareOutbound,
  fullBucket,
  OUTBOUND_MAX_AGE_MS,
  outboundExpired,
  pacingBackoffMs,
  pacingRank,
  takeToken,
} from "../../../src/domain/pacing.js";

describe("pacingRank", () => {
  it("puts every P1 message before any P2 one, and the acknowledgement before guidance within a priority", () => {
    // Prepare
    const messages = [
      { id: "c_2#guidance", rank: pacingRank("P1", "guidance") },
      { id: "c_1#ack", rank: pacingRank("P2", "acknowledgement") },
      { id: "c_3#closed", rank: pacingRank("P1", "resolved") },
      { id: "c_4#ack", rank: pacingRank("P1", "acknowledgement") },
      { id: "c_5#code", rank: pacingRank("P1", "verification_code") },
      { id: "c_6#lock", rank: pacingRank("P1", "lock_applied") },
      { id: "c_0#ack", rank: pacingRank("P4", "acknowledgement") },
    ];

    // Act
    const order = [...messages].sort(compareOutbound).map((message) => message.id);

    // Assess
    expect(order).toEqual(["c_4#ack", "c_5#code", "c_6#lock", "c_2#guidance", "c_3#closed", "c_1#ack", "c_0#ack"]);
  });

  it("keeps the oldest case first within one rank (case ids sort by creation time)", () => {
    // Prepare
    const later = { id: "c_01JB#acknowledgement#1#email", rank: "P1#0" };
    const earlier = { id: "c_01JA#acknowledgement#1#email", rank: "P1#0" };

    // Act
    const order = [later, earlier].sort(compareOutbound);

    // Assess
    expect(order).toEqual([earlier, later]);
  });
});

describe("takeToken", () => {
  const t0 = Date.parse("2026-12-02T00:00:00Z");

  it("grants one second's worth at once, then refuses until the next token is due", () => {
    // Prepare
    let bucket = fullBucket(3, t0);
    const granted: boolean[] = [];

    // Act
    for (let i = 0; i < 4; i++) {
      const taken = takeToken(bucket, t0, 3);
      bucket = taken.bucket;
      granted.push(taken.granted);
    }
    const refused = takeToken(bucket, t0, 3);

    // Assess
    expect(granted).toEqual([true, true, true, false]);
    expect(refused.waitMs).toBe(334);
  });

  it("refills at the rate and never beyond a burst of one second's worth", () => {
    // Prepare
    const empty = { tokens: 0, at: t0 };

    // Act
    const afterHalfSecond = takeToken(empty, t0 + 500, 14);
    const afterAnHour = takeToken(empty, t0 + 3_600_000, 14);

    // Assess
    expect(afterHalfSecond).toMatchObject({ granted: true, bucket: { tokens: 6 } });
    expect(afterAnHour).toMatchObject({ granted: true, bucket: { tokens: 13 } });
  });

  it("sends no more than the rate over any run of whole seconds", () => {
    // Prepare: a drain that asks for a token every 50 ms for 10 s at 3/s.
    let bucket = fullBucket(3, t0);
    let sent = 0;

    // Act
    for (let at = t0; at < t0 + 10_000; at += 50) {
      const taken = takeToken(bucket, at, 3);
      bucket = taken.bucket;
      if (taken.granted) sent += 1;
    }

    // Assess: the first second's burst plus 3 a second after it.
    expect(sent).toBe(3 + 3 * 10 - 1);
  });
});

describe("pacingBackoffMs and outboundExpired", () => {
  it("backs off 1 s, doubling, up to 5 minutes", () => {
    // Prepare / Act
    const delays = [1, 2, 3, 9, 20].map(pacingBackoffMs);

    // Assess
    expect(delays).toEqual([1000, 2000, 4000, 256_000, 300_000]);
  });

  it("gives a message up only after it waited more than 24 hours", () => {
    // Prepare
    const enqueuedAt = Date.parse("2026-12-02T00:00:00Z");

    // Act / Assess
    expect(outboundExpired(enqueuedAt, enqueuedAt + OUTBOUND_MAX_AGE_MS)).toBe(false);
    expect(outboundExpired(enqueuedAt, enqueuedAt + OUTBOUND_MAX_AGE_MS + 1)).toBe(true);
  });
});
