import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

const ONCALL = "oncall@vigil.local";

describe("SLA clocks on the local runtime's virtual clock", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  async function oncallPages(caseId: string) {
    return (await h.messages(ONCALL)).filter(
      (message) => message.subject?.includes(caseId) || message.text.includes(caseId),
    );
  }

  it("warns at 50 % and 80 % and breaches first response at 15 min when no agent acknowledges a P1 case", async () => {
    // Prepare
    const { body } = await h.report(reportData({ incidentType: "sim_swap" }));
    const openedAt = Date.parse((await h.operator(`/v1/cases/${body.caseId}`)).body.sla.firstResponse.dueAt) - 900_000;
    // Virtual time is real time plus an offset: advance to instants measured from the opening, with a
    // margin of seconds before each milestone, so that a busy machine's real seconds cannot cross one.
    const advanceTo = async (sinceOpening: number) =>
      h.advance(Math.max(0, Math.ceil((openedAt + sinceOpening * 1000 - (await h.now()).getTime()) / 1000)));
    // Act
    await advanceTo(451);
    const atHalf = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    await advanceTo(710);
    const justBefore80 = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    await advanceTo(901);
    const afterBreach = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    // Assess
    expect(atHalf.sla.firstResponse.warnedAt).toHaveLength(1);
    expect(Date.parse(atHalf.sla.firstResponse.warnedAt[0]) - openedAt).toBeLessThanOrEqual(450_000 + 1000);
    expect(justBefore80.sla.firstResponse.warnedAt).toHaveLength(1);
    expect(afterBreach.sla.firstResponse.warnedAt).toHaveLength(2);
    expect(afterBreach.sla.firstResponse.breachedAt).not.toBeNull();
    expect(Math.abs(Date.parse(afterBreach.sla.firstResponse.breachedAt) - (openedAt + 900_000))).toBeLessThanOrEqual(
      1000,
    );
    expect(afterBreach.timeline.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(["sla.warning", "sla.breached"]),
    );
    expect((await oncallPages(body.caseId)).length).toBeGreaterThanOrEqual(3);
  });

  it("repeats the escalation every 15 min for P1 until an agent acknowledges, then stops", async () => {
    // Prepare
    const { body } = await h.report(reportData({ incidentType: "key_compromise" }));
    await h.advance(15 * 60 + 1);
    const pagesAtBreach = (await oncallPages(body.caseId)).length;
    // Act
    await h.advance(30 * 60);
    const afterTwoRepeats = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    const pagesAfterRepeats = (await oncallPages(body.caseId)).length;
    const ack = await h.operator(`/v1/cases/${body.caseId}/actions`, {
      body: { action: "acknowledge", agent: "maria" },
    });
    await h.advance(60 * 60);
    const pagesAfterAck = (await oncallPages(body.caseId)).length;
    // Assess
    // escalatedAt lists every page for the clock: the breach, then each repeat (as the timeline does).
    expect(afterTwoRepeats.sla.firstResponse.escalatedAt).toHaveLength(3);
    expect(pagesAfterRepeats).toBeGreaterThanOrEqual(pagesAtBreach + 2);
    expect(ack.status).toBe(200);
    // Stopped, but not "met": it breached first.
    expect(ack.body.sla.firstResponse).toMatchObject({ state: "breached", metAt: null });
    expect(ack.body.sla.firstResponse.stoppedAt).not.toBeNull();
    // The resolution clock (4 h) may warn meanwhile, but no first-response repeat follows the acknowledgement.
    const after = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    expect(after.sla.firstResponse.escalatedAt).toHaveLength(3);
    expect(pagesAfterAck - pagesAfterRepeats).toBeLessThanOrEqual(1);
  });

  it("stops repeating after 8 unanswered repeats and pages the second contact (the local default) instead", async () => {
    // Prepare: P1 first response breaches at 15 min and repeats every 15 min.
    const { body } = await h.report(reportData({ incidentType: "key_compromise" }));
    const openedAt = Date.parse((await h.operator(`/v1/cases/${body.caseId}`)).body.sla.firstResponse.dueAt) - 900_000;
    // Instants measured from the opening, 30 s past each milestone: the timer wakes on whole seconds and
    // real time runs between the steps, so an advance by exact intervals could stop a fraction short.
    const advanceTo = async (sinceOpening: number) =>
      h.advance(Math.max(0, Math.ceil((openedAt + sinceOpening * 1000 - (await h.now()).getTime()) / 1000)));
    // Act
    await advanceTo(15 * 60 + 8 * 15 * 60 + 30);
    const afterLastRepeat = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    await advanceTo(15 * 60 + 9 * 15 * 60 + 30);
    const exhausted = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    await h.advance(60 * 60);
    const later = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    // Assess
    // The view lists the breach page first, then each repeat: 1 + 8.
    expect(afterLastRepeat.sla.firstResponse.escalatedAt).toHaveLength(9);
    expect(afterLastRepeat.sla.firstResponse.exhaustedAt).toBeNull();
    expect(exhausted.sla.firstResponse.exhaustedAt).not.toBeNull();
    expect(later.sla.firstResponse.escalatedAt).toHaveLength(9);
    expect(later.sla.firstResponse.breachedAt).not.toBeNull();
    const event = later.timeline.find((item: { type: string }) => item.type === "sla.escalation_exhausted");
    expect(event?.detail).toMatchObject({ clock: "firstResponse", repeats: 8, secondContact: ["email"] });
    const secondContact = (await h.messages("oncall-lead@vigil.local")).filter((m) => m.text.includes(body.caseId));
    expect(secondContact).toHaveLength(1);
  });

  it("does not breach first response when an agent acknowledges the case in time", async () => {
    // Prepare
    const { body } = await h.report(reportData({ incidentType: "sim_swap" }));
    // Act
    await h.advance(5 * 60);
    await h.operator(`/v1/cases/${body.caseId}/actions`, { body: { action: "acknowledge", agent: "li" } });
    await h.advance(20 * 60);
    const view = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    // Assess
    expect(view.sla.firstResponse.metAt).not.toBeNull();
    expect(view.sla.firstResponse.breachedAt).toBeNull();
    expect(view.priority).toBe("P1");
  });

  it("raises a P2 case to P1 when it breaches first response at 1 h", async () => {
    // Prepare
    const { body } = await h.report(reportData({ incidentType: "malware", signals: {} }));
    // Act
    await h.advance(60 * 60 + 1);
    const view = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    // Assess
    expect(body.priority).toBe("P2");
    expect(view.sla.firstResponse.breachedAt).not.toBeNull();
    expect(view.priority).toBe("P1");
  });

  it("re-targets the clocks when a merged report with drainObserved raises the priority", async () => {
    // Prepare
    const data = reportData({ incidentType: "malware", signals: {} });
    const first = await h.report(data);
    const before = (await h.operator(`/v1/cases/${first.body.caseId}`)).body;
    // Act
    await h.report({ ...data, signals: { drainObserved: true } });
    const after = (await h.operator(`/v1/cases/${first.body.caseId}`)).body;
    // Assess
    expect(after.priority).toBe("P1");
    expect(Date.parse(after.sla.firstResponse.dueAt)).toBeLessThan(Date.parse(before.sla.firstResponse.dueAt));
    expect(Date.parse(after.sla.firstResponse.dueAt) - Date.parse(before.sla.firstResponse.dueAt)).toBe(-45 * 60_000);
  });

  it("pauses resolution while waiting on the reporter and closes the case unverified after 24 h with a reopen link", async () => {
    // Prepare
    const data = reportData({ incidentType: "phishing", signals: {} });
    const { body } = await h.report(data);
    const waiting = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    // Act
    await h.advance(24 * 3600 + 1);
    const closed = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    const email = (data.reporter as { email: string }).email;
    const last = (await h.messages(email))[0];
    // Assess
    expect(waiting.status).toBe("awaiting_verification");
    expect(closed.status).toBe("closed");
    expect(closed.closeReason).toBe("unverified");
    expect(closed.sla.resolution.pausedSeconds).toBe(24 * 3600);
    expect(last?.text).toMatch(/\/v1\/verify\/[A-Za-z0-9_-]{40,}/);
  });
});
