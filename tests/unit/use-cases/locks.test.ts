import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deliveryTimerName } from "../../../src/domain/execution-names.js";
import { ActionNotAllowedError, TransientError } from "../../../src/errors/index.js";
import type { Delivery } from "../../../src/ports/delivery-store.js";
import type { TimerInput } from "../../../src/ports/workflow-client.js";
import type { Case } from "../../../src/schemas/case.js";
import type { Report } from "../../../src/schemas/report.js";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeDeliverCaseUpdate, makeFireDelivery, makeReplayDelivery } from "../../../src/use-cases/deliveries.js";
import { makeRequestLock, makeRequestUnlock } from "../../../src/use-cases/lock-requests.js";
import { makeTestDeps, seedCase as seedTestCase, TEST_PROVIDER_SECRET, type TestDeps } from "../../fixtures/deps.js";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const HOUR = 3600;
const AGENT = "agent.bob";
const LOCK = "account.lock.requested";
const UNLOCK = "account.unlock.requested";

const seedCase = (deps: TestDeps, report: Partial<Report> = {}): Promise<Case> =>
  seedTestCase(deps, { incidentType: "key_compromise", ...report });

async function stored(deps: TestDeps, caseId: string): Promise<Case> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new Error(`case ${caseId} missing`);
  return found.case;
}

async function patch(deps: TestDeps, caseId: string, change: (current: Case) => Partial<Case>): Promise<Case> {
  return makeMutateCase(deps)(caseId, (current) => ({ case: { ...current, ...change(current) }, events: [] }));
}

const deliveriesOf = (deps: TestDeps, type?: Delivery["type"]) =>
  [...deps.deliveries.deliveries.values()].filter((delivery) => !type || delivery.type === type);

function onlyDelivery(deps: TestDeps, type: Delivery["type"]): Delivery {
  const found = deliveriesOf(deps, type);
  expect(found).toHaveLength(1);
  return found[0] as Delivery;
}

/** The input the delivery's timer execution was started with. */
function timerOf(deps: TestDeps, deliveryId: string, generation = 1): TimerInput {
  const start = deps.workflow.started.find((started) => started.name === deliveryTimerName(deliveryId, generation));
  if (!start) throw new Error(`no timer for ${deliveryId}`);
  return start.input as TimerInput;
}

/**
 * Plays the timer workflow (`WaitUntilDue` → `FireTimer` → `CheckNextTimer`) on the fake clock:
 * each step moves the clock to the timer's due time and fires. Returns the final timer output.
 */
async function runTimer(deps: TestDeps, deliveryId: string, generation = 1, maxSteps = 20): Promise<TimerInput> {
  const fire = makeFireDelivery(deps);
  let timer = timerOf(deps, deliveryId, generation);
  for (let step = 0; step < maxSteps; step++) {
    deps.clock.current = Math.max(deps.clock.current, Date.parse(timer.at));
    timer = await fire(timer);
    if (timer.done) return timer;
  }
  throw new Error(`timer for ${deliveryId} still running after ${maxSteps} steps`);
}

/** When the provider received each request (from its `webhook-timestamp`, in ms, to the second). */
const attemptTimes = (deps: TestDeps) =>
  deps.transport.requests.map((request) => Number(request.headers["webhook-timestamp"]) * 1000);

const oncallMail = (deps: TestDeps) => deps.email.sent.filter((email) => email.to === deps.config.oncallEmail);
const reporterMail = (deps: TestDeps) => deps.email.sent.filter((email) => email.to === "ana@example.com");
const auditTypes = async (deps: TestDeps, caseId: string) =>
  (await deps.cases.listAudit(caseId)).map((event) => event.type);

async function refusal(promise: Promise<unknown>): Promise<ActionNotAllowedError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ActionNotAllowedError);
  return error as ActionNotAllowedError;
}

/** A case whose lock the provider acknowledged at T0, with the given proofs recorded. */
async function lockedCase(
  deps: TestDeps,
  report: Partial<Report>,
  proofs: { email?: string; sms?: string; identity?: string },
): Promise<Case> {
  const item = await seedCase(deps, report);
  await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
  await runTimer(deps, onlyDelivery(deps, LOCK).deliveryId);
  return patch(deps, item.caseId, (current) => ({
    verification: {
      ...current.verification,
      emailVerifiedAt: proofs.email ?? null,
      smsVerifiedAt: proofs.sms ?? null,
      identityVerifiedAt: proofs.identity ?? null,
    },
  }));
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("makeRequestLock", () => {
  it("records the lock once and writes one delivery before any attempt when the request is retried", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    const requestLock = makeRequestLock(deps);

    // Act
    await requestLock({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    await requestLock({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });

    // Assess: requested, durable, its timer started, nothing sent yet (the timer makes the attempts).
    const after = await stored(deps, item.caseId);
    expect(after.lock).toMatchObject({
      state: "requested",
      scopes: ["login", "withdrawals", "new_addresses", "security_settings"],
      requestedAt: at(0),
      appliedAt: null,
    });
    expect((await auditTypes(deps, item.caseId)).filter((type) => type === "lock.requested")).toHaveLength(1);
    const delivery = onlyDelivery(deps, LOCK);
    expect(delivery).toMatchObject({ caseId: item.caseId, status: "pending", attempts: [], nextAttemptAt: at(0) });
    expect(delivery.payload).toEqual({
      caseId: item.caseId,
      accountId: item.accountId,
      scopes: ["login", "withdrawals", "new_addresses", "security_settings"],
      reason: "containment at intake",
      priority: "P1",
    });
    expect(deps.transport.requests).toHaveLength(0);
    expect(deps.workflow.started.filter((start) => start.name === deliveryTimerName(delivery.deliveryId))).toEqual([
      {
        kind: "timer",
        name: deliveryTimerName(delivery.deliveryId),
        input: { kind: "delivery", ref: delivery.deliveryId, generation: 1, at: at(0) },
      },
    ]);
  });

  it("publishes the same data on EventBridge with the webhook-id", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);

    // Act
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });

    // Assess
    const delivery = onlyDelivery(deps, LOCK);
    expect(deps.events.events).toEqual([
      { type: LOCK, detail: { ...delivery.payload, webhookId: delivery.deliveryId } },
    ]);
  });

  it.each([
    ["unauthorized_access", { fundsAtRisk: true, assetsUsd: 20_000 }, 1, 1],
    ["sim_swap", {}, 1, 0],
  ] as const)("tells a %s reporter on every trusted channel", async (incidentType, signals, emails, texts) => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType, signals });

    // Act
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });

    // Assess: SIM swap drops SMS for the case, so only the email goes out.
    expect(reporterMail(deps)).toHaveLength(emails);
    expect(deps.sms.sent).toHaveLength(texts);
    expect((await stored(deps, item.caseId)).sent).toContain(`lock_requested#${at(0)}#email`);
  });

  it("starts the containment clock when an agent locks a case that had none", async () => {
    // Prepare: phishing P2 (credentials entered) locks nothing at intake.
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "phishing", signals: { credentialsEntered: true } });
    expect(item.sla.containment).toBeNull();
    deps.clock.advance(120);

    // Act
    await makeRequestLock(deps)({ caseId: item.caseId, actor: AGENT, reason: "suspicious withdrawals" });

    // Assess
    const after = await stored(deps, item.caseId);
    expect(after.lock).toMatchObject({
      state: "requested",
      scopes: ["login", "withdrawals"],
      reason: "suspicious withdrawals",
    });
    expect(after.sla.containment).toMatchObject({ startedAt: at(120), targetSeconds: 15 * 60, metAt: null });
  });

  it("refuses with release_in_progress while a release is being delivered", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await patch(deps, item.caseId, (current) => ({
      lock: { ...current.lock, state: "release_requested", requestedAt: at(0), releaseRequestedAt: at(10) },
    }));

    // Act
    const error = await refusal(makeRequestLock(deps)({ caseId: item.caseId, actor: AGENT, reason: "again" }));

    // Assess
    expect(error.reason).toBe("release_in_progress");
    expect(deliveriesOf(deps)).toHaveLength(0);
  });

  it("starts a new lock cycle with a new webhook-id when the account was released", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await patch(deps, item.caseId, (current) => ({
      lock: {
        ...current.lock,
        state: "released",
        requestedAt: at(0),
        appliedAt: at(5),
        releaseRequestedAt: at(HOUR),
        releasedAt: at(HOUR + 1),
      },
    }));
    deps.clock.advance(2 * HOUR);

    // Act
    await makeRequestLock(deps)({ caseId: item.caseId, actor: AGENT, reason: "new drain seen" });

    // Assess
    const after = await stored(deps, item.caseId);
    expect(after.lock).toMatchObject({
      state: "requested",
      requestedAt: at(2 * HOUR),
      appliedAt: null,
      releaseRequestedAt: null,
      releasedAt: null,
    });
    expect(onlyDelivery(deps, LOCK).deliveryId).toBe(`${item.caseId}-lock-${Date.parse(at(2 * HOUR))}`);
  });
});

describe("makeFireDelivery", () => {
  it("signs every attempt so that the standardwebhooks package verifies it, with one webhook-id and one body", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push({ status: 503 });
    const { deliveryId } = onlyDelivery(deps, LOCK);

    // Act
    await runTimer(deps, deliveryId);

    // Assess: the package checks the timestamp against Date.now(), so pin Date to each attempt's time.
    expect(deps.transport.requests).toHaveLength(2);
    vi.useFakeTimers({ toFake: ["Date"] });
    const verifier = new Webhook(TEST_PROVIDER_SECRET);
    for (const request of deps.transport.requests) {
      vi.setSystemTime(Number(request.headers["webhook-timestamp"]) * 1000);
      expect(request.url).toBe("https://provider.test/hooks");
      expect(request.headers["webhook-id"]).toBe(deliveryId);
      expect(verifier.verify(request.body, request.headers)).toEqual({
        type: LOCK,
        timestamp: at(0),
        data: expect.objectContaining({ caseId: item.caseId, accountId: item.accountId, priority: "P1" }),
      });
    }
    const [first, second] = deps.transport.requests;
    expect(second?.body).toBe(first?.body);
    expect(second?.headers["webhook-signature"]).not.toBe(first?.headers["webhook-signature"]);
  });

  it("retries three 503s at 5 s, 5 min and 30 min (±10 %) and applies the lock at the 2xx", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push({ status: 503 }, { status: 503 }, { status: 503 });
    const { deliveryId } = onlyDelivery(deps, LOCK);

    // Act
    await runTimer(deps, deliveryId);

    // Assess: attempt n waits the nth delay of the schedule after attempt n-1.
    const times = attemptTimes(deps);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((time, i) => (time - (times[i] as number)) / 1000);
    const schedule = [5, 300, 1800];
    gaps.forEach((gap, i) => {
      const expected = schedule[i] as number;
      expect(gap).toBeGreaterThanOrEqual(Math.floor(expected * 0.9));
      expect(gap).toBeLessThanOrEqual(Math.ceil(expected * 1.1));
    });
    const delivery = onlyDelivery(deps, LOCK);
    expect(delivery.status).toBe("delivered");
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([503, 503, 503, 200]);
    const after = await stored(deps, item.caseId);
    const appliedAt = delivery.attempts[3]?.at;
    expect(after.lock).toMatchObject({ state: "applied", appliedAt });
    expect(after.sla.containment?.metAt).toBe(appliedAt);
    expect(await auditTypes(deps, item.caseId)).toContain("lock.applied");
    expect(after.sent).toContain(`lock_applied#${appliedAt}#email`);
  });

  it.each([
    ["delta-seconds", "600"],
    ["an HTTP date", new Date(T0 + 600_000).toUTCString()],
  ])("waits as long as Retry-After asks (%s) when that is longer than the schedule", async (_form, retryAfter) => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push({ status: 429, retryAfter });
    const { deliveryId } = onlyDelivery(deps, LOCK);

    // Act
    const next = await makeFireDelivery(deps)(timerOf(deps, deliveryId));

    // Assess: the schedule says 5 s; the provider asked for 10 min.
    expect(next).toMatchObject({ done: false, at: at(600) });
    expect(onlyDelivery(deps, LOCK).nextAttemptAt).toBe(at(600));
  });

  it("disables the delivery at a 410, raises DeliveryExhausted and escalates the case to an agent", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push({ status: 410 });
    const { deliveryId } = onlyDelivery(deps, LOCK);

    // Act
    const last = await runTimer(deps, deliveryId);

    // Assess: one attempt only, no retry.
    expect(last.done).toBe(true);
    expect(deps.transport.requests).toHaveLength(1);
    expect(onlyDelivery(deps, LOCK)).toMatchObject({ status: "disabled", nextAttemptAt: null });
    expect(deps.metrics.counts.DeliveryExhausted).toBe(1);
    const after = await stored(deps, item.caseId);
    expect(after.lock.state).toBe("requested");
    expect(after.escalations).toBe(1);
    expect(after.failures).toEqual([{ at: at(0), step: LOCK, error: expect.stringContaining("disabled") }]);
    const failed = (await deps.cases.listAudit(item.caseId)).find((event) => event.type === "delivery.failed");
    expect(failed?.detail).toMatchObject({ deliveryId, kind: "disabled", attempts: 1, escalated: true });
    expect(oncallMail(deps)).toHaveLength(1);
    expect(oncallMail(deps)[0]?.text).toContain(deliveryId);
  });

  it("exhausts the delivery after 10 failed attempts over the whole schedule and escalates once", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push(...Array.from({ length: 10 }, () => ({ status: 500 })));
    const { deliveryId } = onlyDelivery(deps, LOCK);

    // Act
    await runTimer(deps, deliveryId);

    // Assess: 0 + 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 14 h + 20 h + 24 h ≈ 75.6 h, ±10 %.
    const times = attemptTimes(deps);
    expect(times).toHaveLength(10);
    const span = ((times[9] as number) - (times[0] as number)) / 1000;
    expect(span).toBeGreaterThan(272_000 * 0.9);
    expect(span).toBeLessThan(272_000 * 1.1);
    expect(onlyDelivery(deps, LOCK)).toMatchObject({ status: "exhausted", nextAttemptAt: null });
    expect(deps.metrics.counts.DeliveryExhausted).toBe(1);
    const after = await stored(deps, item.caseId);
    expect(after.escalations).toBe(1);
    expect(after.failures.at(-1)?.error).toContain("exhausted");
    expect(oncallMail(deps)).toHaveLength(1);
  });

  it("does not attempt again when a FireTimer is retried after its write", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push({ status: 503 });
    const { deliveryId } = onlyDelivery(deps, LOCK);
    const fire = makeFireDelivery(deps);
    const timer = timerOf(deps, deliveryId);
    const first = await fire(timer);

    // Act: the task is retried with the same input (its result was lost).
    const again = await fire(timer);

    // Assess
    expect(deps.transport.requests).toHaveLength(1);
    expect(again).toEqual(first);
    expect(onlyDelivery(deps, LOCK).attempts).toHaveLength(1);
  });

  it("applies the lock when the FireTimer that got the 2xx failed before updating the case and is retried", async () => {
    // Prepare: the case write fails once with a transient error, after the delivery was recorded.
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    const { deliveryId } = onlyDelivery(deps, LOCK);
    const fire = makeFireDelivery(deps);
    const timer = timerOf(deps, deliveryId);
    vi.spyOn(deps.cases, "update").mockRejectedValueOnce(new TransientError("DynamoDB throttled"));
    await expect(fire(timer)).rejects.toThrow(TransientError);
    expect(onlyDelivery(deps, LOCK).status).toBe("delivered");

    // Act
    const result = await fire(timer);

    // Assess
    expect(result.done).toBe(true);
    expect(deps.transport.requests).toHaveLength(1);
    expect((await stored(deps, item.caseId)).lock.state).toBe("applied");
  });

  it("pages the on-call once when the failure follow-up is retried", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push({ status: 410 });
    const { deliveryId } = onlyDelivery(deps, LOCK);
    const fire = makeFireDelivery(deps);
    const timer = timerOf(deps, deliveryId);
    await fire(timer);

    // Act
    await fire(timer);

    // Assess
    expect(oncallMail(deps)).toHaveLength(1);
    expect(deps.metrics.counts.DeliveryExhausted).toBe(1);
    expect((await stored(deps, item.caseId)).escalations).toBe(1);
  });

  it("applies the lock without an HTTP attempt when no provider endpoint is configured (EventBridge only)", async () => {
    // Prepare
    const deps = makeTestDeps({ providerWebhookUrl: undefined });
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });

    // Act
    await runTimer(deps, onlyDelivery(deps, LOCK).deliveryId);

    // Assess
    expect(deps.transport.requests).toHaveLength(0);
    expect(deps.events.events.map((event) => event.type)).toEqual([LOCK]);
    expect((await stored(deps, item.caseId)).lock.state).toBe("applied");
  });
});

describe("makeRequestUnlock", () => {
  it("refuses during the cool-down with reason cooldown, the time left and the proofs still needed", async () => {
    // Prepare: P1, 24 h cool-down; only the email proof so far.
    const deps = makeTestDeps();
    const item = await lockedCase(deps, { incidentType: "key_compromise" }, { email: at(60) });
    deps.clock.current = T0 + 23 * HOUR * 1000;

    // Act
    const error = await refusal(makeRequestUnlock(deps)({ caseId: item.caseId, actor: AGENT }));

    // Assess
    expect(error.reason).toBe("cooldown");
    expect(error.retryAfterSeconds).toBe(HOUR);
    expect(error.message).toContain("60 min left");
    expect(error.message).toContain("sms");
    expect(deliveriesOf(deps, UNLOCK)).toHaveLength(0);
  });

  it.each([
    ["no proof at all", {}, "email, sms"],
    ["an SMS proof older than the lock", { email: at(60), sms: at(-60) }, "sms"],
  ])("refuses after the cool-down with reason missing_proofs when there is %s", async (_label, proofs, missing) => {
    // Prepare
    const deps = makeTestDeps();
    const item = await lockedCase(deps, { incidentType: "key_compromise" }, proofs);
    deps.clock.current = T0 + 25 * HOUR * 1000;

    // Act
    const error = await refusal(makeRequestUnlock(deps)({ caseId: item.caseId, actor: AGENT }));

    // Assess
    expect(error.reason).toBe("missing_proofs");
    expect(error.message).toContain(`proofs still needed: ${missing}`);
  });

  it("refuses with reason not_locked when the case has no lock", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "phishing" });

    // Act
    const error = await refusal(makeRequestUnlock(deps)({ caseId: item.caseId, actor: AGENT }));

    // Assess
    expect(error.reason).toBe("not_locked");
  });

  it("delivers account.unlock.requested and releases the lock at the 2xx after proofs and the cool-down", async () => {
    // Prepare: P2 unauthorized access: email + SMS proofs, 1 h cool-down.
    const deps = makeTestDeps();
    const item = await lockedCase(deps, { incidentType: "unauthorized_access" }, { email: at(60), sms: at(90) });
    expect(item.priority).toBe("P2");
    deps.clock.current = T0 + HOUR * 1000;
    const textsBefore = deps.sms.sent.length;

    // Act
    await makeRequestUnlock(deps)({ caseId: item.caseId, actor: AGENT, note: "reporter verified on a call" });
    const delivery = onlyDelivery(deps, UNLOCK);
    await runTimer(deps, delivery.deliveryId);

    // Assess
    const sent = deps.transport.requests.at(-1);
    expect(sent?.headers["webhook-id"]).toBe(delivery.deliveryId);
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      type: UNLOCK,
      data: { caseId: item.caseId, accountId: item.accountId, reason: "reporter verified on a call", priority: "P2" },
    });
    const after = await stored(deps, item.caseId);
    expect(after.lock).toMatchObject({ state: "released", releaseRequestedAt: at(HOUR), releasedAt: at(HOUR) });
    expect(await auditTypes(deps, item.caseId)).toEqual(
      expect.arrayContaining(["lock.release_requested", "lock.released"]),
    );
    expect(deps.events.events.map((event) => event.type)).toEqual([LOCK, UNLOCK]);
    // Every trusted channel hears of it: this case still trusts SMS.
    expect(after.sent).toContain(`unlock_requested#${at(HOUR)}#email`);
    expect(deps.sms.sent.length).toBe(textsBefore + 1);
  });

  it("tells a SIM-swap reporter by email only, with email + the agent's identity check as proofs", async () => {
    // Prepare: P1 SIM swap, 24 h cool-down.
    const deps = makeTestDeps();
    const item = await lockedCase(deps, { incidentType: "sim_swap" }, { email: at(60), identity: at(120) });
    deps.clock.current = T0 + 24 * HOUR * 1000;
    const mailBefore = reporterMail(deps).length;

    // Act
    await makeRequestUnlock(deps)({ caseId: item.caseId, actor: AGENT });

    // Assess
    expect((await stored(deps, item.caseId)).lock.state).toBe("release_requested");
    expect(reporterMail(deps).length).toBe(mailBefore + 1);
    expect(deps.sms.sent).toHaveLength(0);
  });

  it("changes nothing more and keeps one delivery when the unlock is retried", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await lockedCase(deps, { incidentType: "unauthorized_access" }, { email: at(60), sms: at(90) });
    deps.clock.current = T0 + HOUR * 1000;
    const requestUnlock = makeRequestUnlock(deps);
    await requestUnlock({ caseId: item.caseId, actor: AGENT });
    deps.clock.advance(30);

    // Act
    const again = await requestUnlock({ caseId: item.caseId, actor: AGENT });

    // Assess
    expect(again.lock).toMatchObject({ state: "release_requested", releaseRequestedAt: at(HOUR) });
    expect(deliveriesOf(deps, UNLOCK)).toHaveLength(1);
    expect((await auditTypes(deps, item.caseId)).filter((type) => type === "lock.release_requested")).toHaveLength(1);
  });

  it("never sends a lock still being retried once its release is requested", async () => {
    // Prepare: the provider is failing; the lock stays requested through the cool-down.
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "unauthorized_access" });
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    const lock = onlyDelivery(deps, LOCK);
    deps.transport.script.push({ status: 503 });
    const pending = await makeFireDelivery(deps)(timerOf(deps, lock.deliveryId));
    await patch(deps, item.caseId, (current) => ({
      verification: { ...current.verification, emailVerifiedAt: at(60), smsVerifiedAt: at(90) },
    }));
    deps.clock.current = T0 + HOUR * 1000;
    await makeRequestUnlock(deps)({ caseId: item.caseId, actor: AGENT });

    // Act: the lock's next slot comes due, then the release is delivered.
    const lockTimer = await makeFireDelivery(deps)(pending);
    await runTimer(deps, onlyDelivery(deps, UNLOCK).deliveryId);

    // Assess
    expect(lockTimer.done).toBe(true);
    expect(deps.transport.requests.map((request) => JSON.parse(request.body).type)).toEqual([LOCK, UNLOCK]);
    expect(onlyDelivery(deps, LOCK)).toMatchObject({ status: "pending", nextAttemptAt: null });
    expect(await auditTypes(deps, item.caseId)).toContain("delivery.superseded");
    expect((await stored(deps, item.caseId)).lock.state).toBe("released");
  });
});

describe("makeReplayDelivery", () => {
  it("restarts an exhausted lock under the same webhook-id in a new timer generation", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    deps.transport.script.push(...Array.from({ length: 10 }, () => ({ status: 503 })));
    const exhausted = onlyDelivery(deps, LOCK);
    await runTimer(deps, exhausted.deliveryId);
    deps.clock.advance(HOUR);

    // Act
    const replayed = await makeReplayDelivery(deps)({ deliveryId: exhausted.deliveryId, actor: AGENT });
    await runTimer(deps, exhausted.deliveryId, replayed.version);

    // Assess
    expect(deps.transport.requests).toHaveLength(11);
    expect(new Set(deps.transport.requests.map((request) => request.headers["webhook-id"]))).toEqual(
      new Set([exhausted.deliveryId]),
    );
    expect(onlyDelivery(deps, LOCK).status).toBe("delivered");
    expect((await stored(deps, item.caseId)).lock.state).toBe("applied");
    const event = (await deps.cases.listAudit(item.caseId)).find((entry) => entry.type === "delivery.replayed");
    expect(event).toMatchObject({ actor: AGENT, detail: { was: "exhausted", attempts: 10, lastStatus: 503 } });
  });

  it("refuses with not_failed when the delivery is still pending", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });

    // Act
    const error = await refusal(
      makeReplayDelivery(deps)({ deliveryId: onlyDelivery(deps, LOCK).deliveryId, actor: AGENT }),
    );

    // Assess
    expect(error.reason).toBe("not_failed");
  });
});

describe("makeDeliverCaseUpdate", () => {
  it("delivers case.updated with the case's status and lock state", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "phishing" });

    // Act
    const deliveryId = await makeDeliverCaseUpdate(deps)({ caseId: item.caseId, reason: "acknowledged" });
    await runTimer(deps, deliveryId);

    // Assess
    expect(JSON.parse(deps.transport.requests[0]?.body ?? "{}")).toMatchObject({
      type: "case.updated",
      data: {
        caseId: item.caseId,
        accountId: item.accountId,
        reason: "acknowledged",
        priority: "P3",
        status: "open",
        lockState: "none",
      },
    });
    expect(onlyDelivery(deps, "case.updated").status).toBe("delivered");
  });

  it("raises the alarm but neither pages the on-call nor escalates the case when it fails for good", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "phishing" });
    deps.transport.script.push({ status: 410 });

    // Act
    const deliveryId = await makeDeliverCaseUpdate(deps)({ caseId: item.caseId, reason: "resolved" });
    await runTimer(deps, deliveryId);

    // Assess
    expect(deps.metrics.counts.DeliveryExhausted).toBe(1);
    expect(oncallMail(deps)).toHaveLength(0);
    const after = await stored(deps, item.caseId);
    expect(after.escalations).toBe(0);
    expect(after.failures).toEqual([]);
    expect(await auditTypes(deps, item.caseId)).toContain("delivery.failed");
  });
});
