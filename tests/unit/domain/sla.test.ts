import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../../src/domain/policy.js";
import {
  dueFires,
  meet,
  nearestDue,
  nextFireAt,
  pause,
  recordFire,
  resume,
  retarget,
  type Sla,
  type SlaContext,
  startClocks,
  startContainment,
} from "../../../src/domain/sla.js";
import type { Priority } from "../../../src/domain/types.js";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const ctx = (priority: Priority, acknowledgedAt: string | null = null): SlaContext => ({
  priority,
  acknowledgedAt,
  policy: DEFAULT_POLICY,
});

describe("startClocks", () => {
  it.each<[Priority, number | null, number, number]>([
    ["P1", 1 * MINUTE, 15 * MINUTE, 4 * HOUR],
    ["P2", 15 * MINUTE, 1 * HOUR, 24 * HOUR],
    ["P3", null, 4 * HOUR, 72 * HOUR],
    ["P4", null, 24 * HOUR, 7 * 24 * HOUR],
  ])(
    "starts the %s clocks with the docs/product.md targets when a lock is required",
    (priority, containment, firstResponse, resolution) => {
      // Prepare / Act
      const sla = startClocks(priority, true, T0, DEFAULT_POLICY);

      // Assess
      expect(sla.containment?.dueAt ?? null).toBe(containment === null ? null : at(containment));
      expect(sla.firstResponse).toEqual({
        startedAt: at(0),
        targetSeconds: firstResponse / SECOND,
        dueAt: at(firstResponse),
        metAt: null,
        warnedAt: [],
        breachedAt: null,
        escalatedAt: [],
        exhaustedAt: null,
        pausedSeconds: 0,
        pausedAt: null,
      });
      expect(sla.resolution.dueAt).toBe(at(resolution));
      expect(sla.resolution.targetSeconds).toBe(resolution / SECOND);
    },
  );

  it("runs no containment clock when the incident needs no lock", () => {
    // Prepare / Act
    const sla = startClocks("P1", false, T0, DEFAULT_POLICY);

    // Assess
    expect(sla.containment).toBeNull();
  });

  it("rounds a due time up to the whole second when a case opens mid-second", () => {
    // Prepare / Act
    const sla = startClocks("P1", true, T0 + 250, DEFAULT_POLICY);

    // Assess
    expect(sla.containment?.dueAt).toBe(at(61 * SECOND));
    expect(sla.firstResponse.startedAt).toBe(at(250));
  });
});

describe("startContainment", () => {
  it("starts the containment clock late with the priority's target and keeps a running one", () => {
    // Prepare
    const sla = startClocks("P2", false, T0, DEFAULT_POLICY);

    // Act
    const started = startContainment(sla, "P2", T0 + 10 * MINUTE, DEFAULT_POLICY);
    const again = startContainment(started, "P1", T0 + 20 * MINUTE, DEFAULT_POLICY);

    // Assess
    expect(started.containment?.dueAt).toBe(at(25 * MINUTE));
    expect(again).toBe(started);
  });

  it("uses the P2 containment target for priorities without one (an agent locks a P3 case)", () => {
    // Prepare
    const sla = startClocks("P3", false, T0, DEFAULT_POLICY);

    // Act
    const started = startContainment(sla, "P3", T0, DEFAULT_POLICY);

    // Assess
    expect(started.containment?.targetSeconds).toBe(15 * 60);
  });
});

describe("dueFires", () => {
  const p1 = () => startClocks("P1", false, T0, DEFAULT_POLICY);

  it.each<[string, number, { kind: string; fraction?: number }]>([
    ["the 50 % warning", 450 * SECOND, { kind: "warning", fraction: 0.5 }],
    ["the 80 % warning", 720 * SECOND, { kind: "warning", fraction: 0.8 }],
    ["the breach", 900 * SECOND, { kind: "breach" }],
  ])("fires %s exactly at its time and not one second before", (_label, offset, expected) => {
    // Prepare: every earlier milestone of the first-response clock is already recorded.
    let sla = p1();
    for (const fire of dueFires(sla, T0 + offset - SECOND, ctx("P1")).fires) sla = recordFire(sla, fire);

    // Act
    const before = dueFires(sla, T0 + offset - SECOND, ctx("P1"));
    const exactly = dueFires(sla, T0 + offset, ctx("P1"));

    // Assess
    expect(before.fires).toEqual([]);
    expect(exactly.fires).toEqual([{ clock: "firstResponse", at: T0 + offset, ...expected }]);
  });

  it("records the fires on the clocks it returns", () => {
    // Prepare / Act
    const { sla } = dueFires(p1(), T0 + 900 * SECOND, ctx("P1"));

    // Assess
    expect(sla.firstResponse.warnedAt).toEqual([at(450 * SECOND), at(720 * SECOND)]);
    expect(sla.firstResponse.breachedAt).toBe(at(900 * SECOND));
    expect(sla.resolution.warnedAt).toEqual([]);
  });

  it.each<[Priority, string, number, number]>([
    ["P1", "15 min", 15 * MINUTE, 15 * MINUTE],
    ["P2", "1 h", 1 * HOUR, 1 * HOUR],
  ])("repeats the escalation of a %s breach every %s", (priority, _label, breachAfter, repeat) => {
    // Prepare
    let sla = dueFires(startClocks(priority, false, T0, DEFAULT_POLICY), T0 + breachAfter, ctx(priority)).sla;

    // Act
    const early = dueFires(sla, T0 + breachAfter + repeat - SECOND, ctx(priority));
    const first = dueFires(sla, T0 + breachAfter + repeat, ctx(priority));
    sla = first.sla;
    const second = dueFires(sla, T0 + breachAfter + 2 * repeat, ctx(priority));

    // Assess
    expect(early.fires.filter((fire) => fire.clock === "firstResponse")).toEqual([]);
    expect(first.fires).toContainEqual({ clock: "firstResponse", kind: "escalation", at: T0 + breachAfter + repeat });
    expect(second.fires).toContainEqual({
      clock: "firstResponse",
      kind: "escalation",
      at: T0 + breachAfter + 2 * repeat,
    });
    expect(second.sla.firstResponse.escalatedAt).toEqual([at(breachAfter + repeat), at(breachAfter + 2 * repeat)]);
  });

  it("stops the repeats when an agent acknowledges after the breach", () => {
    // Prepare: the P1 containment clock breaches at 60 s.
    const sla = dueFires(startClocks("P1", true, T0, DEFAULT_POLICY), T0 + MINUTE, ctx("P1")).sla;

    // Act
    const acknowledged = dueFires(sla, T0 + MINUTE + 15 * MINUTE, ctx("P1", at(2 * MINUTE)));

    // Assess
    expect(acknowledged.fires.filter((fire) => fire.clock === "containment")).toEqual([]);
  });

  it("repeats 8 times by default, then is exhausted one interval after the last repeat and repeats no more", () => {
    // Prepare: P1 first response breaches at 15 min and repeats every 15 min (no lock: no containment clock).
    const sla = startClocks("P1", false, T0, DEFAULT_POLICY);
    const breach = 15 * MINUTE;
    const repeat = 15 * MINUTE;

    // Act
    const untilLastRepeat = dueFires(sla, T0 + breach + 8 * repeat, ctx("P1"));
    const exhausted = dueFires(untilLastRepeat.sla, T0 + breach + 9 * repeat, ctx("P1"));
    const muchLater = dueFires(exhausted.sla, T0 + 60 * 24 * HOUR, ctx("P1"));

    // Assess
    const firstResponse = (fires: typeof exhausted.fires) =>
      fires.filter((fire) => fire.clock === "firstResponse").map((fire) => [fire.kind, (fire.at - T0) / MINUTE]);
    expect(firstResponse(untilLastRepeat.fires)).toEqual([
      ["warning", 7.5],
      ["warning", 12],
      ["breach", 15],
      ["escalation", 30],
      ["escalation", 45],
      ["escalation", 60],
      ["escalation", 75],
      ["escalation", 90],
      ["escalation", 105],
      ["escalation", 120],
      ["escalation", 135],
    ]);
    expect(firstResponse(exhausted.fires)).toEqual([["exhausted", 150]]);
    expect(exhausted.sla.firstResponse).toMatchObject({ breachedAt: at(breach), exhaustedAt: at(150 * MINUTE) });
    expect(exhausted.sla.firstResponse.escalatedAt).toHaveLength(8);
    expect(firstResponse(muchLater.fires)).toEqual([]);
    expect(muchLater.sla.firstResponse.breachedAt).toBe(at(breach));
  });

  it.each([
    [0, ["breach", "exhausted"]],
    [2, ["breach", "escalation", "escalation", "exhausted"]],
  ])("follows the policy's repeat limit of %i", (limit, kinds) => {
    // Prepare
    const policy = { ...DEFAULT_POLICY, escalationRepeatLimit: limit };
    const sla = startClocks("P2", false, T0, policy);

    // Act
    const { fires } = dueFires(sla, T0 + 30 * 24 * HOUR, { priority: "P2", acknowledgedAt: null, policy });

    // Assess
    expect(
      fires.filter((fire) => fire.clock === "firstResponse" && fire.kind !== "warning").map((f) => f.kind),
    ).toEqual(kinds);
  });

  it("neither repeats nor exhausts once an agent acknowledged after the breach", () => {
    // Prepare
    const sla = dueFires(startClocks("P1", false, T0, DEFAULT_POLICY), T0 + 16 * MINUTE, ctx("P1")).sla;

    // Act
    const result = dueFires(sla, T0 + 10 * HOUR, ctx("P1", at(20 * MINUTE)));

    // Assess: only the resolution clock (breached at 4 h, after the acknowledgement) repeats, then exhausts.
    expect(result.fires.filter((fire) => fire.clock === "firstResponse")).toEqual([]);
    expect(result.sla.firstResponse.exhaustedAt).toBeNull();
    expect(result.sla.resolution.exhaustedAt).toBe(at(4 * HOUR + 9 * 15 * MINUTE));
  });

  it("has nothing left to wake for once every breached clock is exhausted", () => {
    // Prepare
    const sla = startClocks("P1", false, T0, DEFAULT_POLICY);

    // Act
    const result = dueFires(sla, T0 + 30 * 24 * HOUR, ctx("P1"));

    // Assess
    expect(result.sla.firstResponse.exhaustedAt).not.toBeNull();
    expect(result.sla.resolution.exhaustedAt).toBe(at(4 * HOUR + 9 * 15 * MINUTE));
    expect(nextFireAt(result.sla, ctx("P1"))).toBeNull();
  });

  it("keeps repeating when the acknowledgement came before the breach", () => {
    // Prepare
    const sla = dueFires(startClocks("P1", true, T0, DEFAULT_POLICY), T0 + MINUTE, ctx("P1")).sla;

    // Act
    const result = dueFires(sla, T0 + 16 * MINUTE, ctx("P1", at(30 * SECOND)));

    // Assess
    expect(result.fires).toContainEqual({ clock: "containment", kind: "escalation", at: T0 + 16 * MINUTE });
  });

  it("catches up in time order across clocks when the timer wakes late", () => {
    // Prepare
    const sla = startClocks("P1", true, T0, DEFAULT_POLICY);

    // Act
    const { fires } = dueFires(sla, T0 + 20 * MINUTE, ctx("P1"));

    // Assess
    expect(fires.map((fire) => [fire.clock, fire.kind, (fire.at - T0) / SECOND])).toEqual([
      ["containment", "warning", 30],
      ["containment", "warning", 48],
      ["containment", "breach", 60],
      ["firstResponse", "warning", 450],
      ["firstResponse", "warning", 720],
      ["firstResponse", "breach", 900],
      ["containment", "escalation", 960],
    ]);
  });

  it("ignores met and paused clocks", () => {
    // Prepare
    const base = startClocks("P1", true, T0, DEFAULT_POLICY);
    const sla: Sla = {
      containment: meet(base.containment as NonNullable<Sla["containment"]>, T0 + 10 * SECOND),
      firstResponse: meet(base.firstResponse, T0 + 10 * SECOND),
      resolution: pause(base.resolution, T0 + 10 * SECOND),
    };

    // Act
    const result = dueFires(sla, T0 + 10 * HOUR, ctx("P1"));

    // Assess
    expect(result.fires).toEqual([]);
    expect(nextFireAt(sla, ctx("P1"))).toBeNull();
  });
});

describe("nextFireAt", () => {
  it("returns the nearest milestone of any running clock", () => {
    // Prepare
    const sla = startClocks("P1", true, T0, DEFAULT_POLICY);

    // Act
    const next = nextFireAt(sla, ctx("P1"));

    // Assess
    expect(next).toBe(T0 + 30 * SECOND);
  });

  it("points at the next repeat after a late wake caught up", () => {
    // Prepare
    const { sla } = dueFires(startClocks("P1", true, T0, DEFAULT_POLICY), T0 + 20 * MINUTE, ctx("P1"));

    // Act
    const next = nextFireAt(sla, ctx("P1"));

    // Assess: first response repeats at 900 + 900 s; containment at 960 + 900 s.
    expect(next).toBe(T0 + 30 * MINUTE);
  });

  it("spaces repeats by the current priority's interval", () => {
    // Prepare: a P2 first-response breach, the case since raised to P1.
    const { sla } = dueFires(startClocks("P2", false, T0, DEFAULT_POLICY), T0 + HOUR, ctx("P2"));

    // Act
    const asP2 = nextFireAt(sla, ctx("P2"));
    const asP1 = nextFireAt(sla, ctx("P1"));

    // Assess
    expect(asP2).toBe(T0 + 2 * HOUR);
    expect(asP1).toBe(T0 + HOUR + 15 * MINUTE);
  });
});

describe("pause and resume", () => {
  it("moves the due time and the milestones by the time paused", () => {
    // Prepare
    const clock = startClocks("P2", false, T0, DEFAULT_POLICY).resolution;

    // Act
    const paused = pause(clock, T0 + HOUR);
    const resumed = resume(paused, T0 + 3 * HOUR, DEFAULT_POLICY.verificationPauseCapSeconds);

    // Assess
    expect(paused.pausedAt).toBe(at(HOUR));
    expect(resumed.pausedSeconds).toBe(2 * 3600);
    expect(resumed.pausedAt).toBeNull();
    expect(resumed.dueAt).toBe(at(26 * HOUR));
    const sla = { ...startClocks("P2", false, T0, DEFAULT_POLICY), resolution: resumed };
    expect(
      dueFires(sla, T0 + 14 * HOUR - SECOND, ctx("P2", at(0))).fires.filter((f) => f.clock === "resolution"),
    ).toEqual([]);
    expect(dueFires(sla, T0 + 14 * HOUR, ctx("P2", at(0))).fires).toContainEqual({
      clock: "resolution",
      kind: "warning",
      fraction: 0.5,
      at: T0 + 14 * HOUR,
    });
  });

  it("counts at most 24 h of pause in total", () => {
    // Prepare
    const cap = DEFAULT_POLICY.verificationPauseCapSeconds;
    const clock = startClocks("P2", false, T0, DEFAULT_POLICY).resolution;

    // Act
    const once = resume(pause(clock, T0), T0 + 20 * HOUR, cap);
    const twice = resume(pause(once, T0 + 21 * HOUR), T0 + 31 * HOUR, cap);
    const long = resume(pause(clock, T0), T0 + 30 * HOUR, cap);

    // Assess
    expect(once.pausedSeconds).toBe(20 * 3600);
    expect(twice.pausedSeconds).toBe(24 * 3600);
    expect(twice.dueAt).toBe(at(48 * HOUR));
    expect(long.pausedSeconds).toBe(24 * 3600);
  });

  it("keeps the first pause time when paused again and does nothing to a met clock", () => {
    // Prepare
    const clock = startClocks("P2", false, T0, DEFAULT_POLICY).resolution;

    // Act
    const paused = pause(pause(clock, T0 + HOUR), T0 + 2 * HOUR);
    const met = pause(meet(clock, T0), T0 + HOUR);
    const notPaused = resume(clock, T0 + HOUR, 86_400);

    // Assess
    expect(paused.pausedAt).toBe(at(HOUR));
    expect(met.pausedAt).toBeNull();
    expect(notPaused).toBe(clock);
  });
});

describe("meet", () => {
  it("stops a clock once and keeps the first met time", () => {
    // Prepare
    const clock = pause(startClocks("P1", false, T0, DEFAULT_POLICY).resolution, T0);

    // Act
    const met = meet(clock, T0 + MINUTE);
    const again = meet(met, T0 + HOUR);

    // Assess
    expect(met.metAt).toBe(at(MINUTE));
    expect(met.pausedAt).toBeNull();
    expect(again).toBe(met);
  });
});

describe("retarget", () => {
  it("moves every running clock to the raised priority's targets", () => {
    // Prepare: a P3 phishing case, raised to P1 after 5 minutes.
    const sla = startClocks("P3", false, T0, DEFAULT_POLICY);

    // Act
    const raised = retarget(sla, "P1", DEFAULT_POLICY);

    // Assess
    expect(raised.firstResponse.targetSeconds).toBe(15 * 60);
    expect(raised.firstResponse.dueAt).toBe(at(15 * MINUTE));
    expect(raised.firstResponse.startedAt).toBe(at(0));
    expect(raised.resolution.dueAt).toBe(at(4 * HOUR));
    expect(raised.containment).toBeNull();
  });

  it("leaves met clocks alone and keeps the time already paused", () => {
    // Prepare
    const base = startClocks("P2", true, T0, DEFAULT_POLICY);
    const sla: Sla = {
      ...base,
      firstResponse: meet(base.firstResponse, T0 + MINUTE),
      resolution: resume(pause(base.resolution, T0), T0 + HOUR, 86_400),
    };

    // Act
    const raised = retarget(sla, "P1", DEFAULT_POLICY);

    // Assess
    expect(raised.firstResponse).toEqual(sla.firstResponse);
    expect(raised.resolution.dueAt).toBe(at(5 * HOUR));
    expect(raised.containment?.dueAt).toBe(at(MINUTE));
  });

  it("fires at once, in order, the milestones a raised target has already passed", () => {
    // Prepare: 20 minutes into a P3 case, it becomes P1 (first response due at 15 min).
    const raised = retarget(startClocks("P3", false, T0, DEFAULT_POLICY), "P1", DEFAULT_POLICY);

    // Act
    const { fires } = dueFires(raised, T0 + 20 * MINUTE, ctx("P1"));

    // Assess
    expect(fires.map((fire) => [fire.kind, (fire.at - T0) / SECOND])).toEqual([
      ["warning", 450],
      ["warning", 720],
      ["breach", 900],
    ]);
  });
});

describe("nearestDue", () => {
  it("returns the earliest due time of the clocks still running", () => {
    // Prepare
    const sla = startClocks("P1", true, T0, DEFAULT_POLICY);
    const containmentMet = { ...sla, containment: meet(sla.containment as NonNullable<Sla["containment"]>, T0) };

    // Act / Assess
    expect(nearestDue(sla)).toBe(at(MINUTE));
    expect(nearestDue(containmentMet)).toBe(at(15 * MINUTE));
  });

  it("returns null when every clock is met", () => {
    // Prepare
    const sla = startClocks("P4", false, T0, DEFAULT_POLICY);

    // Act
    const due = nearestDue({
      ...sla,
      firstResponse: meet(sla.firstResponse, T0),
      resolution: meet(sla.resolution, T0),
    });

    // Assess
    expect(due).toBeNull();
  });
});
