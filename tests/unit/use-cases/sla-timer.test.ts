import { describe, expect, it } from "vitest";
import { openCase } from "../../../src/domain/case.js";
import { slaTimerName } from "../../../src/domain/execution-names.js";
import { meet, retarget } from "../../../src/domain/sla.js";
import type { TimerInput } from "../../../src/ports/workflow-client.js";
import type { Case } from "../../../src/schemas/case.js";
import type { Report } from "../../../src/schemas/report.js";
import { makeCreateCase, makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeFireSlaTimer, makeRearmSlaTimer, nextSlaWake } from "../../../src/use-cases/sla-timer.js";
import { makeTestDeps, type TestDeps } from "../../fixtures/deps.js";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

async function seedCase(
  deps: TestDeps,
  incidentType: Report["incidentType"],
  signals: Report["signals"] = {},
): Promise<Case> {
  const item = openCase({
    caseId: deps.ids.caseId(),
    webhookId: "msg_1",
    report: {
      accountId: "acct_1",
      incidentType,
      reporter: { email: "ana@example.com", phone: "+14155550100" },
      signals,
    },
    now: deps.clock.now(),
    policy: deps.config.policy,
  });
  return makeCreateCase(deps)(item, [{ type: "case.opened", actor: "wallet-app" }]);
}

async function stored(deps: TestDeps, caseId: string): Promise<Case> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new Error(`case ${caseId} missing`);
  return found.case;
}

const timers = (deps: TestDeps) => deps.workflow.started.filter((start) => start.kind === "timer");
const oncallMail = (deps: TestDeps) => deps.email.sent.filter((email) => email.to === deps.config.oncallEmail);

describe("makeRearmSlaTimer", () => {
  it("starts generation 1 at the first milestone of a new case", async () => {
    // Prepare: a P1 key compromise; the containment clock warns at 50 % of 60 s.
    const deps = makeTestDeps();
    const item = await seedCase(deps, "key_compromise");

    // Act
    await makeRearmSlaTimer(deps)(item.caseId);

    // Assess
    expect(timers(deps)).toEqual([
      {
        kind: "timer",
        name: slaTimerName(item.caseId, 1),
        input: { kind: "sla", ref: item.caseId, generation: 1, at: at(30) },
      },
    ]);
    const after = await stored(deps, item.caseId);
    expect(after.workflow).toMatchObject({ timerGeneration: 1, timerAt: at(30) });
  });

  it("keeps the running timer when nothing moved earlier", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, "key_compromise");
    const rearm = makeRearmSlaTimer(deps);
    await rearm(item.caseId);
    await makeMutateCase(deps)(item.caseId, (current, now) => ({
      case: { ...current, sla: { ...current.sla, firstResponse: meet(current.sla.firstResponse, now) } },
      events: [],
    }));

    // Act
    await rearm(item.caseId);

    // Assess
    expect(timers(deps)).toHaveLength(1);
    expect(deps.workflow.stopped).toEqual([]);
  });

  it("starts a new generation and stops the old one when a milestone moves earlier", async () => {
    // Prepare: a P3 phishing case (first warning at 2 h) raised to P1 (first warning at 7.5 min).
    const deps = makeTestDeps();
    const item = await seedCase(deps, "phishing");
    const rearm = makeRearmSlaTimer(deps);
    await rearm(item.caseId);
    await makeMutateCase(deps)(item.caseId, (current) => ({
      case: { ...current, priority: "P1", sla: retarget(current.sla, "P1", deps.config.policy) },
      events: [],
    }));

    // Act
    await rearm(item.caseId);

    // Assess
    expect(timers(deps).map((timer) => timer.input)).toEqual([
      { kind: "sla", ref: item.caseId, generation: 1, at: at(2 * 3600) },
      { kind: "sla", ref: item.caseId, generation: 2, at: at(450) },
    ]);
    expect(deps.workflow.stopped).toEqual([slaTimerName(item.caseId, 1)]);
    expect((await stored(deps, item.caseId)).workflow).toMatchObject({ timerGeneration: 2, timerAt: at(450) });
  });

  it("stops the timer when the case is concluded", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, "malware");
    const rearm = makeRearmSlaTimer(deps);
    await rearm(item.caseId);
    await makeMutateCase(deps)(item.caseId, (current) => ({ case: { ...current, status: "resolved" }, events: [] }));

    // Act
    await rearm(item.caseId);

    // Assess
    expect(deps.workflow.stopped).toEqual([slaTimerName(item.caseId, 1)]);
    expect((await stored(deps, item.caseId)).workflow.timerAt).toBeNull();
  });

  it("does nothing for an unknown case", async () => {
    // Prepare
    const deps = makeTestDeps();

    // Act
    await makeRearmSlaTimer(deps)("c_missing");

    // Assess
    expect(deps.workflow.started).toEqual([]);
  });
});

describe("makeFireSlaTimer", () => {
  async function armed(deps: TestDeps, incidentType: Report["incidentType"], signals: Report["signals"] = {}) {
    const item = await seedCase(deps, incidentType, signals);
    await makeRearmSlaTimer(deps)(item.caseId);
    const timer = timers(deps).at(-1)?.input as TimerInput;
    return { item, timer };
  }

  it("records a warning, pages the on-call and asks to wake at the next milestone", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { item, timer } = await armed(deps, "key_compromise");
    deps.clock.advance(30);

    // Act
    const next = await makeFireSlaTimer(deps)(timer);

    // Assess
    expect(next).toEqual({ ...timer, at: at(48), done: false });
    const after = await stored(deps, item.caseId);
    expect(after.sla.containment?.warnedAt).toEqual([at(30)]);
    expect(after.priority).toBe("P1");
    expect(after.escalations).toBe(0);
    expect(oncallMail(deps)).toHaveLength(1);
    const events = await deps.cases.listAudit(item.caseId);
    expect(events.at(-1)).toMatchObject({
      type: "sla.warning",
      actor: "sla-timer",
      detail: { clock: "containment", percent: 50 },
    });
  });

  it("catches up every milestone due, raises the priority on a breach and pages for each", async () => {
    // Prepare: a P2 unauthorized access (containment 15 min); the timer wakes at the breach.
    const deps = makeTestDeps();
    const { item, timer } = await armed(deps, "unauthorized_access");
    deps.clock.advance(15 * 60);

    // Act
    const next = await makeFireSlaTimer(deps)(timer);

    // Assess
    const after = await stored(deps, item.caseId);
    expect(after.priority).toBe("P1");
    expect(after.escalations).toBe(1);
    expect(after.sla.containment).toMatchObject({ warnedAt: [at(450), at(720)], breachedAt: at(900) });
    expect(oncallMail(deps)).toHaveLength(3);
    expect(deps.metrics.counts.SlaBreached).toBe(1);
    const types = (await deps.cases.listAudit(item.caseId)).map((event) => event.type);
    expect(types.slice(-3)).toEqual(["sla.warning", "sla.warning", "sla.breached"]);
    // The repeat follows the raised priority (15 min) and coincides with the first-response warning.
    expect(next).toEqual({ ...timer, at: at(30 * 60), done: false });
  });

  it("repeats the escalation until an agent acknowledges after the breach", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { item, timer } = await armed(deps, "key_compromise");
    const fire = makeFireSlaTimer(deps);
    deps.clock.advance(60);
    await fire(timer);
    deps.clock.advance(15 * 60);
    await fire(timer);
    const escalationsBefore = (await stored(deps, item.caseId)).escalations;
    await makeMutateCase(deps)(item.caseId, (current, now) => ({
      case: { ...current, acknowledgedAt: new Date(now).toISOString(), acknowledgedBy: "agent" },
      events: [],
    }));
    deps.clock.advance(15 * 60);

    // Act
    await fire(timer);

    // Assess
    const after = await stored(deps, item.caseId);
    expect(after.sla.containment?.escalatedAt).toEqual([at(60 + 15 * 60)]);
    expect(after.escalations).toBe(escalationsBefore);
  });

  it("ends a superseded generation without paging anyone", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { timer } = await armed(deps, "key_compromise");
    deps.clock.advance(3600);

    // Act
    const next = await makeFireSlaTimer(deps)({ ...timer, generation: timer.generation - 1 });

    // Assess
    expect(next.done).toBe(true);
    expect(deps.email.sent).toEqual([]);
  });

  it.each<[string, (deps: TestDeps, caseId: string) => Promise<unknown>]>([
    [
      "the case is resolved",
      (deps, caseId) => makeMutateCase(deps)(caseId, (c) => ({ case: { ...c, status: "resolved" }, events: [] })),
    ],
    [
      "the case is gone",
      async (deps, caseId) => {
        deps.cases.items.delete(caseId);
      },
    ],
  ])("ends the timer when %s", async (_label, change) => {
    // Prepare
    const deps = makeTestDeps();
    const { item, timer } = await armed(deps, "key_compromise");
    await change(deps, item.caseId);
    deps.clock.advance(3600);

    // Act
    const next = await makeFireSlaTimer(deps)(timer);

    // Assess
    expect(next).toEqual({ ...timer, done: true });
    expect(deps.email.sent).toEqual([]);
  });

  it("ends when no clock has a milestone left", async () => {
    // Prepare: a P4 case whose clocks are both met.
    const deps = makeTestDeps();
    const { item, timer } = await armed(deps, "other");
    await makeMutateCase(deps)(item.caseId, (current, now) => ({
      case: {
        ...current,
        sla: {
          ...current.sla,
          firstResponse: meet(current.sla.firstResponse, now),
          resolution: meet(current.sla.resolution, now),
        },
      },
      events: [],
    }));
    deps.clock.advance(60);

    // Act
    const next = await makeFireSlaTimer(deps)(timer);

    // Assess
    expect(next.done).toBe(true);
    const after = await stored(deps, item.caseId);
    expect(after.workflow.timerAt).toBeNull();
    expect(nextSlaWake(after, deps)).toBeNull();
  });

  it("waits again without recording anything when it wakes early", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { item, timer } = await armed(deps, "key_compromise");
    deps.clock.advance(29);

    // Act
    const next = await makeFireSlaTimer(deps)(timer);

    // Assess
    expect(next).toEqual({ ...timer, at: at(30), done: false });
    expect((await stored(deps, item.caseId)).sla.containment?.warnedAt).toEqual([]);
    expect(deps.email.sent).toEqual([]);
  });
});

describe("escalation repeats bounded like PagerDuty's num_loops", () => {
  /** A P1 case without a lock (phishing with the seed phrase entered): first response 15 min, resolution 4 h. */
  async function runTimerUntil(deps: TestDeps, untilSeconds: number) {
    const item = await seedCase(deps, "phishing", { seedPhraseEntered: true });
    await makeRearmSlaTimer(deps)(item.caseId);
    const fire = makeFireSlaTimer(deps);
    let timer = timers(deps).at(-1)?.input as TimerInput;
    while (!timer.done && Date.parse(timer.at) <= T0 + untilSeconds * 1000) {
      deps.clock.current = Date.parse(timer.at);
      timer = await fire(timer);
    }
    return { item, timer };
  }

  const typesOf = async (deps: TestDeps, caseId: string) =>
    (await deps.cases.listAudit(caseId)).map((event) => event.type);

  it("pages the second contact once the 8 repeats went unanswered, records it, and stops repeating", async () => {
    // Prepare
    const deps = makeTestDeps({ oncallEscalationEmail: "lead@vigil.test", oncallEscalationPhone: "+14155550199" });

    // Act: past the first-response exhaustion at 15 min + 9 × 15 min, before the resolution clock breaches.
    const { item, timer } = await runTimerUntil(deps, 3 * 3600);

    // Assess
    const after = await stored(deps, item.caseId);
    expect(after.sla.firstResponse.escalatedAt).toHaveLength(8);
    expect(after.sla.firstResponse.exhaustedAt).toBe(at(150 * 60));
    expect(after.sla.firstResponse.breachedAt).toBe(at(15 * 60));
    expect(after.status).toBe("open");
    const exhausted = (await deps.cases.listAudit(item.caseId)).filter(
      (event) => event.type === "sla.escalation_exhausted",
    );
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]?.detail).toMatchObject({
      clock: "firstResponse",
      repeats: 8,
      secondContact: ["email", "sms"],
    });
    const secondMail = deps.email.sent.filter((email) => email.to === "lead@vigil.test");
    expect(secondMail).toHaveLength(1);
    expect(secondMail[0]?.text).toContain("8 unanswered repeat escalations");
    expect(deps.sms.sent.filter((sms) => sms.to === "+14155550199")).toHaveLength(1);
    // The on-call had the breach and its 8 repeats (plus the warnings), and nothing after the exhaustion.
    const pagesAfter = deps.email.sent.filter(
      (email) => email.to === deps.config.oncallEmail && email.text.includes("first response"),
    );
    expect(pagesAfter).toHaveLength(2 + 1 + 8);
    expect(deps.metrics.counts.SlaEscalationExhausted).toBe(1);
    // The timer now waits only for the resolution clock (warning at 2 h).
    expect(timer).toMatchObject({ at: at(3 * 3600 + 12 * 60), done: false });
  });

  it("still stops repeating and records the exhaustion when no second contact is configured", async () => {
    // Prepare
    const deps = makeTestDeps();

    // Act
    const { item } = await runTimerUntil(deps, 3 * 3600);

    // Assess
    const after = await stored(deps, item.caseId);
    expect(after.sla.firstResponse.exhaustedAt).toBe(at(150 * 60));
    const audit = await deps.cases.listAudit(item.caseId);
    expect(audit.find((event) => event.type === "sla.escalation_exhausted")?.detail).toMatchObject({
      secondContact: [],
    });
    expect(deps.email.sent.every((email) => email.to === deps.config.oncallEmail)).toBe(true);
    expect(await typesOf(deps, item.caseId)).not.toContain("oncall.page_failed");
  });

  it("ends the timer once every breached clock is exhausted, the case still open and breached", async () => {
    // Prepare
    const deps = makeTestDeps({ oncallEscalationEmail: "lead@vigil.test" });

    // Act: 60 days.
    const { item, timer } = await runTimerUntil(deps, 60 * 24 * 3600);

    // Assess
    const after = await stored(deps, item.caseId);
    expect(timer.done).toBe(true);
    expect(after.sla.resolution.exhaustedAt).toBe(at(4 * 3600 + 9 * 15 * 60));
    expect(after.sla.resolution.breachedAt).not.toBeNull();
    expect(after.workflow.timerAt).toBeNull();
    expect(deps.email.sent.filter((email) => email.to === "lead@vigil.test")).toHaveLength(2);
  });
});

describe("makeRearmSlaTimer with a timer that stopped firing", () => {
  it("starts a new generation when the recorded wake is more than 10 min overdue", async () => {
    // Prepare: the timer should have woken at 30 s; its execution failed and never recorded a later wake.
    const deps = makeTestDeps();
    const item = await seedCase(deps, "key_compromise");
    const rearm = makeRearmSlaTimer(deps);
    await rearm(item.caseId);
    deps.clock.advance(30 + 10 * 60 + 1);

    // Act
    await rearm(item.caseId);

    // Assess
    expect(timers(deps).map((timer) => timer.name)).toEqual([
      slaTimerName(item.caseId, 1),
      slaTimerName(item.caseId, 2),
    ]);
    expect((await stored(deps, item.caseId)).workflow.timerGeneration).toBe(2);
  });

  it("leaves a timer alone whose wake is overdue by less (it may be firing or backing off)", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, "key_compromise");
    const rearm = makeRearmSlaTimer(deps);
    await rearm(item.caseId);
    deps.clock.advance(30 + 10 * 60 - 1);

    // Act
    await rearm(item.caseId);

    // Assess
    expect(timers(deps)).toHaveLength(1);
  });
});
