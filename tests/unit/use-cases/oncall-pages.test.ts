import { beforeEach, describe, expect, it } from "vitest";
import { measureSms } from "../../../src/domain/messages/index.js";
import { MessageUndeliverableError } from "../../../src/errors/index.js";
import type { QueuedMessage } from "../../../src/ports/outbound-queue.js";
import type { TimerInput } from "../../../src/ports/workflow-client.js";
import type { Case } from "../../../src/schemas/case.js";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeEscalateCase } from "../../../src/use-cases/case-steps.js";
import { makeDrainOutbound } from "../../../src/use-cases/drain-outbound.js";
import { makeNotifyReporter, notifyOncall } from "../../../src/use-cases/notify.js";
import { makeFireSlaTimer, makeRearmSlaTimer } from "../../../src/use-cases/sla-timer.js";
import { makeTestDeps, seedCase, type TestDeps } from "../../fixtures/deps.js";

const ONCALL_PHONE = "+14155550142";
const emailOnly = { reporter: { email: "ana@example.com", locale: "en" } };
const breach = { reason: "first response breached", clock: "firstResponse", event: "breach" } as const;

const oncallMail = (deps: TestDeps) => deps.email.sent.filter((email) => email.to === deps.config.oncallEmail);
const queued = (deps: TestDeps): QueuedMessage[] => [...deps.outbound.items.values()];

/** Pages the on-call about `n` new cases while the email channel has a backlog. */
async function queuedPages(deps: TestDeps, n: number, report: Parameters<typeof seedCase>[1] = emailOnly) {
  deps.outbound.backlog.add("email");
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const item = await seedCase(deps, report);
    await notifyOncall(deps, item, breach, { key: `oncall#test-${i}` });
    cases.push(item);
  }
  return cases;
}

describe("notifyOncall (paced pages, ADR 0014)", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps({ oncallPhone: ONCALL_PHONE });
  });

  it("sends at once when the channels have no backlog", async () => {
    // Prepare
    const item = await seedCase(deps, emailOnly);

    // Act
    const outcome = await notifyOncall(deps, item, breach, { key: "oncall#now" });

    // Assess
    expect(outcome).toEqual({ email: "sent", sms: "sent" });
    expect(oncallMail(deps)).toHaveLength(1);
    expect(deps.sms.sent.map((sms) => sms.to)).toEqual([ONCALL_PHONE]);
    expect(queued(deps)).toEqual([]);
  });

  it("queues the page behind a backlog, ranked ahead of every reporter message, with no address in the queue", async () => {
    // Prepare
    const item = await seedCase(deps, { ...emailOnly, incidentType: "key_compromise" });
    deps.outbound.backlog.add("email");
    await makeNotifyReporter(deps, makeMutateCase(deps))(item.caseId, "acknowledgement");

    // Act
    const outcome = await notifyOncall(deps, item, breach, { key: "oncall#behind" });

    // Assess
    expect(outcome).toEqual({ email: "queued", sms: "sent" });
    expect(oncallMail(deps)).toEqual([]);
    const head = (await deps.outbound.peek("email", 10))[0];
    expect(head).toMatchObject({
      kind: "oncall_escalation",
      rank: "P0#1",
      recipient: "oncall",
      key: "oncall#behind#email",
    });
    expect(JSON.stringify(queued(deps))).not.toContain(deps.config.oncallEmail);
    expect(deps.metrics.counts.MessageQueued).toBe(2);
  });

  it("queues a throttled page instead of failing, and a retried page rewrites the same entry", async () => {
    // Prepare
    const item = await seedCase(deps, emailOnly);
    deps.email.failNext = 2;

    // Act
    await notifyOncall(deps, item, breach, { key: "oncall#throttled" });
    await notifyOncall(deps, item, breach, { key: "oncall#throttled" });

    // Assess
    expect(queued(deps).map((message) => message.id)).toEqual([`${item.caseId}#oncall#throttled#email`]);
    expect(await deps.outbound.hasBacklog("email")).toBe(true);
  });

  it("throws a permanent refusal (for the caller's OncallPageFailed) and queues nothing for it", async () => {
    // Prepare
    const item = await seedCase(deps, emailOnly);
    deps.email.undeliverable = "rejected";

    // Act
    const paging = notifyOncall(deps, item, breach, { key: "oncall#refused" });

    // Assess: the SMS still went out.
    await expect(paging).rejects.toBeInstanceOf(MessageUndeliverableError);
    expect(queued(deps)).toEqual([]);
    expect(deps.sms.sent).toHaveLength(1);
  });
});

describe("pages from the queue (drain-outbound)", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps({ sesMaxSendRate: 2 });
  });

  it("sends one waiting page as itself, before any reporter message", async () => {
    // Prepare: a P1 acknowledgement waits, then a page about a P3 case.
    const p1 = await seedCase(deps, { ...emailOnly, incidentType: "key_compromise" });
    deps.outbound.backlog.add("email");
    await makeNotifyReporter(deps, makeMutateCase(deps))(p1.caseId, "acknowledgement");
    const [p3] = await queuedPages(deps, 1, { ...emailOnly, incidentType: "phishing" });

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(deps.email.sent.map((email) => email.to)).toEqual([deps.config.oncallEmail, "ana@example.com"]);
    expect(deps.email.sent[0]?.subject).toBe(`[P3] SLA breached, first response: case ${p3?.caseId} (phishing)`);
    expect(deps.email.sent[0]?.text).toContain(`https://vigil.test/console/cases/${p3?.caseId}`);
  });

  it("sends the pages that waited as one digest, then holds new ones for a minute", async () => {
    // Prepare
    const cases = await queuedPages(deps, 7);
    const drain = makeDrainOutbound(deps);
    const t0 = deps.clock.now();

    // Act: the digest; a page and an acknowledgement queued meanwhile; a pass half a minute later; a pass
    // after the minute.
    await drain();
    const first = oncallMail(deps);
    const [late] = await queuedPages(deps, 1);
    const reporter = await seedCase(deps, emailOnly);
    await makeNotifyReporter(deps, makeMutateCase(deps))(reporter.caseId, "acknowledgement");
    deps.clock.advance(30);
    const held = await drain();
    const afterHalf = oncallMail(deps).length;
    const ackDuringHold = deps.email.sent.some((email) => email.subject.includes(reporter.caseId));
    deps.clock.advance(31);
    await drain();

    // Assess
    expect(first).toHaveLength(1);
    expect(first[0]?.subject).toBe("[P2] 7 on-call pages in one digest: 7 SLA breaches");
    expect(first[0]?.text).toContain("By priority: P2 7.");
    expect(first[0]?.text).toContain(`https://vigil.test/console/cases/${cases[0]?.caseId}`);
    expect(first[0]?.text).toContain("- and 2 more");
    expect(first[0]?.text).toContain("Every waiting case, gravest first: https://vigil.test/console/");
    // The held page does not hold the reporter's message, and the drain looks again within 2 s.
    expect(ackDuringHold).toBe(true);
    expect(held.nextAt).toBe(t0 + 32_000);
    expect(afterHalf).toBe(1);
    expect(oncallMail(deps)[1]?.subject).toContain(`case ${late?.caseId}`);
    expect(queued(deps)).toEqual([]);
    expect(await deps.outbound.hasBacklog("email")).toBe(false);
  });

  it("texts the on-call phone one digest within one GSM-7 segment and without a link", async () => {
    // Prepare
    deps = makeTestDeps({ sesMaxSendRate: 2, oncallPhone: ONCALL_PHONE });
    deps.outbound.backlog.add("sms");
    await queuedPages(deps, 40);

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(deps.sms.sent).toHaveLength(1);
    const text = deps.sms.sent[0]?.text ?? "";
    expect(text).toMatch(/^Vigil: 40 on-call pages \(40 P2\)/);
    expect(measureSms(text)).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(text).not.toMatch(/https?:/);
  });

  it("pages the second contact in its own message", async () => {
    // Prepare
    deps = makeTestDeps({ sesMaxSendRate: 5, oncallEscalationEmail: "lead@vigil.test" });
    const [item] = await queuedPages(deps, 2);
    await notifyOncall(deps, item as Case, { ...breach, event: "escalation" }, { key: "x", recipient: "second" });

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(deps.email.sent.map((email) => email.to)).toEqual([deps.config.oncallEmail, "lead@vigil.test"]);
    expect(deps.email.sent[1]?.subject).toContain("Escalation");
  });

  it("never gives a page up for its age", async () => {
    // Prepare
    await queuedPages(deps, 3);
    deps.clock.advance(25 * 3600);

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(oncallMail(deps)).toHaveLength(1);
    expect(deps.metrics.counts.MessageExpired ?? 0).toBe(0);
  });

  it("counts every page of a digest refused for good as a failed page and removes them", async () => {
    // Prepare
    await queuedPages(deps, 3);
    deps.email.undeliverable = "rejected";

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(deps.metrics.counts.OncallPageFailed).toBe(3);
    expect(queued(deps)).toEqual([]);
  });

  it("keeps the pages and backs the channel off when the provider throttles the digest", async () => {
    // Prepare
    await queuedPages(deps, 3);
    const ses = deps.email;
    const send = ses.send.bind(ses);
    let throttles = 1;
    ses.send = async (email) => {
      if (throttles-- > 0)
        throw Object.assign(new Error("Maximum sending rate exceeded (throttling)"), { name: "TransientError" });
      return send(email);
    };
    const drain = makeDrainOutbound(deps);
    const t0 = deps.clock.now();

    // Act
    const first = await drain();
    const kept = queued(deps).length;
    deps.clock.advance(1);
    await drain();

    // Assess
    expect(kept).toBe(3);
    expect(first.nextAt).toBe(t0 + 1000);
    expect(deps.metrics.counts.PacedSendThrottled).toBe(1);
    expect(oncallMail(deps)).toHaveLength(1);
    expect(queued(deps)).toEqual([]);
  });
});

describe("on-call pages of the workflow steps during a backlog", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps();
  });

  it("EscalateCase queues its page and marks it sent, so a retried step pages no more", async () => {
    // Prepare
    const item = await seedCase(deps, emailOnly);
    deps.outbound.backlog.add("email");
    const escalate = makeEscalateCase(deps);
    const input = { caseId: item.caseId, generation: 1, failure: { Error: "TransientError" } };

    // Act
    await escalate(input);
    await escalate(input);

    // Assess
    expect(oncallMail(deps)).toEqual([]);
    expect(queued(deps).map((message) => message.key)).toEqual(["oncall#escalation-1-1#email"]);
    expect((await deps.cases.get(item.caseId))?.case.sent).toContain("oncall#escalation-1-1");
    expect(deps.metrics.counts.OncallPageFailed ?? 0).toBe(0);
  });

  it("the SLA timer queues its page under the milestone's key without counting a failure", async () => {
    // Prepare
    const item = await seedCase(deps, { ...emailOnly, incidentType: "key_compromise" });
    await makeRearmSlaTimer(deps)(item.caseId);
    const timer = deps.workflow.started.filter((start) => start.kind === "timer").at(-1)?.input as TimerInput;
    deps.outbound.backlog.add("email");
    deps.clock.advance(30);

    // Act
    await makeFireSlaTimer(deps)(timer);

    // Assess
    expect(oncallMail(deps)).toEqual([]);
    expect(queued(deps)).toEqual([
      expect.objectContaining({ kind: "oncall_escalation", vars: expect.objectContaining({ event: "warning" }) }),
    ]);
    expect(queued(deps)[0]?.key).toMatch(/^oncall#sla-warning-containment-\d+#email$/);
    expect(deps.metrics.counts.OncallPageFailed ?? 0).toBe(0);
  });
});
