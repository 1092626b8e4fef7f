import { describe, expect, it } from "vitest";
import type { SlaClock } from "../../../src/domain/sla.js";
import { type CaseSlaRecord, computeSlaStats, percentile } from "../../../src/domain/sla-stats.js";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** A clock started at T0 with a target, stopped after `stoppedAfter` seconds (null: running). */
function clock(
  target: number,
  stoppedAfter: number | null,
  options: { breached?: boolean; paused?: number } = {},
): SlaClock {
  return {
    startedAt: at(0),
    targetSeconds: target,
    dueAt: at(target + (options.paused ?? 0)),
    metAt: stoppedAfter === null ? null : at(stoppedAfter),
    warnedAt: [],
    breachedAt: options.breached ? at(target) : null,
    escalatedAt: [],
    pausedSeconds: options.paused ?? 0,
    pausedAt: null,
    exhaustedAt: null,
  };
}

function p2(firstResponseAfter: number | null, resolutionAfter: number | null, breached = false): CaseSlaRecord {
  return {
    initialPriority: "P2",
    sla: {
      containment: null,
      firstResponse: clock(3600, firstResponseAfter, { breached }),
      resolution: clock(86_400, resolutionAfter),
    },
  };
}

describe("percentile", () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[10, 20, 30, 40], 0.5, 20],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9, 90],
    [[100, 10, 50], 0.9, 100],
  ])("takes the nearest rank of %j at %d: %j", (values, p, expected) => {
    // Act / Assess
    expect(percentile(values, p)).toBe(expected);
  });
});

describe("computeSlaStats", () => {
  it("counts met, breached and running clocks per priority, with median and p90 times", () => {
    // Prepare: four P2 cases: answered in 10 min, 20 min and 30 min, one breached and answered after 2 h.
    const cases = [p2(600, 3600), p2(1200, 7200), p2(1800, null), p2(7200, null, true)];
    const window = { from: at(-7 * 86_400), to: at(0), days: 7 };

    // Act
    const stats = computeSlaStats(cases, window);

    // Assess
    const row = stats.priorities.find((entry) => entry.priority === "P2");
    expect(stats.cases).toBe(4);
    expect(stats.priorities.map((entry) => entry.priority)).toEqual(["P1", "P2", "P3", "P4"]);
    expect(row?.clocks.firstResponse).toEqual({
      cases: 4,
      met: 3,
      breached: 1,
      running: 0,
      attainment: 0.75,
      medianSeconds: 1200,
      p90Seconds: 7200,
    });
    expect(row?.clocks.resolution).toEqual({
      cases: 4,
      met: 2,
      breached: 0,
      running: 2,
      attainment: 1,
      medianSeconds: 3600,
      p90Seconds: 7200,
    });
    expect(row?.clocks.containment).toMatchObject({ cases: 0, attainment: null, medianSeconds: null });
    expect(stats.priorities.find((entry) => entry.priority === "P1")?.cases).toBe(0);
  });

  it("counts a clock stopped after its due time as breached, and leaves paused time out of durations", () => {
    // Prepare: stopped 30 s late (the timer had not recorded it); a resolution that waited 1 h on the reporter.
    const late: CaseSlaRecord = {
      initialPriority: "P1",
      sla: {
        containment: clock(60, 90),
        firstResponse: clock(900, 300),
        resolution: clock(14_400, 7200, { paused: 3600 }),
      },
    };

    // Act
    const row = computeSlaStats([late], { from: at(-86_400), to: at(0), days: 7 }).priorities[0];

    // Assess
    expect(row?.clocks.containment).toMatchObject({ met: 0, breached: 1, attainment: 0, medianSeconds: 90 });
    expect(row?.clocks.resolution).toMatchObject({ met: 1, medianSeconds: 3600 });
  });
});
