import { beforeEach, describe, expect, it } from "vitest";
import { hashCode } from "../../../src/domain/verification.js";
import type { Case } from "../../../src/schemas/case.js";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeAcknowledgeReport, makeRequestVerification } from "../../../src/use-cases/case-steps.js";
import { makeDrainOutbound } from "../../../src/use-cases/drain-outbound.js";
import { makeNotifyReporter } from "../../../src/use-cases/notify.js";
import { makeTestDeps, seedCase, type TestDeps } from "../../fixtures/deps.js";

const PEPPER = "test-pepper-0123456789abcdef";
const emailOnly = { reporter: { email: "ana@example.com", locale: "en" } };

/** Opens a case whose acknowledgement waits in the queue (behind a backlog). */
async function queuedAcknowledgement(deps: TestDeps, report: Parameters<typeof seedCase>[1]): Promise<Case> {
  const item = await seedCase(deps, report);
  deps.outbound.backlog.add("email");
  await makeAcknowledgeReport(deps)({ caseId: item.caseId, generation: 1 });
  return item;
}

/** Opens a case whose verification request (task token `token-1`) waits in the queue of each of `channels`. */
async function queuedVerification(
  deps: TestDeps,
  report: Parameters<typeof seedCase>[1],
  channels: Array<"email" | "sms">,
): Promise<Case> {
  const item = await seedCase(deps, report);
  for (const channel of channels) deps.outbound.backlog.add(channel);
  await makeRequestVerification(deps)({ caseId: item.caseId, generation: 1, taskToken: "token-1" });
  return item;
}

async function stored(deps: TestDeps, caseId: string): Promise<Case> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new Error("no case");
  return found.case;
}

describe("makeDrainOutbound", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps({ sesMaxSendRate: 2 });
  });

  it("sends the queued messages at the configured rate, P1 first, and lowers the backlog flag once empty", async () => {
    // Prepare: four acknowledgements wait, a P4 one first.
    const p4 = await queuedAcknowledgement(deps, { ...emailOnly, incidentType: "other" });
    const p3 = await queuedAcknowledgement(deps, { ...emailOnly, incidentType: "phishing" });
    const p1 = await queuedAcknowledgement(deps, { ...emailOnly, incidentType: "key_compromise" });
    const p1b = await queuedAcknowledgement(deps, { ...emailOnly, incidentType: "sim_swap" });
    const drain = makeDrainOutbound(deps);

    const t0 = deps.clock.now();

    // Act: a pass now, then one a second later.
    const first = await drain();
    const sentFirst = deps.email.sent.map((email) => email.subject);
    deps.clock.advance(1);
    const second = await drain();
    const third = await drain();

    // Assess
    expect(sentFirst).toEqual([
      `We received your report (case ${p1.caseId})`,
      `We received your report (case ${p1b.caseId})`,
    ]);
    expect(first).toMatchObject({ sent: 2, waiting: { email: 2 } });
    expect(first.nextAt).toBe(t0 + 500);
    expect(deps.email.sent.slice(2).map((email) => email.subject)).toEqual([
      `We received your report (case ${p3.caseId})`,
      `We received your report (case ${p4.caseId})`,
    ]);
    expect(second).toMatchObject({ sent: 2 });
    expect(third).toEqual({ sent: 0, waiting: { email: 0, sms: 0 }, nextAt: null });
    expect(await deps.outbound.hasBacklog("email")).toBe(false);
  });

  it("reads the queue again after one second's worth of sends, however slow they are: a P1 queued meanwhile goes next", async () => {
    // Prepare: one email a second; three P4 acknowledgements wait; each send takes a second, and a P1
    // report comes in during the first.
    deps = makeTestDeps({ sesMaxSendRate: 1 });
    const p4 = [];
    for (let i = 0; i < 3; i++) p4.push(await queuedAcknowledgement(deps, { ...emailOnly, incidentType: "other" }));
    const send = deps.email.send.bind(deps.email);
    let p1: Case | undefined;
    deps.email.send = async (email) => {
      await send(email);
      deps.clock.advance(1);
      p1 ??= await queuedAcknowledgement(deps, { ...emailOnly, incidentType: "key_compromise" });
    };
    const drain = makeDrainOutbound(deps);

    // Act: passes as the runtime runs them, each when the last one said.
    const passes = [];
    for (let pass = 0; pass < 4; pass++) {
      const result = await drain();
      passes.push(result.sent);
      deps.clock.advance(Math.max(0, ((result.nextAt ?? deps.clock.now()) - deps.clock.now()) / 1000));
    }

    // Assess: one send a pass; the P1 right after the send it arrived during, not after the stale read's rest.
    expect(passes).toEqual([1, 1, 1, 1]);
    expect(deps.email.sent.map((email) => email.subject)).toEqual(
      [p4[0], p1, p4[1], p4[2]].map((item) => `We received your report (case ${item?.caseId})`),
    );
  });

  it("sends a case's acknowledgement before its guidance, whatever order they were queued in", async () => {
    // Prepare
    const item = await seedCase(deps, { ...emailOnly, incidentType: "key_compromise" });
    const notify = makeNotifyReporter(deps, makeMutateCase(deps));
    deps.outbound.backlog.add("email");
    await notify(item.caseId, "guidance");
    await notify(item.caseId, "acknowledgement");

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(deps.email.sent.map((email) => email.subject)).toEqual([
      `We received your report (case ${item.caseId})`,
      expect.not.stringContaining("We received"),
    ]);
  });

  it("backs the channel off when the provider still throttles, and loses nothing", async () => {
    // Prepare
    const item = await queuedAcknowledgement(deps, emailOnly);
    deps.email.failNext = 1;
    const drain = makeDrainOutbound(deps);

    // Act
    const throttled = await drain();
    const early = await drain();
    deps.clock.advance(1);
    const later = await drain();

    // Assess
    expect(throttled).toMatchObject({ sent: 0, nextAt: deps.clock.now() });
    expect(early.sent).toBe(0);
    expect(later.sent).toBe(1);
    expect(deps.email.sent[0]?.subject).toBe(`We received your report (case ${item.caseId})`);
    expect(deps.metrics.counts.PacedSendThrottled).toBeUndefined();
  });

  it("counts a throttled drain send and retries it after the back-off", async () => {
    // Prepare
    await queuedAcknowledgement(deps, emailOnly);
    const drain = makeDrainOutbound(deps);
    deps.email.send = async () => {
      throw Object.assign(new Error("SES SendEmail failed: Throttling"), { name: "TransientError" });
    };

    // Act
    await drain();

    // Assess
    const [waiting] = [...deps.outbound.items.values()];
    expect(waiting).toMatchObject({ attempts: 1, notBefore: deps.clock.now() + 1000 });
    expect(deps.metrics.counts.PacedSendThrottled).toBe(1);
  });

  it("gives a message up after 24 hours: throttled_out on the case, counted, removed", async () => {
    // Prepare
    const item = await queuedAcknowledgement(deps, emailOnly);
    deps.clock.advance(24 * 3600 + 1);

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(deps.email.sent).toHaveLength(0);
    expect(deps.outbound.items.size).toBe(0);
    expect((await stored(deps, item.caseId)).failures).toEqual([
      expect.objectContaining({ step: "message.acknowledgement.email", error: "throttled_out" }),
    ]);
    expect(deps.metrics.counts.MessageExpired).toBe(1);
  });

  it("stops trusting the channel when the provider refuses the queued message for good", async () => {
    // Prepare
    const item = await queuedAcknowledgement(deps, emailOnly);
    deps.email.undeliverable = "rejected";

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    const after = await stored(deps, item.caseId);
    expect(after.channels.email).toBe(false);
    expect(after.failures).toEqual([expect.objectContaining({ error: "rejected" })]);
    expect(deps.outbound.items.size).toBe(0);
  });

  it("fails the waiting verification task with ReporterUnreachable when the queued link is refused for good", async () => {
    // Prepare: the verification email waits behind a backlog; SES then refuses the address.
    const item = await queuedVerification(deps, { incidentType: "phishing" }, ["email"]);
    deps.email.undeliverable = "rejected";

    // Act
    await makeDrainOutbound(deps)();

    // Assess: as when RequestVerification learns it itself, the workflow escalates to an agent at once.
    expect(deps.workflow.responses).toEqual([{ token: "token-1", outcome: "failure", error: "ReporterUnreachable" }]);
    expect((await stored(deps, item.caseId)).channels.email).toBe(false);
    expect([...deps.outbound.items.values()].filter((m) => m.channel === "email")).toEqual([]);
  });

  it("keeps the refused message and tells the workflow at the next attempt when SendTaskFailure fails", async () => {
    // Prepare
    await queuedVerification(deps, { ...emailOnly, incidentType: "phishing" }, ["email"]);
    deps.email.undeliverable = "rejected";
    deps.workflow.failResponses = 1;
    const drain = makeDrainOutbound(deps);

    // Act: the first attempt cannot reach Step Functions; the retry after the back-off can.
    await drain();
    const kept = [...deps.outbound.items.values()].map((m) => m.attempts);
    deps.clock.advance(1);
    await drain();

    // Assess
    expect(kept).toEqual([1]);
    expect(deps.workflow.responses).toEqual([{ token: "token-1", outcome: "failure", error: "ReporterUnreachable" }]);
    expect(deps.outbound.items.size).toBe(0);
    expect(deps.email.sent).toEqual([]);
  });

  it("leaves the verification waiting when only the queued SMS code is refused (the agent checks identity)", async () => {
    // Prepare
    const item = await queuedVerification(deps, { incidentType: "phishing" }, ["sms"]);
    deps.sms.undeliverable = "opted_out";

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    const after = await stored(deps, item.caseId);
    expect(deps.workflow.responses).toEqual([]);
    expect(after.channels.sms).toBe(false);
    expect(after.workflow.waiting?.kind).toBe("verification");
  });

  it("mints a fresh link and code for a queued verification request and keeps the code's hash on the case", async () => {
    // Prepare: both channels are behind a backlog when the workflow asks for verification.
    const item = await queuedVerification(deps, { incidentType: "phishing" }, ["email", "sms"]);

    // Act
    await makeDrainOutbound(deps)();

    // Assess
    expect(deps.email.sent[0]?.text).toContain("https://vigil.test/v1/verify/");
    const code = /\b(\d{6,8})\b/.exec(deps.sms.sent[0]?.text ?? "")?.[1] ?? "";
    expect((await stored(deps, item.caseId)).verification.code?.hash).toBe(hashCode(PEPPER, item.caseId, code));
  });

  it("drops a queued verification request the case no longer waits for, sending nothing", async () => {
    // Prepare
    const item = await queuedVerification(deps, { incidentType: "phishing" }, ["email", "sms"]);
    await makeMutateCase(deps)(item.caseId, (current) => ({
      case: { ...current, status: "verified", workflow: { ...current.workflow, waiting: null } },
      events: [],
    }));

    // Act
    const result = await makeDrainOutbound(deps)();

    // Assess
    expect(result.sent).toBe(0);
    expect(deps.email.sent).toHaveLength(0);
    expect(deps.sms.sent).toHaveLength(0);
    expect(deps.outbound.items.size).toBe(0);
  });

  it("runs passes until its time is up, sleeping until the next token, then polling while idle", async () => {
    // Prepare: five messages at 2/s.
    for (let i = 0; i < 5; i++) await queuedAcknowledgement(deps, emailOnly);
    const sleeps: number[] = [];
    const drain = makeDrainOutbound(deps, async (ms) => {
      sleeps.push(ms);
      deps.clock.current += ms;
    });

    // Act
    const result = await drain({ runForMs: 10_000 });

    // Assess
    expect(result).toEqual({ sent: 5, waiting: { email: 0, sms: 0 }, nextAt: null });
    expect(deps.clock.now()).toBeGreaterThan(Date.parse("2026-11-25T08:00:08.000Z"));
    expect(sleeps.slice(0, 3)).toEqual([500, 500, 500]);
    expect(sleeps.slice(3).every((ms) => ms === 2000)).toBe(true);
  });
});
