import { describe, expect, it, vi } from "vitest";
import { parseCaseAction } from "../../../src/adapters/http/requests.js";
import { slaTimerName } from "../../../src/domain/execution-names.js";
import type { Operator } from "../../../src/domain/operator.js";
import { ActionNotAllowedError, NotFoundError, TransientError, ValidationError } from "../../../src/errors/index.js";
import type { TimerInput } from "../../../src/ports/workflow-client.js";
import type { Case } from "../../../src/schemas/case.js";
import { makeActOnCase } from "../../../src/use-cases/act-on-case.js";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeAwaitResolution, makeRequestVerification } from "../../../src/use-cases/case-steps.js";
import { makeFireSlaTimer, makeRearmSlaTimer } from "../../../src/use-cases/sla-timer.js";
import { makeTestDeps, seedCase, type TestDeps } from "../../fixtures/deps.js";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const HOUR = 3600;
const AGENT = "agent.bob";
/** A supervisor (every action is open to them), as most of these tests act. */
const BOB: Operator = { agent: AGENT, groups: ["agents", "supervisors"] };

async function patch(deps: TestDeps, caseId: string, change: (current: Case) => Partial<Case>): Promise<Case> {
  return makeMutateCase(deps)(caseId, (current) => ({ case: { ...current, ...change(current) }, events: [] }));
}

async function stored(deps: TestDeps, caseId: string): Promise<Case> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new Error(`case ${caseId} missing`);
  return found.case;
}

async function lastEvent(deps: TestDeps, caseId: string) {
  return (await deps.cases.listAudit(caseId)).at(-1);
}

async function eventOf(deps: TestDeps, caseId: string, type: string) {
  return (await deps.cases.listAudit(caseId)).findLast((event) => event.type === type);
}

async function statusMessages(deps: TestDeps, caseId: string) {
  return (await deps.cases.listAudit(caseId)).filter(
    (event) => event.type === "message.sent" && event.detail.kind === "status_changed",
  );
}

const reporterMail = (deps: TestDeps) => deps.email.sent.filter((email) => email.to === "ana@example.com");
const oncallMail = (deps: TestDeps) => deps.email.sent.filter((email) => email.to === deps.config.oncallEmail);

/** The reason of the 409 an action is refused with. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ActionNotAllowedError);
  return (error as ActionNotAllowedError).reason;
}

describe("parseCaseAction", () => {
  it("accepts an action with a note and an agent, trimmed", () => {
    // Prepare / Act
    const body = parseCaseAction(JSON.stringify({ action: "note", note: "  called the reporter  ", agent: " bob " }));

    // Assess
    expect(body).toEqual({ action: "note", note: "called the reporter", agent: "bob" });
  });

  it.each([
    ["invalid JSON", "{", ""],
    ["an unknown action", JSON.stringify({ action: "delete" }), "/action"],
    ["a note action without a note", JSON.stringify({ action: "note" }), "/note"],
    ["a note over 2,000 characters", JSON.stringify({ action: "note", note: "x".repeat(2001) }), "/note"],
    ["an agent over 128 characters", JSON.stringify({ action: "acknowledge", agent: "a".repeat(129) }), "/agent"],
    ["an agent with control characters", JSON.stringify({ action: "acknowledge", agent: "bob\u0007" }), "/agent"],
    ["an unknown field", JSON.stringify({ action: "acknowledge", priority: "P1" }), ""],
  ])("refuses %s with a 400 naming the field", (_label, body, path) => {
    // Prepare / Act
    const act = () => parseCaseAction(body);

    // Assess
    expect(act).toThrow(ValidationError);
    try {
      act();
    } catch (error) {
      expect((error as ValidationError).errors.map((entry) => entry.path)).toContain(path);
    }
  });
});

describe("makeActOnCase", () => {
  describe("acknowledge", () => {
    it("meets the first-response clock, records the agent, re-arms the timer and tells the reporter once", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      const act = makeActOnCase(deps);
      deps.clock.advance(120);

      // Act
      const view = await act({ caseId: item.caseId, action: "acknowledge", operator: BOB });
      await act({ caseId: item.caseId, action: "acknowledge", operator: BOB });

      // Assess
      expect(view).toMatchObject({
        acknowledgedAt: at(120),
        acknowledgedBy: AGENT,
        sla: { firstResponse: { metAt: at(120) } },
      });
      expect(await lastEvent(deps, item.caseId)).toMatchObject({
        type: "case.acknowledged",
        actor: AGENT,
        detail: { firstResponseMet: false },
      });
      expect(await statusMessages(deps, item.caseId)).toHaveLength(1);
      expect(view.timeline.find((entry) => entry.type === "case.acknowledged")?.detail).toEqual({
        firstResponseMet: true,
      });
      expect(deps.workflow.started).toContainEqual(
        expect.objectContaining({ kind: "timer", name: slaTimerName(item.caseId, 1) }),
      );
      expect(reporterMail(deps)).toHaveLength(1);
      expect(deps.sms.sent).toHaveLength(1);
    });

    it("succeeds when the reporter cannot be told at once, leaving the queued message on the timeline", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      deps.email.failNext = 1;

      // Act
      const view = await makeActOnCase(deps)({ caseId: item.caseId, action: "acknowledge", operator: BOB });

      // Assess
      expect(view.acknowledgedBy).toBe(AGENT);
      expect(view.timeline.at(-1)).toMatchObject({ type: "message.queued", detail: { kind: "status_changed" } });
    });

    it("stops the repeat escalations when it comes after a breach", async () => {
      // Prepare: a P1 key compromise breaches containment at 60 s.
      const deps = makeTestDeps();
      const item = await seedCase(deps, { incidentType: "key_compromise" });
      await makeRearmSlaTimer(deps)(item.caseId);
      const fire = makeFireSlaTimer(deps);
      const timer = () =>
        stored(deps, item.caseId).then(
          (c): TimerInput => ({ kind: "sla", ref: c.caseId, generation: c.workflow.timerGeneration, at: "" }),
        );
      deps.clock.advance(60);
      await fire(await timer());
      deps.clock.advance(60);

      // Act
      await makeActOnCase(deps)({ caseId: item.caseId, action: "acknowledge", operator: BOB });
      deps.clock.advance(20 * 60);
      await fire(await timer());

      // Assess
      const after = await stored(deps, item.caseId);
      expect(after.sla.containment?.breachedAt).toBe(at(60));
      expect(after.sla.containment?.escalatedAt).toEqual([]);
    });

    it.each(["resolved", "closed"] as const)("is refused on a %s case", async (status) => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status }));

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "acknowledge", operator: BOB }));

      // Assess
      expect(reason).toBe("case_concluded");
    });
  });

  describe("escalate", () => {
    it("raises the priority, re-targets the clocks, pages the on-call and re-arms the timer", async () => {
      // Prepare: a P2 case, its timer armed for the 50 % containment warning at 7.5 min.
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await makeRearmSlaTimer(deps)(item.caseId);

      // Act
      const view = await makeActOnCase(deps)({
        caseId: item.caseId,
        action: "escalate",
        note: "drain in progress",
        operator: BOB,
      });

      // Assess
      expect(view).toMatchObject({ priority: "P1", initialPriority: "P2", escalations: 1 });
      expect(view.sla.firstResponse.dueAt).toBe(at(15 * 60));
      expect(view.sla.containment?.dueAt).toBe(at(60));
      expect(oncallMail(deps)).toHaveLength(1);
      expect(oncallMail(deps)[0]?.text).toContain("drain in progress");
      expect(await eventOf(deps, item.caseId, "case.escalated")).toMatchObject({
        actor: AGENT,
        detail: { from: "P2", to: "P1", note: "drain in progress" },
      });
      expect((await stored(deps, item.caseId)).workflow).toMatchObject({ timerGeneration: 2, timerAt: at(30) });
      expect(deps.workflow.stopped).toEqual([slaTimerName(item.caseId, 1)]);
      expect(await statusMessages(deps, item.caseId)).toHaveLength(1);
      expect(reporterMail(deps)).toHaveLength(1);
    });

    it("keeps a P1 case at P1 and still counts the escalation", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps, { incidentType: "sim_swap" });

      // Act
      const view = await makeActOnCase(deps)({ caseId: item.caseId, action: "escalate", operator: BOB });

      // Assess
      expect(view.priority).toBe("P1");
      expect(view.escalations).toBe(1);
      expect(view.sla.firstResponse.dueAt).toBe(item.sla.firstResponse.dueAt);
    });

    it("is refused on a closed case without paging anyone", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status: "closed" }));

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "escalate", operator: BOB }));

      // Assess
      expect(reason).toBe("case_concluded");
      expect(oncallMail(deps)).toEqual([]);
    });
  });

  describe("verify_identity", () => {
    it("records the agent's identity check and asks verification to complete", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps, { incidentType: "sim_swap" });
      const complete = vi.fn(async () => true);
      deps.clock.advance(300);

      // Act
      const view = await makeActOnCase(deps, { completeVerificationIfSatisfied: complete })({
        caseId: item.caseId,
        action: "verify_identity",
        note: "video call, ID matched",
        operator: BOB,
      });

      // Assess
      expect(view.verification).toMatchObject({ identity: "verified", identityVerifiedAt: at(300) });
      expect(complete).toHaveBeenCalledWith(item.caseId, AGENT);
      expect(await lastEvent(deps, item.caseId)).toMatchObject({
        type: "verification.identity_verified",
        actor: AGENT,
        detail: { countsAsFactor: true, note: "video call, ID matched" },
      });
    });

    it("resumes the waiting workflow when the email factor was already verified (SIM swap)", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps, { incidentType: "sim_swap" });
      await makeRequestVerification(deps)({ caseId: item.caseId, generation: 1, taskToken: "tok-verify" });
      await patch(deps, item.caseId, (current) => ({
        verification: { ...current.verification, email: "verified", emailVerifiedAt: at(10) },
      }));
      deps.clock.advance(60);

      // Act
      await makeActOnCase(deps)({ caseId: item.caseId, action: "verify_identity", operator: BOB });

      // Assess
      expect(deps.workflow.responses).toEqual([expect.objectContaining({ token: "tok-verify", outcome: "success" })]);
    });

    it("is refused on a resolved case", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps, { incidentType: "sim_swap" });
      await patch(deps, item.caseId, () => ({ status: "resolved" }));

      // Act
      const reason = await refusal(
        makeActOnCase(deps)({ caseId: item.caseId, action: "verify_identity", operator: BOB }),
      );

      // Assess
      expect(reason).toBe("case_concluded");
    });
  });

  describe("lock", () => {
    it("requests a lock for the agent and starts the containment clock", async () => {
      // Prepare: phishing needs no lock at intake.
      const deps = makeTestDeps();
      const item = await seedCase(deps, { incidentType: "phishing" });

      // Act
      const view = await makeActOnCase(deps)({
        caseId: item.caseId,
        action: "lock",
        note: "suspicious withdrawals",
        operator: BOB,
      });

      // Assess
      expect(view.lock).toMatchObject({ state: "requested", scopes: ["login", "withdrawals"], requestedAt: at(0) });
      expect(view.sla.containment?.dueAt).toBe(at(15 * 60));
      expect(await eventOf(deps, item.caseId, "lock.requested")).toMatchObject({
        actor: AGENT,
        detail: { reason: "suspicious withdrawals" },
      });
      expect([...deps.deliveries.deliveries.values()].map((delivery) => delivery.type)).toEqual([
        "account.lock.requested",
      ]);
    });

    it.each([
      ["requested", "already_locked"],
      ["applied", "already_locked"],
      ["release_requested", "release_in_progress"],
    ] as const)("is refused when the lock is %s", async (state, expected) => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, (current) => ({ lock: { ...current.lock, state, requestedAt: at(0) } }));

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "lock", operator: BOB }));

      // Assess
      expect(reason).toBe(expected);
      expect(deps.deliveries.deliveries.size).toBe(0);
    });

    it("is refused on a closed case", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status: "closed" }));

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "lock", operator: BOB }));

      // Assess
      expect(reason).toBe("case_concluded");
    });
  });

  describe("unlock", () => {
    async function locked(deps: TestDeps, proofs: { email?: string; identity?: string }) {
      const item = await seedCase(deps, { incidentType: "sim_swap" });
      await patch(deps, item.caseId, (current) => ({
        lock: { ...current.lock, state: "applied", requestedAt: at(0), appliedAt: at(5) },
        verification: {
          ...current.verification,
          email: proofs.email ? "verified" : "pending",
          emailVerifiedAt: proofs.email ?? null,
          identity: proofs.identity ? "verified" : "pending",
          identityVerifiedAt: proofs.identity ?? null,
        },
      }));
      return item;
    }

    it("requests the release once the cool-down passed and both proofs are fresh", async () => {
      // Prepare: a P1 SIM swap: email + agent identity check, 24 h cool-down.
      const deps = makeTestDeps();
      const item = await locked(deps, { email: at(60), identity: at(120) });
      deps.clock.advance(24 * HOUR);

      // Act
      const view = await makeActOnCase(deps)({ caseId: item.caseId, action: "unlock", operator: BOB });

      // Assess
      expect(view.lock).toMatchObject({ state: "release_requested", releaseRequestedAt: at(24 * HOUR) });
      expect((await eventOf(deps, item.caseId, "lock.release_requested"))?.actor).toBe(AGENT);
    });

    it("is refused during the cool-down with the time left", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await locked(deps, { email: at(60), identity: at(120) });
      deps.clock.advance(23 * HOUR);

      // Act
      const error = await makeActOnCase(deps)({ caseId: item.caseId, action: "unlock", operator: BOB }).catch(
        (thrown: unknown) => thrown,
      );

      // Assess
      expect(error).toBeInstanceOf(ActionNotAllowedError);
      expect(error).toMatchObject({ reason: "cooldown", retryAfterSeconds: HOUR });
    });

    it.each([
      ["a proof is missing", { email: at(60) }, "missing_proofs"],
      ["a proof predates the lock", { email: at(-60), identity: at(120) }, "missing_proofs"],
    ])("is refused when %s", async (_label, proofs, expected) => {
      // Prepare
      const deps = makeTestDeps();
      const item = await locked(deps, proofs);
      deps.clock.advance(25 * HOUR);

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "unlock", operator: BOB }));

      // Assess
      expect(reason).toBe(expected);
    });

    it("is refused when nothing is locked", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps, { incidentType: "phishing" });

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "unlock", operator: BOB }));

      // Assess
      expect(reason).toBe("not_locked");
    });
  });

  describe("resolve", () => {
    it("resolves the case and resumes the workflow waiting for an agent", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await makeAwaitResolution(deps)({ caseId: item.caseId, generation: 1, taskToken: "tok-resolution" });
      const mailBefore = reporterMail(deps).length;
      deps.clock.advance(HOUR);

      // Act
      const view = await makeActOnCase(deps)({
        caseId: item.caseId,
        action: "resolve",
        note: "funds safe",
        operator: BOB,
      });

      // Assess
      expect(deps.workflow.responses).toEqual([
        { token: "tok-resolution", outcome: "success", output: { outcome: "resolved" } },
      ]);
      expect(view).toMatchObject({
        status: "resolved",
        closeReason: "resolved",
        closedAt: at(HOUR),
        workflow: { waitingOn: null },
        sla: { resolution: { metAt: at(HOUR) }, firstResponse: { metAt: at(HOUR) } },
      });
      expect(await lastEvent(deps, item.caseId)).toMatchObject({
        type: "case.resolved",
        actor: AGENT,
        detail: { note: "funds safe" },
      });
      // CompleteCase tells the reporter and frees the account.
      expect(reporterMail(deps)).toHaveLength(mailBefore);
      expect(deps.accounts.open.get(item.accountId)).toBe(item.caseId);
    });

    it("fails the verification callback with CaseConcluded when the workflow waits on the reporter", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await makeRequestVerification(deps)({ caseId: item.caseId, generation: 1, taskToken: "tok-verify" });

      // Act
      await makeActOnCase(deps)({ caseId: item.caseId, action: "resolve", operator: BOB });

      // Assess
      expect(deps.workflow.responses).toEqual([{ token: "tok-verify", outcome: "failure", error: "CaseConcluded" }]);
      expect((await stored(deps, item.caseId)).workflow.waiting).toBeNull();
    });

    it("frees the account and stops the timer when nothing waits", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await makeRearmSlaTimer(deps)(item.caseId);

      // Act
      await makeActOnCase(deps)({ caseId: item.caseId, action: "resolve", operator: BOB });

      // Assess
      expect(deps.workflow.responses).toEqual([]);
      expect(deps.accounts.open.has(item.accountId)).toBe(false);
      expect(deps.workflow.stopped).toEqual([slaTimerName(item.caseId, 1)]);
    });

    it("keeps the token when the workflow cannot be resumed, so a retry can", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await makeAwaitResolution(deps)({ caseId: item.caseId, generation: 1, taskToken: "tok-resolution" });
      const send = vi.spyOn(deps.workflow, "sendTaskSuccess").mockRejectedValueOnce(new TransientError("throttled"));
      const act = makeActOnCase(deps);

      // Act
      const first = await act({ caseId: item.caseId, action: "resolve", operator: BOB }).catch(
        (error: unknown) => error,
      );
      const afterFailure = await stored(deps, item.caseId);
      const retried = await act({ caseId: item.caseId, action: "resolve", operator: BOB });

      // Assess
      expect(first).toBeInstanceOf(TransientError);
      expect(afterFailure.status).toBe("resolved");
      expect(afterFailure.workflow.waiting?.taskToken).toBe("tok-resolution");
      expect(send).toHaveBeenCalledTimes(2);
      expect(deps.workflow.responses).toEqual([
        { token: "tok-resolution", outcome: "success", output: { outcome: "resolved" } },
      ]);
      expect(retried.workflow.waitingOn).toBeNull();
    });

    it.each(["resolved", "closed"] as const)("is refused on a %s case with nothing waiting", async (status) => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status }));

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "resolve", operator: BOB }));

      // Assess
      expect(reason).toBe("case_concluded");
    });
  });

  describe("close", () => {
    it("closes a resolved case and frees the account", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status: "resolved", closeReason: "resolved", closedAt: at(0) }));
      deps.clock.advance(HOUR);

      // Act
      const view = await makeActOnCase(deps)({ caseId: item.caseId, action: "close", operator: BOB });

      // Assess
      expect(view).toMatchObject({ status: "closed", closeReason: "closed_by_agent", closedAt: at(HOUR) });
      expect(deps.accounts.open.has(item.accountId)).toBe(false);
      expect(deps.workflow.responses).toEqual([]);
      expect(await lastEvent(deps, item.caseId)).toMatchObject({ type: "case.closed", actor: AGENT });
    });

    it("resumes the workflow waiting for an agent with the outcome closed", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await makeAwaitResolution(deps)({ caseId: item.caseId, generation: 1, taskToken: "tok-resolution" });

      // Act
      const view = await makeActOnCase(deps)({ caseId: item.caseId, action: "close", operator: BOB });

      // Assess
      expect(deps.workflow.responses).toEqual([
        { token: "tok-resolution", outcome: "success", output: { outcome: "closed" } },
      ]);
      expect(view.status).toBe("closed");
    });

    it("is refused on a closed case", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status: "closed" }));

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "close", operator: BOB }));

      // Assess
      expect(reason).toBe("case_concluded");
    });
  });

  describe("reopen", () => {
    it("reopens a closed case under a new workflow generation", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status: "closed", closeReason: "closed_by_agent", closedAt: at(0) }));
      await deps.accounts.release(item.accountId, item.caseId);

      // Act
      const view = await makeActOnCase(deps)({
        caseId: item.caseId,
        action: "reopen",
        note: "reporter called back",
        operator: BOB,
      });

      // Assess
      expect(view).toMatchObject({ status: "open", closeReason: null, workflow: { generation: 2 } });
      expect(deps.workflow.started).toContainEqual({
        kind: "case",
        name: `${item.caseId}-g2`,
        input: { caseId: item.caseId, generation: 2 },
      });
      expect(await lastEvent(deps, item.caseId)).toMatchObject({
        type: "case.reopened",
        actor: AGENT,
        detail: { note: "reporter called back" },
      });
    });

    it("is refused on an open case", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);

      // Act
      const reason = await refusal(makeActOnCase(deps)({ caseId: item.caseId, action: "reopen", operator: BOB }));

      // Assess
      expect(reason).toBe("not_closed");
    });
  });

  describe("note", () => {
    it("records the note in the audit trail only, on any case", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);
      await patch(deps, item.caseId, () => ({ status: "closed" }));
      const before = await stored(deps, item.caseId);

      // Act
      const view = await makeActOnCase(deps)({
        caseId: item.caseId,
        action: "note",
        note: "reporter sounded stressed",
        operator: BOB,
      });

      // Assess
      expect(await lastEvent(deps, item.caseId)).toMatchObject({
        type: "case.note",
        actor: AGENT,
        detail: { note: "reporter sounded stressed" },
      });
      expect(view.timeline.at(-1)).toMatchObject({ type: "case.note", actor: AGENT });
      expect(deps.email.sent).toEqual([]);
      expect(deps.sms.sent).toEqual([]);
      const after = await stored(deps, item.caseId);
      expect({ ...after, audit: before.audit, pendingEvents: [], updatedAt: before.updatedAt }).toEqual({
        ...before,
        pendingEvents: [],
      });
    });

    it("is a 400 without a note", async () => {
      // Prepare
      const deps = makeTestDeps();
      const item = await seedCase(deps);

      // Act
      const act = makeActOnCase(deps)({ caseId: item.caseId, action: "note", operator: BOB });

      // Assess
      await expect(act).rejects.toBeInstanceOf(ValidationError);
    });
  });

  it.each([
    "acknowledge",
    "escalate",
    "lock",
    "unlock",
    "resolve",
    "close",
    "reopen",
    "note",
    "verify_identity",
  ] as const)("answers 404 when %s names an unknown case", async (action) => {
    // Prepare
    const deps = makeTestDeps();

    // Act
    const act = makeActOnCase(deps)({ caseId: "c_nothere", action, note: "x", operator: BOB });

    // Assess
    await expect(act).rejects.toBeInstanceOf(NotFoundError);
  });
});
