import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_DELIVERY_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  nextAttempt,
  parseRetryAfter,
  RETRY_SCHEDULE_SECONDS,
} from "../../../src/domain/delivery-schedule.js";

const SECOND = 1000;
const HOUR = 3600 * SECOND;
/** A whole second, so HTTP dates (second precision) land exactly on it. */
const NOW = Date.UTC(2026, 10, 25, 8, 0, 0);
/** random() = 0.5 means zero jitter. */
const NO_JITTER = () => 0.5;

describe("RETRY_SCHEDULE_SECONDS", () => {
  it("is the Standard Webhooks schedule of 10 attempts", () => {
    // Prepare
    const expected = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

    // Act
    const schedule = [...RETRY_SCHEDULE_SECONDS];

    // Assess
    expect(schedule).toEqual(expected);
    expect(MAX_DELIVERY_ATTEMPTS).toBe(10);
    expect(Object.isFrozen(RETRY_SCHEDULE_SECONDS)).toBe(true);
  });
});

describe("nextAttempt", () => {
  it.each([200, 201, 202, 204, 299])("reports delivered for status %i", (status) => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade: 3, status, now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "delivered" });
  });

  it("reports delivered when the 10th and last attempt succeeds", () => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade: 10, status: 200, now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "delivered" });
  });

  it.each([1, 5, 10])("disables the endpoint on 410 Gone after attempt %i", (attemptsMade) => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade, status: 410, now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "disabled" });
  });

  it.each<[number | undefined, string]>([
    [undefined, "no HTTP answer"],
    [199, "an informational status"],
    [300, "a redirect"],
    [400, "a client error"],
    [404, "not found"],
    [429, "rate limited"],
    [500, "a server error"],
    [503, "unavailable"],
  ])("retries after status %s (%s)", (status) => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade: 1, status, now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "retry", at: NOW + 5 * SECOND });
  });

  it.each(RETRY_SCHEDULE_SECONDS.map((seconds, attemptsMade) => [attemptsMade, seconds] as const))(
    "schedules the next attempt after %i failed attempts %i s later",
    (attemptsMade, seconds) => {
      // Prepare / Act
      const step = nextAttempt({
        attemptsMade,
        status: attemptsMade === 0 ? undefined : 500,
        now: NOW,
        random: NO_JITTER,
      });

      // Assess
      expect(step).toEqual({ kind: "retry", at: NOW + seconds * SECOND });
    },
  );

  it.each([10, 11, 100])("gives up as exhausted after %i failed attempts", (attemptsMade) => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade, status: 503, now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "exhausted" });
  });

  it.each([
    ["the lowest random value", 0, 0.9],
    ["the middle", 0.5, 1],
    ["a quarter", 0.25, 0.95],
    ["the highest random value", 1 - Number.EPSILON, 1.1],
  ])("applies jitter for %s", (_label, random, factor) => {
    // Prepare: the 24 h delay before the 10th attempt.
    const base = 86400 * SECOND;

    // Act
    const step = nextAttempt({ attemptsMade: 9, status: 500, now: NOW, random: () => random });

    // Assess
    expect(step.kind).toBe("retry");
    expect(step.kind === "retry" && step.at - NOW).toBeCloseTo(base * factor, -1);
  });

  it("keeps every delay within ±10 % of the schedule and never before now (property)", () => {
    // Prepare
    const attempts = fc.integer({ min: 0, max: 9 });
    const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

    // Act / Assess
    fc.assert(
      fc.property(attempts, random, (attemptsMade, r) => {
        const step = nextAttempt({ attemptsMade, status: 500, now: NOW, random: () => r });
        const base = (RETRY_SCHEDULE_SECONDS[attemptsMade] ?? 0) * SECOND;
        if (step.kind !== "retry") throw new Error(`expected a retry, got ${step.kind}`);
        expect(step.at - NOW).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
        expect(step.at - NOW).toBeLessThanOrEqual(Math.ceil(base * 1.1));
        expect(step.at).toBeGreaterThanOrEqual(NOW);
        expect(Number.isInteger(step.at)).toBe(true);
      }),
    );
  });

  it.each([
    ["below 0", -5, 0.9],
    ["above 1", 7, 1.1],
    ["NaN", Number.NaN, 1],
  ])("clamps a random source returning %s", (_label, value, factor) => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade: 2, status: 500, now: NOW, random: () => value });

    // Assess
    expect(step).toEqual({ kind: "retry", at: NOW + 300 * SECOND * factor });
  });

  it("waits for a delta-seconds Retry-After longer than the schedule", () => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade: 1, status: 429, retryAfterHeader: "120", now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "retry", at: NOW + 120 * SECOND });
  });

  it("keeps the schedule when Retry-After asks for less", () => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade: 2, status: 503, retryAfterHeader: "10", now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "retry", at: NOW + 300 * SECOND });
  });

  it("is never earlier than Retry-After even with the lowest jitter", () => {
    // Prepare: schedule 300 s, jitter −10 % → 270 s; Retry-After 290 s wins.
    const random = () => 0;

    // Act
    const step = nextAttempt({ attemptsMade: 2, status: 503, retryAfterHeader: "290", now: NOW, random });

    // Assess
    expect(step).toEqual({ kind: "retry", at: NOW + 290 * SECOND });
  });

  it("waits for a Retry-After HTTP date", () => {
    // Prepare
    const header = new Date(NOW + HOUR).toUTCString();

    // Act
    const step = nextAttempt({ attemptsMade: 1, status: 503, retryAfterHeader: header, now: NOW, random: NO_JITTER });

    // Assess
    expect(header).toMatch(/GMT$/);
    expect(step).toEqual({ kind: "retry", at: NOW + HOUR });
  });

  it.each([
    ["delta-seconds of 2 days", String(2 * 86400)],
    ["a date 3 days ahead", new Date(NOW + 72 * HOUR).toUTCString()],
  ])("caps Retry-After at 24 h for %s", (_label, header) => {
    // Prepare / Act
    const step = nextAttempt({ attemptsMade: 1, status: 503, retryAfterHeader: header, now: NOW, random: NO_JITTER });

    // Assess
    expect(step).toEqual({ kind: "retry", at: NOW + 24 * HOUR });
  });

  it.each(["soon", "-5", "1.5", "", "   ", new Date(NOW - HOUR).toUTCString()])(
    "falls back to the schedule for Retry-After %j",
    (header) => {
      // Prepare / Act
      const step = nextAttempt({ attemptsMade: 1, status: 503, retryAfterHeader: header, now: NOW, random: NO_JITTER });

      // Assess
      expect(step).toEqual({ kind: "retry", at: NOW + 5 * SECOND });
    },
  );

  it("ignores Retry-After when the endpoint is gone or the attempts are exhausted", () => {
    // Prepare
    const header = "60";

    // Act
    const gone = nextAttempt({ attemptsMade: 1, status: 410, retryAfterHeader: header, now: NOW, random: NO_JITTER });
    const exhausted = nextAttempt({
      attemptsMade: 10,
      status: 503,
      retryAfterHeader: header,
      now: NOW,
      random: NO_JITTER,
    });

    // Assess
    expect(gone).toEqual({ kind: "disabled" });
    expect(exhausted).toEqual({ kind: "exhausted" });
  });

  it.each([-1, 1.5, Number.NaN])("throws a RangeError for attemptsMade %s", (attemptsMade) => {
    // Prepare / Act
    const act = () => nextAttempt({ attemptsMade, status: 500, now: NOW, random: NO_JITTER });

    // Assess
    expect(act).toThrow(RangeError);
  });

  it("spans about three days from the first attempt to exhaustion without jitter", () => {
    // Prepare
    let now = NOW;
    let attemptsMade = 0;

    // Act
    for (;;) {
      const step = nextAttempt({ attemptsMade, status: attemptsMade === 0 ? undefined : 503, now, random: NO_JITTER });
      if (step.kind !== "retry") break;
      now = step.at;
      attemptsMade++;
    }

    // Assess
    expect(attemptsMade).toBe(10);
    expect((now - NOW) / SECOND).toBe(RETRY_SCHEDULE_SECONDS.reduce<number>((a, b) => a + b, 0));
  });
});

describe("parseRetryAfter", () => {
  it.each<[string, string | undefined, number | undefined]>([
    ["absent", undefined, undefined],
    ["zero", "0", 0],
    ["delta-seconds", "30", 30 * SECOND],
    ["delta-seconds with spaces", " 30 ", 30 * SECOND],
    ["an IMF-fixdate", "Wed, 25 Nov 2026 08:10:00 GMT", 10 * 60 * SECOND],
    ["an RFC 850 date", "Wednesday, 25-Nov-26 08:10:00 GMT", 10 * 60 * SECOND],
    ["a past date", "Wed, 25 Nov 2026 07:00:00 GMT", 0],
    ["garbage", "later", undefined],
    ["a fraction", "1.5", undefined],
    ["a negative", "-1", undefined],
    ["a huge delta", "99999999999", MAX_RETRY_AFTER_MS],
  ])("reads %s", (_label, header, expected) => {
    // Prepare / Act
    const delay = parseRetryAfter(header, NOW);

    // Assess
    expect(delay).toBe(expected);
  });
});
