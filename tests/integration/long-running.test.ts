import { GetExecutionHistoryCommand, type HistoryEvent, ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIMER_LIMITS } from "../../src/domain/timer.js";
import { type Harness, reportData, startHarness } from "./harness.js";

const DAY = 24 * 3600;
const ONCALL = "oncall@vigil.local";
const SECOND_EMAIL = "lead@vigil.local";
const SECOND_PHONE = "+14155550199";
const LINK = /\/v1\/verify\/([A-Za-z0-9_-]{40,})/;
/**
 * A deployment that repeats P1 escalations once a day up to 50 times: the default (every 15 min, 8
 * times) ends a P1 case's timer within a day, long before 100 wakes; this one keeps one timer
 * generation busy for 51 days (two clocks × 54 wakes), so the 60 days cross the hand-over.
 */
const REPEAT_SECONDS = DAY;
const REPEAT_LIMIT = 50;

describe("a P1 case left unresolved for 60 days on the local runtime's virtual clock", () => {
  let h: Harness;
  let sfn: SFNClient;

  beforeAll(async () => {
    h = await startHarness({
      env: {
        VIGIL_ONCALL_ESCALATION_EMAIL: SECOND_EMAIL,
        VIGIL_ONCALL_ESCALATION_PHONE: SECOND_PHONE,
        VIGIL_POLICY: JSON.stringify({
          escalationRepeatLimit: REPEAT_LIMIT,
          escalationRepeatSeconds: { P1: REPEAT_SECONDS },
        }),
      },
    });
    sfn = new SFNClient({
      endpoint: `http://127.0.0.1:${h.runtime.ports.sfn}`,
      region: "eu-west-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  });
  afterAll(async () => {
    sfn.destroy();
    await h.stop();
  });

  /** The case's SLA timer executions, with the history of each, oldest first. */
  async function slaTimerExecutions(caseId: string) {
    const stateMachineArn = h.runtime.sfn.stateMachineArn("vigil-timer");
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    const ours = (listed.executions ?? []).filter((execution) => execution.name?.startsWith(`${caseId}-sla-`));
    return Promise.all(
      ours.map(async (execution) => {
        const events: HistoryEvent[] = [];
        let nextToken: string | undefined;
        do {
          const page = await sfn.send(
            new GetExecutionHistoryCommand({ executionArn: execution.executionArn, nextToken, maxResults: 1000 }),
          );
          events.push(...(page.events ?? []));
          nextToken = page.nextToken;
        } while (nextToken);
        return { name: execution.name as string, status: execution.status as string, events };
      }),
    );
  }

  const slaPages = async (to: string, caseId: string, clock: string) =>
    (await h.messages(to)).filter((message) => message.text.includes(caseId) && message.text.includes(clock));

  it("pages the breach, every repeat, then the second contact once per clock, and its timers hand over before the history limit", async () => {
    // Prepare: a key compromise, verified by the reporter (so the case waits on agents, not on the reporter).
    const data = reportData({ incidentType: "key_compromise" });
    const reporter = data.reporter as { email: string; phone: string };
    const { body } = await h.report(data);
    const caseId = body.caseId as string;
    const token = (await h.messages(reporter.email)).map((m) => LINK.exec(m.text)?.[1]).find(Boolean);
    const code = (await h.messages(reporter.phone)).map((m) => /\b(\d{6,8})\b/.exec(m.text)?.[1]).find(Boolean);
    const verified = await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ decision: "confirm", code }),
    });
    await h.settle();

    // Act: nobody acknowledges; the clock runs 60 days in three large steps.
    await h.advance(20 * 60);
    const afterBreach = (await h.operator(`/v1/cases/${caseId}`)).body;
    const breachPages = await slaPages(ONCALL, caseId, "first response");
    await h.advance(20 * DAY);
    const midway = await slaTimerExecutions(caseId);
    await h.advance(60 * DAY - 20 * DAY - 20 * 60);
    const view = (await h.operator(`/v1/cases/${caseId}`)).body;
    const queue = (await h.operator("/v1/cases?priority=P1")).body;
    const executions = await slaTimerExecutions(caseId);

    // Assess: breach at 15 min, paged at once.
    expect(body.priority).toBe("P1");
    expect(verified.status).toBe(200);
    expect(afterBreach.sla.firstResponse.breachedAt).not.toBeNull();
    expect(breachPages.some((page) => page.text.includes("breached"))).toBe(true);
    // Every repeat, then exhaustion one interval after the last one; the case stays breached and listed.
    for (const clock of ["firstResponse", "resolution"] as const) {
      const sla = view.sla[clock];
      expect(sla.breachedAt).not.toBeNull();
      // The view lists the breach page first, then each repeat.
      expect(sla.escalatedAt).toHaveLength(1 + REPEAT_LIMIT);
      const lastRepeat = Date.parse(sla.escalatedAt.at(-1));
      expect(Date.parse(sla.exhaustedAt) - lastRepeat).toBe(REPEAT_SECONDS * 1000);
      expect(Date.parse(sla.exhaustedAt) - Date.parse(sla.breachedAt)).toBe((REPEAT_LIMIT + 1) * REPEAT_SECONDS * 1000);
    }
    expect(view.status).not.toMatch(/resolved|closed/);
    expect(view.priority).toBe("P1");
    expect(queue.cases.map((listed: { caseId: string }) => listed.caseId)).toContain(caseId);
    const exhausted = view.timeline.filter((event: { type: string }) => event.type === "sla.escalation_exhausted");
    expect(exhausted.map((event: { detail: { clock: string } }) => event.detail.clock).sort()).toEqual([
      "firstResponse",
      "resolution",
    ]);
    // The on-call got the breach and the 60 repeats of first response; nothing more after the exhaustion.
    const firstResponsePages = await slaPages(ONCALL, caseId, "first response");
    expect(firstResponsePages.filter((page) => /breached/.test(page.text))).toHaveLength(1 + REPEAT_LIMIT);
    const exhaustedAt = Date.parse(view.sla.firstResponse.exhaustedAt);
    expect(firstResponsePages.filter((page) => Date.parse(page.sentAt) > exhaustedAt)).toEqual([]);
    // The second contact: one email and one SMS per exhausted clock.
    const secondEmails = (await h.messages(SECOND_EMAIL)).filter((message) => message.text.includes(caseId));
    const secondSms = (await h.messages(SECOND_PHONE)).filter((message) => message.text.includes(caseId));
    expect(secondEmails).toHaveLength(2);
    expect(secondSms).toHaveLength(2);
    expect(secondEmails.every((message) => message.text.includes(`${REPEAT_LIMIT} unanswered repeat`))).toBe(true);
    // The timer handed over (continue-as-new) and no execution came near 25,000 history events.
    const handedOver = executions.filter((execution) => /-s\d+$/.test(execution.name));
    expect(handedOver.length).toBeGreaterThanOrEqual(1);
    const predecessor = executions.find((execution) => execution.name === handedOver[0]?.name.replace(/-s1$/, ""));
    const lastStates = predecessor?.events
      .filter((event) => event.type?.endsWith("StateEntered"))
      .map((event) => event.stateEnteredEventDetails?.name)
      .slice(-2);
    expect(lastStates).toEqual(["HandOverTimer", "TimerHandedOver"]);
    expect(predecessor?.status).toBe("SUCCEEDED");
    const counts = executions.map((execution) => execution.events.length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(1 + TIMER_LIMITS.wakesPerExecution * 9 + 8);
    expect(Math.max(...counts)).toBeLessThan(TIMER_LIMITS.historyEventLimit / 20);
    // Midway the timer was still running; at 60 days nothing of this case is left to wake for.
    expect(midway.some((execution) => execution.status === "RUNNING")).toBe(true);
    expect(executions.filter((execution) => execution.status === "RUNNING")).toEqual([]);
    // About 200 timer fires and 60 case-workflow loops on dynalite: seconds of CPU, more on a shared machine.
  }, 180_000);
});
