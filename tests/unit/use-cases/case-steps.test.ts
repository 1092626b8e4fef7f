import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyChain } from "../../../src/domain/audit-chain.js";
import { openCase } from "../../../src/domain/case.js";
import { slaTimerName } from "../../../src/domain/execution-names.js";
import { DEFAULT_POLICY } from "../../../src/domain/policy.js";
import type { IncidentType, Signals } from "../../../src/domain/types.js";
import { hashCode } from "../../../src/domain/verification.js";
import { CaseConcludedError } from "../../../src/errors/index.js";
import type { Case } from "../../../src/schemas/case.js";
import { makeCreateCase, makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import {
  makeAcknowledgeReport,
  makeAwaitResolution,
  makeCloseUnverified,
  makeCompleteCase,
  makeContainIncident,
  makeEscalateCase,
  makeReadCasePlan,
  makeRequestVerification,
  makeSendGuidance,
} from "../../../src/use-cases/case-steps.js";
import { makeTestDeps, type TestDeps } from "../../fixtures/deps.js";

const CASE_ID = "c_steps";
const PEPPER = "test-pepper-0123456789abcdef";
const HOUR = 3600;

async function openTestCase(
  deps: TestDeps,
  report: { incidentType?: IncidentType; signals?: Signals; phone?: string | null } = {},
): Promise<string> {
  const phone = report.phone === null ? undefined : (report.phone ?? "+14155550100");
  const item = openCase({
    caseId: CASE_ID,
    webhookId: "msg_1",
    now: deps.clock.now(),
    policy: DEFAULT_POLICY,
    report: {
      accountId: "acct_1",
      incidentType: report.incidentType ?? "unauthorized_access",
      reporter: { email: "ana@example.com", ...(phone ? { phone } : {}), locale: "en" },
      signals: report.signals ?? {},
    },
  });
  await makeCreateCase(deps)(item, [{ type: "case.opened", actor: "wallet-app" }]);
  await deps.accounts.claim(item.accountId, item.caseId);
  return item.caseId;
}

function stored(deps: TestDeps): Case {
  const found = deps.cases.items.get(CASE_ID);
  if (!found) throw new Error("case not stored");
  return found.case;
}

/** What an agent (or another part of the system) did to the case meanwhile. */
async function patch(deps: TestDeps, change: (current: Case) => Partial<Case>): Promise<void> {
  await makeMutateCase(deps)(CASE_ID, (current) => ({
    case: { ...current, ...change(current) },
    events: [{ type: "test.patched", actor: "test" }],
  }));
}

const auditTypes = (deps: TestDeps) => (deps.cases.audit.get(CASE_ID) ?? []).map((event) => event.type);
const subjects = (deps: TestDeps) => deps.email.sent.map((email) => email.subject);
const step = { caseId: CASE_ID, generation: 1 };

describe("makeContainIncident", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps();
  });

  it("marks the workflow started, requests the lock and sends no message, once when the task runs twice", async () => {
    // Prepare
    await openTestCase(deps);
    const contain = makeContainIncident(deps);

    // Act
    await contain(step);
    await contain(step);

    // Assess
    expect(stored(deps).workflow).toMatchObject({ started: true, generation: 1 });
    expect(stored(deps).lock).toMatchObject({ state: "applied", reason: "containment at intake" });
    expect(auditTypes(deps).filter((type) => type === "workflow.started")).toHaveLength(1);
    expect(auditTypes(deps).filter((type) => type === "lock.requested")).toHaveLength(1);
    // The first attempt is made in the task: the provider answered 2xx, so no delivery timer is needed.
    expect(deps.transport.requests).toHaveLength(1);
    expect(deps.workflow.started.filter((start) => start.name.startsWith("d-"))).toHaveLength(0);
    expect(deps.email.sent).toEqual([]);
    expect(deps.sms.sent).toEqual([]);
  });

  it("requests the lock and arms the clocks even when every message would be refused", async () => {
    // Prepare
    await openTestCase(deps, { incidentType: "unauthorized_access", signals: { drainObserved: true } });
    deps.email.undeliverable = "sandbox_recipient";
    deps.sms.undeliverable = "opted_out";

    // Act
    const plan = await makeContainIncident(deps)(step);

    // Assess
    expect(plan).toMatchObject({ lockRequired: false, urgentGuidance: true });
    expect(stored(deps).lock.state).toBe("applied");
    expect(stored(deps).sla.containment?.metAt).not.toBeNull();
    expect(deps.workflow.started.map((start) => start.name)).toContain(slaTimerName(CASE_ID, 1));
    expect(deps.email.sent).toEqual([]);
  });

  it("leaves the retries to a delivery timer when the provider does not answer 2xx at once", async () => {
    // Prepare
    await openTestCase(deps, { incidentType: "key_compromise" });
    deps.transport.script.push({ status: 503 });

    // Act
    await makeContainIncident(deps)(step);

    // Assess
    expect(stored(deps).lock.state).toBe("requested");
    const retry = deps.workflow.started.find((start) => start.name.startsWith("d-"));
    const retryAt = Date.parse((retry?.input as { at: string } | undefined)?.at ?? "") - deps.clock.now();
    expect(retryAt).toBeGreaterThanOrEqual(4_500);
    expect(retryAt).toBeLessThanOrEqual(5_500);
  });

  it("arms the SLA timer at the first warning of the nearest clock", async () => {
    // Prepare
    const openedAt = deps.clock.now();
    await openTestCase(deps, { incidentType: "phishing" });

    // Act
    await makeContainIncident(deps)(step);

    // Assess
    const firstWarning = new Date(openedAt + 0.5 * 4 * 3600_000).toISOString(); // first response, P3: 4 h
    expect(deps.workflow.started).toEqual([
      {
        kind: "timer",
        name: slaTimerName(CASE_ID, 1),
        input: { kind: "sla", ref: CASE_ID, generation: 1, at: firstWarning },
      },
    ]);
    expect(stored(deps).workflow).toMatchObject({ timerGeneration: 1, timerAt: firstWarning });
  });

  it.each([
    ["key_compromise", {}, { lock: "applied", urgentGuidance: true, resolutionTimeoutSeconds: 8 * HOUR }],
    ["sim_swap", {}, { lock: "applied", urgentGuidance: true, resolutionTimeoutSeconds: 8 * HOUR }],
    ["unauthorized_access", {}, { lock: "applied", urgentGuidance: false, resolutionTimeoutSeconds: 48 * HOUR }],
    ["malware", {}, { lock: "none", urgentGuidance: false, resolutionTimeoutSeconds: 48 * HOUR }],
    ["malware", { drainObserved: true }, { lock: "applied", urgentGuidance: true, resolutionTimeoutSeconds: 8 * HOUR }],
    ["phishing", {}, { lock: "none", urgentGuidance: false, resolutionTimeoutSeconds: 144 * HOUR }],
    ["other", {}, { lock: "none", urgentGuidance: false, resolutionTimeoutSeconds: 14 * 24 * HOUR }],
  ] as const)("contains a %s case with signals %j and returns its plan", async (incidentType, signals, expected) => {
    // Prepare
    await openTestCase(deps, { incidentType, signals });

    // Act
    const result = await makeContainIncident(deps)(step);

    // Assess
    expect(stored(deps).lock.state).toBe(expected.lock);
    expect(result).toEqual({
      lockRequired: false,
      urgentGuidance: expected.urgentGuidance,
      resolutionTimeoutSeconds: expected.resolutionTimeoutSeconds,
      verificationTimeoutSeconds: 24 * HOUR,
      escalationSeq: 0,
      concluded: false,
    });
  });

  it("keeps an audit chain that verifies after the step", async () => {
    // Prepare
    await openTestCase(deps);

    // Act
    await makeContainIncident(deps)(step);

    // Assess
    const item = stored(deps);
    expect(verifyChain(await deps.cases.listAudit(CASE_ID), { seq: item.audit.seq, hash: item.audit.head })).toEqual({
      valid: true,
    });
  });
});

describe("makeReadCasePlan", () => {
  it("returns the plan of the stored case, lock still due", async () => {
    // Prepare
    const deps = makeTestDeps();
    await openTestCase(deps, { incidentType: "key_compromise" });

    // Act
    const plan = await makeReadCasePlan(deps)(step);

    // Assess
    expect(plan).toMatchObject({ lockRequired: true, urgentGuidance: true, escalationSeq: 0 });
  });
});

describe("makeAcknowledgeReport", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps();
  });

  it("acknowledges and tells of the lock on every channel once when the task runs twice", async () => {
    // Prepare
    await openTestCase(deps);
    await makeContainIncident(deps)(step);
    const acknowledge = makeAcknowledgeReport(deps);

    // Act
    await acknowledge(step);
    await acknowledge(step);

    // Assess
    expect(subjects(deps)).toEqual([`We received your report (case ${CASE_ID})`, expect.stringMatching(/lock/i)]);
    expect(deps.email.sent[0]?.to).toBe("ana@example.com");
    expect(deps.sms.sent.map((sms) => sms.to)).toEqual(["+14155550100", "+14155550100"]);
    expect(stored(deps).sent).toEqual([
      "acknowledgement#1#email",
      "acknowledgement#1#sms",
      `lock_applied#${stored(deps).lock.appliedAt}#email`,
      `lock_applied#${stored(deps).lock.appliedAt}#sms`,
    ]);
  });

  it("queues the acknowledgement for the pacing drain when the send fails, and a retry sends nothing more", async () => {
    // Prepare
    await openTestCase(deps, { phone: null, incidentType: "phishing" });
    const acknowledge = makeAcknowledgeReport(deps);
    deps.email.failNext = 1;

    // Act
    const plan = await acknowledge(step);
    await acknowledge(step);

    // Assess
    expect(plan).toMatchObject({ concluded: false });
    expect(subjects(deps)).toEqual([]);
    expect(stored(deps).sent).toEqual(["acknowledgement#1#email"]);
    expect([...deps.outbound.items.values()]).toEqual([
      expect.objectContaining({
        id: `${CASE_ID}#acknowledgement#1#email`,
        channel: "email",
        kind: "acknowledgement",
        rank: "P3#0",
      }),
    ]);
    expect(auditTypes(deps)).toContain("message.queued");
    expect(stored(deps).failures).toEqual([]);
    expect(deps.metrics.counts.MessageQueued).toBe(1);
  });

  it("queues without trying while the channel has a backlog, so it cannot overtake waiting messages", async () => {
    // Prepare
    await openTestCase(deps, { phone: null, incidentType: "phishing" });
    deps.outbound.backlog.add("email");

    // Act
    await makeAcknowledgeReport(deps)(step);

    // Assess
    expect(subjects(deps)).toEqual([]);
    expect(deps.outbound.items.size).toBe(1);
    const queued = (deps.cases.audit.get(CASE_ID) ?? []).find((event) => event.type === "message.queued");
    expect(queued?.detail).toEqual({ kind: "acknowledgement", channel: "email", reason: "backlog" });
  });

  it("stops trusting SMS when the number opted out, moves the second factor to an agent, and goes on", async () => {
    // Prepare
    await openTestCase(deps);
    deps.sms.undeliverable = "opted_out";

    // Act
    await makeAcknowledgeReport(deps)(step);

    // Assess
    const item = stored(deps);
    expect(item.channels).toEqual({ email: true, sms: false });
    expect(item.verification).toMatchObject({ sms: "not_used", identity: "pending", code: null });
    expect(item.failures).toEqual([
      expect.objectContaining({ step: "message.acknowledgement.sms", error: "opted_out" }),
    ]);
    const failed = (deps.cases.audit.get(CASE_ID) ?? []).filter((event) => event.type === "message.failed");
    expect(failed.map((event) => event.detail)).toEqual([
      { kind: "acknowledgement", channel: "sms", reason: "opted_out", retried: false },
    ]);
    expect(JSON.stringify(item.failures)).not.toContain("+1415");
    expect(subjects(deps)).toEqual([`We received your report (case ${CASE_ID})`]);
  });

  it("raises ReporterUnreachable once every channel failed for good", async () => {
    // Prepare
    await openTestCase(deps);
    deps.email.undeliverable = "sandbox_recipient";
    deps.sms.undeliverable = "blocked_destination";

    // Act
    const acknowledged = makeAcknowledgeReport(deps)(step);

    // Assess
    await expect(acknowledged).rejects.toMatchObject({ name: "ReporterUnreachable" });
    expect(stored(deps).channels).toEqual({ email: false, sms: false });
    expect(stored(deps).failures.map((failure) => failure.error)).toEqual(["sandbox_recipient", "blocked_destination"]);
  });
});

describe("makeSendGuidance", () => {
  it("sends the guidance once per generation and returns the plan when the task is retried", async () => {
    // Prepare
    const deps = makeTestDeps();
    await openTestCase(deps, { phone: null });
    const guide = makeSendGuidance(deps);

    // Act
    const plan = await guide(step);
    await guide(step);

    // Assess
    expect(stored(deps).sent).toEqual(["guidance:unauthorized_access#1#email"]);
    expect(deps.email.sent).toHaveLength(1);
    expect(plan).toMatchObject({ lockRequired: true, urgentGuidance: false });
  });

  it("sends nothing when the case is closed", async () => {
    // Prepare
    const deps = makeTestDeps();
    await openTestCase(deps);
    await patch(deps, () => ({ status: "closed", closeReason: "closed_by_agent" }));

    // Act
    await makeSendGuidance(deps)(step);

    // Assess
    expect(deps.email.sent).toEqual([]);
  });
});

describe("makeRequestVerification", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps();
  });

  function linkTokenOf(text: string): string {
    const match = /https:\/\/vigil\.test\/v1\/verify\/([A-Za-z0-9_-]+)/.exec(text);
    if (!match?.[1]) throw new Error(`no verify link in: ${text}`);
    return match[1];
  }

  function codeOf(text: string): string {
    const match = /\b(\d{6,8})\b/.exec(text);
    if (!match?.[1]) throw new Error(`no code in: ${text}`);
    return match[1];
  }

  it("parks the token, pauses the resolution clock and moves the case to awaiting_verification", async () => {
    // Prepare
    await openTestCase(deps);
    deps.clock.advance(300);

    // Act
    await makeRequestVerification(deps)({ ...step, taskToken: "token-1" });

    // Assess
    const item = stored(deps);
    const now = new Date(deps.clock.now()).toISOString();
    expect(item.status).toBe("awaiting_verification");
    expect(item.workflow.waiting).toEqual({ kind: "verification", taskToken: "token-1", since: now });
    expect(item.sla.resolution.pausedAt).toBe(now);
    expect(item.sla.firstResponse.pausedAt).toBeNull();
    expect(auditTypes(deps)).toEqual(["case.opened", "verification.requested", "message.sent"]);
  });

  it("emails a verify link whose token is stored only as its hash, bound to the case and recipient", async () => {
    // Prepare
    await openTestCase(deps);

    // Act
    await makeRequestVerification(deps)({ ...step, taskToken: "token-1" });

    // Assess
    expect(deps.email.sent).toHaveLength(1);
    const email = deps.email.sent[0];
    const token = linkTokenOf(email?.text ?? "");
    expect(email?.html).toContain(`/v1/verify/${token}`);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const tokenHash = createHash("sha256").update(token).digest("hex");
    expect(deps.links.links.get(tokenHash)).toMatchObject({
      caseId: CASE_ID,
      recipient: "ana@example.com",
      purpose: "verify_reporter",
      generation: 1,
      expiresAt: deps.clock.now() + 30 * 60_000,
      usedAt: null,
    });
    expect(JSON.stringify([...deps.links.links.values()])).not.toContain(token);
    expect(JSON.stringify(deps.cases.items.get(CASE_ID))).not.toContain(token);
  });

  it.each([
    ["unauthorized_access", 6],
    ["key_compromise", 8],
  ] as const)(
    "texts a %s reporter a %i-digit code that is stored only as a keyed hash",
    async (incidentType, digits) => {
      // Prepare
      await openTestCase(deps, { incidentType });

      // Act
      await makeRequestVerification(deps)({ ...step, taskToken: "token-1" });

      // Assess
      expect(deps.sms.sent).toHaveLength(1);
      expect(deps.sms.sent[0]?.to).toBe("+14155550100");
      const code = codeOf(deps.sms.sent[0]?.text ?? "");
      expect(code).toMatch(new RegExp(`^\\d{${digits}}$`));
      const item = stored(deps);
      expect(item.verification.code).toMatchObject({
        hash: hashCode(PEPPER, CASE_ID, code),
        issuedAt: deps.clock.now(),
        expiresAt: deps.clock.now() + 10 * 60_000,
        attempts: 0,
        spent: false,
      });
      expect(item.verification).toMatchObject({ challengeGeneration: 1, codeSends: [deps.clock.now()] });
      expect(JSON.stringify(deps.cases.items.get(CASE_ID))).not.toContain(code);
      expect(JSON.stringify(deps.cases.audit.get(CASE_ID))).not.toContain(code);
      expect(deps.email.sent.map((email) => `${email.subject}${email.text}${email.html}`).join()).not.toContain(code);
    },
  );

  it("sends link and code once per generation when the task is retried with the same or a new token", async () => {
    // Prepare
    await openTestCase(deps);
    const request = makeRequestVerification(deps);

    // Act
    await request({ ...step, taskToken: "token-1" });
    await request({ ...step, taskToken: "token-1" });
    await request({ ...step, taskToken: "token-2" });

    // Assess
    expect(deps.email.sent).toHaveLength(1);
    expect(deps.sms.sent).toHaveLength(1);
    // One link and one reply nonce (the email's Reply-To challenge), minted once.
    expect([...deps.links.links.values()].map((link) => link.purpose).sort()).toEqual([
      "email_reply",
      "verify_reporter",
    ]);
    expect(stored(deps).workflow.waiting?.taskToken).toBe("token-2");
    expect(stored(deps).sent).toEqual(["verification_request#1#email", "verification_request#1#sms"]);
  });

  it("queues the emailed link without its token when the send fails, and goes on waiting", async () => {
    // Prepare
    await openTestCase(deps);
    const request = makeRequestVerification(deps);
    deps.email.failNext = 1;

    // Act
    await request({ ...step, taskToken: "token-1" });
    await request({ ...step, taskToken: "token-1" });

    // Assess
    expect(deps.email.sent).toHaveLength(0);
    expect(deps.sms.sent).toHaveLength(1);
    const queued = [...deps.outbound.items.values()];
    expect(queued).toEqual([
      expect.objectContaining({ kind: "verification_request", mint: "verification_link", channel: "email" }),
    ]);
    expect(JSON.stringify(queued)).not.toContain("/v1/verify/");
    expect(auditTypes(deps)).toContain("message.queued");
    expect([...stored(deps).sent].sort()).toEqual(["verification_request#1#email", "verification_request#1#sms"]);
  });

  it("sends no SMS at all and keeps no code when the incident is a SIM swap", async () => {
    // Prepare
    await openTestCase(deps, { incidentType: "sim_swap" });
    await makeContainIncident(deps)(step);

    // Act
    await makeRequestVerification(deps)({ ...step, taskToken: "token-1" });

    // Assess
    expect(deps.sms.sent).toEqual([]);
    expect(stored(deps).verification).toMatchObject({
      code: null,
      codeSends: [],
      sms: "not_used",
      identity: "pending",
    });
    expect(subjects(deps)).toEqual([`Confirm your report (case ${CASE_ID})`]);
    expect(linkTokenOf(deps.email.sent[0]?.text ?? "")).toBeTruthy();
  });

  it("sends no SMS when the reporter gave no phone", async () => {
    // Prepare
    await openTestCase(deps, { phone: null });

    // Act
    await makeRequestVerification(deps)({ ...step, taskToken: "token-1" });

    // Assess
    expect(deps.sms.sent).toEqual([]);
    expect(deps.email.sent).toHaveLength(1);
  });

  it("throws CaseConcluded and parks nothing when an agent resolved the case meanwhile", async () => {
    // Prepare
    await openTestCase(deps);
    await patch(deps, () => ({ status: "resolved", closeReason: "resolved" }));

    // Act
    const attempt = makeRequestVerification(deps)({ ...step, taskToken: "token-1" });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(CaseConcludedError);
    await expect(attempt).rejects.toMatchObject({ name: "CaseConcluded" });
    expect(stored(deps).workflow.waiting).toBeNull();
    expect(deps.email.sent).toEqual([]);
  });
});

describe("makeAwaitResolution", () => {
  it("parks the token and answers nothing when the case is still open", async () => {
    // Prepare
    const deps = makeTestDeps();
    await openTestCase(deps);

    // Act
    await makeAwaitResolution(deps)({ ...step, taskToken: "token-r" });

    // Assess
    expect(stored(deps).workflow.waiting).toMatchObject({ kind: "resolution", taskToken: "token-r" });
    expect(deps.workflow.responses).toEqual([]);
  });

  it.each(["resolved", "closed"] as const)("resumes the token at once when the case is already %s", async (status) => {
    // Prepare
    const deps = makeTestDeps();
    await openTestCase(deps);
    await patch(deps, () => ({ status }));

    // Act
    await makeAwaitResolution(deps)({ ...step, taskToken: "token-r" });

    // Assess
    expect(deps.workflow.responses).toEqual([{ token: "token-r", outcome: "success", output: { outcome: status } }]);
    expect(stored(deps).workflow.waiting).toBeNull();
  });
});

describe("makeCompleteCase", () => {
  let deps: TestDeps;
  beforeEach(async () => {
    deps = makeTestDeps();
    await openTestCase(deps, { phone: null });
    await makeContainIncident(deps)(step);
    await makeAwaitResolution(deps)({ ...step, taskToken: "token-r" });
  });

  it("closes as resolved with a reopen link, releases the account and stops the SLA timer", async () => {
    // Prepare
    await patch(deps, () => ({ status: "resolved" }));
    deps.clock.advance(600);

    // Act
    await makeCompleteCase(deps)(step);

    // Assess
    const item = stored(deps);
    expect(item).toMatchObject({
      status: "resolved",
      closeReason: "resolved",
      closedAt: new Date(deps.clock.now()).toISOString(),
    });
    expect(item.workflow).toMatchObject({ waiting: null, timerAt: null });
    const message = deps.email.sent.at(-1);
    expect(message?.subject).toBe(`Your case ${CASE_ID} is resolved`);
    const token = /\/v1\/verify\/([A-Za-z0-9_-]+)/.exec(message?.text ?? "")?.[1] ?? "";
    const link = deps.links.links.get(createHash("sha256").update(token).digest("hex"));
    expect(link).toMatchObject({ caseId: CASE_ID, purpose: "reopen_case" });
    expect(link?.expiresAt).toBe(deps.clock.now() + 30 * 24 * HOUR * 1000);
    expect(deps.accounts.open.has("acct_1")).toBe(false);
    expect(deps.workflow.stopped).toEqual([slaTimerName(CASE_ID, 1)]);
    expect(auditTypes(deps)).toContain("case.resolved");
    // Contained at intake (ContainIncident in beforeEach): the lock is still on, and the email says how it lifts.
    expect(item.lock.state).toBe("applied");
    expect(message?.text).toContain("Your account is still locked");
  });

  it("tells the reporter the account is not locked when no lock was ever requested", async () => {
    // Prepare
    await patch(deps, (current) => ({
      status: "resolved",
      lock: { ...current.lock, state: "none", scopes: [], requestedAt: null, appliedAt: null },
    }));

    // Act
    await makeCompleteCase(deps)(step);

    // Assess
    expect(deps.email.sent.at(-1)?.text).toContain("Your account is not locked.");
  });

  it("closes as closed_by_agent when an agent closed the case", async () => {
    // Prepare
    await patch(deps, () => ({ status: "closed" }));

    // Act
    await makeCompleteCase(deps)(step);

    // Assess
    expect(stored(deps)).toMatchObject({ status: "closed", closeReason: "closed_by_agent" });
    expect(deps.email.sent.at(-1)?.text).toMatch(/\/v1\/verify\/[A-Za-z0-9_-]{43}/);
  });

  it("tells the reporter once when the task runs twice", async () => {
    // Prepare
    await patch(deps, () => ({ status: "resolved" }));
    const complete = makeCompleteCase(deps);
    const before = deps.email.sent.length;

    // Act
    await complete(step);
    await complete(step);

    // Assess
    expect(deps.email.sent).toHaveLength(before + 1);
    expect(auditTypes(deps).filter((type) => type === "case.resolved")).toHaveLength(1);
  });

  it("leaves the account to a newer case that holds it", async () => {
    // Prepare
    await patch(deps, () => ({ status: "resolved" }));
    deps.accounts.open.set("acct_1", "c_newer");

    // Act
    await makeCompleteCase(deps)(step);

    // Assess
    expect(deps.accounts.open.get("acct_1")).toBe("c_newer");
  });
});

describe("makeCloseUnverified", () => {
  it("closes as unverified with a reopen link after the pause cap, counting the pause and stopping the timer", async () => {
    // Prepare
    const deps = makeTestDeps();
    await openTestCase(deps);
    await makeContainIncident(deps)(step);
    await makeRequestVerification(deps)({ ...step, taskToken: "token-v" });
    deps.clock.advance(24 * HOUR);

    // Act
    await makeCloseUnverified(deps)(step);

    // Assess
    const item = stored(deps);
    expect(item).toMatchObject({ status: "closed", closeReason: "unverified" });
    expect(item.workflow.waiting).toBeNull();
    expect(item.sla.resolution).toMatchObject({ pausedAt: null, pausedSeconds: 24 * HOUR });
    const message = deps.email.sent.at(-1);
    expect(message?.subject).toBe(`We closed your case ${CASE_ID}: we could not confirm it was you`);
    expect(message?.text).toMatch(/https:\/\/vigil\.test\/v1\/verify\/[A-Za-z0-9_-]{43}/);
    expect(deps.accounts.open.has("acct_1")).toBe(false);
    expect(deps.workflow.stopped).toContain(slaTimerName(CASE_ID, 1));
    expect(auditTypes(deps)).toContain("case.unverified_closed");
  });
});

describe("makeEscalateCase", () => {
  let deps: TestDeps;
  beforeEach(async () => {
    deps = makeTestDeps();
    await openTestCase(deps);
  });

  it("records the failure, pages on-call by email and returns the plan when a step failed", async () => {
    // Prepare
    await makeRequestVerification(deps)({ ...step, taskToken: "token-v" });
    deps.clock.advance(60);
    const reporterMessages = deps.email.sent.length;

    // Act
    const plan = await makeEscalateCase(deps)({ ...step, failure: { Error: "TransientError", Cause: "SES down" } });

    // Assess
    const item = stored(deps);
    expect(item).toMatchObject({ status: "open", escalations: 1, workflow: { waiting: null } });
    expect(item.failures).toEqual([
      { at: new Date(deps.clock.now()).toISOString(), step: "workflow", error: "TransientError" },
    ]);
    expect(item.sla.resolution.pausedAt).toBeNull();
    const page = deps.email.sent.slice(reporterMessages);
    expect(page).toHaveLength(1);
    expect(page[0]?.to).toBe("oncall@vigil.test");
    expect(`${page[0]?.subject} ${page[0]?.text}`).toContain(CASE_ID);
    expect(page[0]?.text).toContain("a workflow step failed (TransientError)");
    expect(plan).toMatchObject({ lockRequired: true, urgentGuidance: false, verificationTimeoutSeconds: 24 * HOUR });
    expect(auditTypes(deps).at(-1)).toBe("case.escalated");
  });

  it("pages without recording a failure when the reporter denied the report", async () => {
    // Act
    await makeEscalateCase(deps)({ ...step, failure: { Error: "VerificationDenied" } });

    // Assess
    expect(stored(deps)).toMatchObject({ escalations: 1, failures: [] });
    expect(deps.email.sent.at(-1)?.text).toContain("the reporter says the report was not theirs");
  });

  it("pages the on-call phone too when one is configured", async () => {
    // Prepare
    deps.config = { ...deps.config, oncallPhone: "+14155550199" };

    // Act
    await makeEscalateCase(deps)({ ...step });

    // Assess
    expect(deps.sms.sent.map((sms) => sms.to)).toEqual(["+14155550199"]);
    expect(stored(deps).failures.at(-1)?.error).toBe("Unknown");
  });
});
