import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { ulid } from "ulid";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { StaticSecretSource } from "../../../src/adapters/in-memory/index.js";
import { deliveryTimerName, slaTimerName } from "../../../src/domain/execution-names.js";
import { formatSecret } from "../../../src/domain/standard-webhooks.js";
import { ConflictError, RateLimitedError, UnauthorizedError, ValidationError } from "../../../src/errors/index.js";
import type { Case } from "../../../src/schemas/case.js";
import { makeReceiveReport, type ReceiveReportInput } from "../../../src/use-cases/receive-report.js";
import { makeStartPendingWorkflows } from "../../../src/use-cases/start-pending-workflows.js";
import { makeTestDeps, TEST_PROVIDER_SECRET, TEST_WEBHOOK_SECRET, type TestDeps } from "../../fixtures/deps.js";

type ReportData = Record<string, unknown>;

function reportData(overrides: ReportData = {}): ReportData {
  return {
    accountId: "acct_123",
    incidentType: "unauthorized_access",
    reporter: { email: "ana@example.com", phone: "+14155550100", locale: "en" },
    description: "I see a login from a device I do not own",
    signals: { fundsAtRisk: true, assetsUsd: 500 },
    ...overrides,
  };
}

let sequence = 0;

/** A report signed by the real Standard Webhooks client, stamped with the fake clock's time. */
function signedReport(
  deps: TestDeps,
  data: ReportData = reportData(),
  options: { id?: string; secret?: string; body?: string; sender?: string; at?: number } = {},
): ReceiveReportInput {
  const id = options.id ?? `msg_${++sequence}`;
  const body =
    options.body ??
    JSON.stringify({ type: "incident.reported", timestamp: new Date(deps.clock.now()).toISOString(), data });
  const at = new Date(options.at ?? deps.clock.now());
  const signature = new Webhook(options.secret ?? TEST_WEBHOOK_SECRET).sign(id, at, body);
  return {
    headers: { id, timestamp: String(Math.floor(at.getTime() / 1000)), signature },
    rawBody: body,
    sender: options.sender ?? "203.0.113.7",
  };
}

/** Everything a request could have written or sent. */
function writes(deps: TestDeps) {
  return {
    cases: deps.cases.items.size,
    audit: deps.cases.audit.size,
    webhooks: deps.idempotency.records.size,
    accounts: deps.accounts.open.size,
    links: deps.links.links.size,
    deliveries: deps.deliveries.deliveries.size,
    emails: deps.email.sent.length,
    sms: deps.sms.sent.length,
    started: deps.workflow.started.length,
  };
}

function storedCase(deps: TestDeps, caseId: string): Case {
  const found = deps.cases.items.get(caseId);
  if (!found) throw new Error(`case ${caseId} is not stored`);
  return found.case;
}

describe("receiveReport", () => {
  let deps: TestDeps;
  let receive: ReturnType<typeof makeReceiveReport>;

  beforeEach(() => {
    deps = makeTestDeps();
    receive = makeReceiveReport(deps);
  });

  describe("a new report", () => {
    it.each([
      ["key_compromise", {}, "P1"],
      ["sim_swap", {}, "P1"],
      ["unauthorized_access", {}, "P2"],
      ["unauthorized_access", { drainObserved: true }, "P1"],
      ["unauthorized_access", { fundsAtRisk: true, assetsUsd: 10_000 }, "P1"],
      ["unauthorized_access", { fundsAtRisk: true, assetsUsd: 9_999 }, "P2"],
      ["unauthorized_access", { fundsAtRisk: false, assetsUsd: 50_000 }, "P2"],
      ["malware", {}, "P2"],
      ["malware", { drainObserved: true }, "P1"],
      ["phishing", {}, "P3"],
      ["phishing", { credentialsEntered: true }, "P2"],
      ["phishing", { seedPhraseEntered: true }, "P1"],
      ["other", { drainObserved: true }, "P4"],
    ])("opens a %s case with signals %j at %s", async (incidentType, signals, priority) => {
      // Prepare
      const input = signedReport(deps, reportData({ incidentType, signals }));

      // Act
      const result = await receive(input);

      // Assess
      expect(result).toMatchObject({ status: "open", priority, duplicate: false, merged: false });
      expect(storedCase(deps, result.caseId)).toMatchObject({ incidentType, priority, initialPriority: priority });
    });

    it("stores the case, starts its workflow named after the case and completes the webhook record when the report is valid", async () => {
      // Prepare
      const input = signedReport(deps, reportData({ signals: { fundsAtRisk: true, assetsUsd: 12_000 } }));

      // Act
      const result = await receive(input);

      // Assess
      const item = storedCase(deps, result.caseId);
      expect(item).toMatchObject({
        accountId: "acct_123",
        status: "open",
        priority: "P1",
        channels: { email: true, sms: true },
        verification: { email: "pending", sms: "pending", identity: "not_used" },
        lock: { state: "none", scopes: ["login", "withdrawals", "security_settings"] },
        reportIds: [input.headers.id],
        workflow: { generation: 1, started: false },
      });
      expect(deps.workflow.started).toEqual([
        { kind: "case", name: result.caseId, input: { caseId: result.caseId, generation: 1 } },
      ]);
      // The claim already names the new case: a repeat finds it there without a second write.
      expect(deps.idempotency.records.get(input.headers.id as string)).toMatchObject({
        state: "claimed",
        caseId: result.caseId,
      });
      expect(deps.accounts.open.get("acct_123")).toBe(result.caseId);
      // The opening event rides in the case item's outbox; the first change (or an audit read) writes it.
      expect(storedCase(deps, result.caseId).pendingEvents.map((event) => event.type)).toEqual(["case.opened"]);
    });

    it("writes the case with its webhook and account claims in one all-or-nothing write when the account has no open case", async () => {
      // Prepare
      const open = vi.spyOn(deps.intake, "open");
      const claimWebhook = vi.spyOn(deps.idempotency, "claim");
      const claimAccount = vi.spyOn(deps.accounts, "claim");
      const create = vi.spyOn(deps.cases, "create");

      // Act
      const result = await receive(signedReport(deps));

      // Assess
      expect(open).toHaveBeenCalledTimes(1);
      expect(open.mock.calls[0]?.[0].item).toMatchObject({
        caseId: result.caseId,
        pendingEvents: [{ type: "case.opened" }],
      });
      expect([claimWebhook, claimAccount, create].map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0]);
    });

    it("starts the clocks from the fake clock with the P1 targets when the report is P1", async () => {
      // Prepare
      const openedAt = deps.clock.now();
      const input = signedReport(deps, reportData({ incidentType: "key_compromise", signals: {} }));

      // Act
      const result = await receive(input);

      // Assess
      const { sla } = storedCase(deps, result.caseId);
      const at = (seconds: number) => new Date(openedAt + seconds * 1000).toISOString();
      expect(sla.containment).toMatchObject({ startedAt: at(0), targetSeconds: 60, dueAt: at(60) });
      expect(sla.firstResponse).toMatchObject({ startedAt: at(0), targetSeconds: 900, dueAt: at(900) });
      expect(sla.resolution).toMatchObject({ startedAt: at(0), targetSeconds: 4 * 3600, dueAt: at(4 * 3600) });
    });

    it("runs no containment clock and asks for no lock when the incident is phishing", async () => {
      // Prepare
      const input = signedReport(deps, reportData({ incidentType: "phishing", signals: {} }));

      // Act
      const result = await receive(input);

      // Assess
      const item = storedCase(deps, result.caseId);
      expect(item.sla.containment).toBeNull();
      expect(item.sla.firstResponse.targetSeconds).toBe(4 * 3600);
      expect(item.lock.scopes).toEqual([]);
    });

    it("drops SMS and asks for an identity check when the incident is a SIM swap", async () => {
      // Prepare
      const input = signedReport(deps, reportData({ incidentType: "sim_swap", signals: {} }));

      // Act
      const result = await receive(input);

      // Assess
      expect(storedCase(deps, result.caseId)).toMatchObject({
        channels: { email: true, sms: false },
        verification: { sms: "not_used", identity: "pending" },
      });
    });

    it("drops SMS when the signals say a SIM swap was detected", async () => {
      // Prepare
      const input = signedReport(deps, reportData({ incidentType: "malware", signals: { simSwapDetected: true } }));

      // Act
      const result = await receive(input);

      // Assess
      expect(storedCase(deps, result.caseId).channels).toEqual({ email: true, sms: false });
    });

    it("uses email only and the default locale when the reporter gives no phone and no locale", async () => {
      // Prepare
      const input = signedReport(deps, reportData({ reporter: { email: "ana@example.com" } }));

      // Act
      const result = await receive(input);

      // Assess
      expect(storedCase(deps, result.caseId)).toMatchObject({
        channels: { email: true, sms: false },
        reporter: { email: "ana@example.com", locale: "en" },
      });
    });
  });

  describe("a repeated webhook-id", () => {
    it("answers the same case with duplicate true and writes nothing new when the body is the same", async () => {
      // Prepare
      const input = signedReport(deps);
      const first = await receive(input);
      const before = writes(deps);

      // Act
      const second = await receive(input);

      // Assess
      expect(second).toEqual({ ...first, duplicate: true });
      expect(writes(deps)).toEqual(before);
    });

    it("answers a duplicate even when the repeat is signed later within tolerance", async () => {
      // Prepare
      const first = signedReport(deps);
      const { caseId } = await receive(first);
      deps.clock.advance(120);

      // Act
      const second = await receive(signedReport(deps, undefined, { id: first.headers.id, body: first.rawBody }));

      // Assess
      expect(second).toMatchObject({ caseId, duplicate: true });
    });

    it("throws ConflictError and writes nothing when the same id comes with another body", async () => {
      // Prepare
      const first = signedReport(deps);
      await receive(first);
      const before = writes(deps);
      const other = signedReport(deps, reportData({ description: "something else" }), { id: first.headers.id });

      // Act
      const attempt = receive(other);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      expect(writes(deps)).toEqual(before);
    });

    it("throws RateLimitedError when the first request still holds the claim", async () => {
      // Prepare
      const input = signedReport(deps);
      // A crash on the item-by-item path (the account points at a case that was never written, so the
      // one-write fast path cannot take the report): the process dies before it can release its claim.
      deps.accounts.open.set("acct_123", "c_vanished");
      vi.spyOn(deps.accounts, "replace").mockRejectedValueOnce(new Error("crashed mid-request"));
      vi.spyOn(deps.idempotency, "release").mockResolvedValueOnce(undefined);
      await expect(receive(input)).rejects.toThrow("crashed mid-request");
      deps.clock.advance(29);

      // Act
      const attempt = receive(input);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(RateLimitedError);
      await expect(attempt).rejects.toMatchObject({ retryAfterSeconds: 2 });
      expect(deps.cases.items.size).toBe(0);
    });

    it("takes over an abandoned claim and opens the case when the claim is older than 30 s", async () => {
      // Prepare
      const input = signedReport(deps);
      // A crash on the item-by-item path (the account points at a case that was never written, so the
      // one-write fast path cannot take the report): the process dies before it can release its claim.
      deps.accounts.open.set("acct_123", "c_vanished");
      vi.spyOn(deps.accounts, "replace").mockRejectedValueOnce(new Error("crashed mid-request"));
      vi.spyOn(deps.idempotency, "release").mockResolvedValueOnce(undefined);
      await expect(receive(input)).rejects.toThrow("crashed mid-request");
      deps.clock.advance(31);

      // Act
      const result = await receive(input);

      // Assess
      expect(result).toMatchObject({ duplicate: false, merged: false, status: "open" });
      expect(deps.cases.items.size).toBe(1);
      expect(deps.idempotency.records.get(input.headers.id as string)).toMatchObject({ caseId: result.caseId });
      expect(deps.workflow.started.map((start) => start.name)).toEqual([result.caseId]);
    });
  });

  describe("a report for an account with an open case", () => {
    it("joins the open case with merged true when the account already has one", async () => {
      // Prepare
      const phishing = { incidentType: "phishing", signals: {} };
      const first = await receive(signedReport(deps, reportData(phishing)));
      deps.clock.advance(60);

      // Act
      const second = await receive(
        signedReport(deps, reportData({ ...phishing, description: "and now my email changed" })),
      );

      // Assess
      expect(second).toMatchObject({ caseId: first.caseId, merged: true, duplicate: false, priority: "P3" });
      expect(deps.cases.items.size).toBe(1);
      expect(storedCase(deps, first.caseId).reportIds).toHaveLength(2);
      expect(deps.cases.audit.get(first.caseId)?.map((event) => event.type)).toEqual(["case.opened", "report.merged"]);
      expect(deps.workflow.started.filter((start) => start.kind === "case")).toHaveLength(1);
    });

    it("answers a repeat of the merged report as a merged duplicate", async () => {
      // Prepare
      const first = await receive(signedReport(deps));
      const follow = signedReport(deps, reportData({ description: "more" }));
      await receive(follow);

      // Act
      const repeat = await receive(follow);

      // Assess
      expect(repeat).toMatchObject({ caseId: first.caseId, merged: true, duplicate: true });
      expect(storedCase(deps, first.caseId).reportIds).toHaveLength(2);
    });

    it("raises the priority, re-targets the SLA and requests the lock when new evidence shows a drain", async () => {
      // Prepare
      const openedAt = deps.clock.now();
      const first = await receive(signedReport(deps, reportData({ incidentType: "malware", signals: {} })));
      expect(storedCase(deps, first.caseId)).toMatchObject({ priority: "P2", lock: { scopes: [] } });
      deps.clock.advance(120);

      // Act
      const second = await receive(
        signedReport(deps, reportData({ incidentType: "malware", signals: { drainObserved: true } })),
      );

      // Assess
      expect(second).toMatchObject({ caseId: first.caseId, merged: true, priority: "P1" });
      const item = storedCase(deps, first.caseId);
      expect(item.priority).toBe("P1");
      expect(item.sla.firstResponse).toMatchObject({
        targetSeconds: 900,
        dueAt: new Date(openedAt + 900_000).toISOString(),
      });
      expect(item.sla.resolution.targetSeconds).toBe(4 * 3600);
      expect(item.lock).toMatchObject({
        state: "requested",
        scopes: ["withdrawals", "new_addresses", "security_settings"],
      });
      expect(item.sla.containment).toMatchObject({
        targetSeconds: 60,
        startedAt: new Date(openedAt + 120_000).toISOString(),
      });
      const deliveries = [...deps.deliveries.deliveries.values()];
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]).toMatchObject({ caseId: first.caseId, type: "account.lock.requested", status: "pending" });
      const timers = deps.workflow.started.filter((start) => start.kind === "timer").map((start) => start.name);
      expect(timers).toContain(deliveryTimerName(deliveries[0]?.deliveryId ?? ""));
      expect(timers).toContain(slaTimerName(first.caseId, 1));
      expect(deps.events.events.map((event) => event.type)).toEqual(["account.lock.requested"]);
    });

    it("keeps the priority, its clocks and requests no lock when the follow-up adds nothing", async () => {
      // Prepare
      const first = await receive(signedReport(deps, reportData({ incidentType: "phishing", signals: {} })));
      const opened = storedCase(deps, first.caseId);

      // Act
      await receive(signedReport(deps, reportData({ incidentType: "phishing", signals: {} })));

      // Assess
      expect(storedCase(deps, first.caseId).priority).toBe("P3");
      expect(storedCase(deps, first.caseId).sla).toEqual(opened.sla);
      expect(deps.deliveries.deliveries.size).toBe(0);
    });

    it("opens a new case and hands it the account when the account points at a closed case", async () => {
      // Prepare
      const first = await receive(signedReport(deps));
      const stored = deps.cases.items.get(first.caseId);
      if (!stored) throw new Error("missing");
      stored.case = { ...stored.case, status: "closed", closeReason: "closed_by_agent" };
      deps.clock.advance(60);

      // Act
      const second = await receive(signedReport(deps));

      // Assess
      expect(second).toMatchObject({ merged: false, duplicate: false, status: "open" });
      expect(second.caseId).not.toBe(first.caseId);
      expect(deps.accounts.open.get("acct_123")).toBe(second.caseId);
      expect(storedCase(deps, first.caseId).reportIds).toHaveLength(1);
    });

    it("opens a new case when the account points at a case that was never written", async () => {
      // Prepare
      deps.accounts.open.set("acct_123", "c_vanished");

      // Act
      const result = await receive(signedReport(deps));

      // Assess
      expect(result.caseId).not.toBe("c_vanished");
      expect(deps.accounts.open.get("acct_123")).toBe(result.caseId);
    });

    it("joins the case that holds the account when that case is still being written", async () => {
      // Prepare: a first report claimed the account; its case is not readable yet when the second looks.
      const first = await receive(signedReport(deps));
      const get = deps.cases.get.bind(deps.cases);
      vi.spyOn(deps.cases, "get")
        .mockResolvedValueOnce(null)
        .mockImplementation((caseId) => get(caseId));

      // Act
      const second = await receive(signedReport(deps));

      // Assess: one case for the account, and the account still points at it.
      expect(second).toMatchObject({ caseId: first.caseId, merged: true });
      expect(deps.cases.items.size).toBe(1);
      expect(deps.accounts.open.get("acct_123")).toBe(first.caseId);
      expect(deps.clock.slept.length).toBeGreaterThan(0);
    });

    it("asks the sender to retry when the account's fresh case is still not written after the pauses", async () => {
      // Prepare: the account is claimed by a case minted a moment ago that never appears.
      const opening = `c_${ulid(deps.clock.now() - 1_000)}`;
      deps.accounts.open.set("acct_123", opening);

      // Act
      const attempt = receive(signedReport(deps));

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: "RateLimitedError", retryAfterSeconds: 1 });
      expect(deps.accounts.open.get("acct_123")).toBe(opening);
      expect(deps.cases.items.size).toBe(0);
    });

    it("opens a new case when the account points at a case minted long ago that was never written", async () => {
      // Prepare: the request that claimed the account a minute ago crashed before writing its case.
      deps.accounts.open.set("acct_123", `c_${ulid(deps.clock.now() - 60_000)}`);

      // Act
      const result = await receive(signedReport(deps));

      // Assess
      expect(result).toMatchObject({ merged: false });
      expect(deps.accounts.open.get("acct_123")).toBe(result.caseId);
    });

    it("throws RateLimitedError for the 21st report in an hour and accepts again an hour later", async () => {
      // Prepare
      const first = await receive(signedReport(deps));
      for (let i = 2; i <= 20; i++) {
        deps.clock.advance(60);
        await receive(signedReport(deps));
      }
      expect(storedCase(deps, first.caseId).reportIds).toHaveLength(20);
      deps.clock.advance(60);
      const casesBefore = structuredClone(deps.cases.items.get(first.caseId));

      // Act
      const rejected = receive(signedReport(deps));

      // Assess
      await expect(rejected).rejects.toBeInstanceOf(RateLimitedError);
      await expect(rejected).rejects.toMatchObject({ retryAfterSeconds: 3600 });
      expect(deps.cases.items.get(first.caseId)).toEqual(casesBefore);
      deps.clock.advance(3600);
      await expect(receive(signedReport(deps))).resolves.toMatchObject({ caseId: first.caseId, merged: true });
    });
  });

  describe("limits and rejections", () => {
    it("throws RateLimitedError for the 601st request of a sender within a minute", async () => {
      // Prepare
      const invalid = "{}";
      for (let i = 0; i < 600; i++) {
        await expect(receive(signedReport(deps, undefined, { body: invalid }))).rejects.toBeInstanceOf(ValidationError);
      }

      // Act
      const attempt = receive(signedReport(deps));

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(RateLimitedError);
      await expect(receive(signedReport(deps, undefined, { sender: "198.51.100.9" }))).resolves.toMatchObject({
        duplicate: false,
      });
    });

    it.each([
      ["no headers", (input: ReceiveReportInput) => ({ ...input, headers: {} })],
      [
        "no signature",
        (input: ReceiveReportInput) => ({ ...input, headers: { ...input.headers, signature: undefined } }),
      ],
      [
        "a tampered body",
        (input: ReceiveReportInput) => ({ ...input, rawBody: input.rawBody.replace("acct_123", "acct_999") }),
      ],
      [
        "a non-numeric timestamp",
        (input: ReceiveReportInput) => ({ ...input, headers: { ...input.headers, timestamp: "soon" } }),
      ],
    ])("throws UnauthorizedError and writes nothing when the request has %s", async (_, tamper) => {
      // Prepare
      const input = tamper(signedReport(deps));

      // Act
      const attempt = receive(input);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(UnauthorizedError);
      expect(Object.values(writes(deps)).every((count) => count === 0)).toBe(true);
    });

    it("throws UnauthorizedError when the report is signed with an unknown secret", async () => {
      // Prepare
      const input = signedReport(deps, reportData(), { secret: TEST_PROVIDER_SECRET });

      // Act
      const attempt = receive(input);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(attempt).rejects.toThrow("no webhook-signature matches an active secret");
    });

    it.each([
      [-300, true],
      [300, true],
      [-301, false],
      [301, false],
    ])("verifies a timestamp %i s away from the fake clock as accepted=%s", async (offsetSeconds, accepted) => {
      // Prepare
      const input = signedReport(deps, reportData(), { at: deps.clock.now() + offsetSeconds * 1000 });

      // Act
      const attempt = receive(input);

      // Assess
      if (accepted) await expect(attempt).resolves.toMatchObject({ duplicate: false });
      else {
        await expect(attempt).rejects.toBeInstanceOf(UnauthorizedError);
        expect(writes(deps).cases).toBe(0);
      }
    });

    it("rejects a once-valid report when the clock has moved on more than 300 s", async () => {
      // Prepare
      const input = signedReport(deps);
      deps.clock.advance(301);

      // Act
      const attempt = receive(input);

      // Assess
      await expect(attempt).rejects.toThrow("more than 300 seconds");
    });

    it("throws ValidationError with an empty path and writes nothing when the body is not JSON", async () => {
      // Prepare
      const input = signedReport(deps, undefined, { body: "{not json" });

      // Act
      const attempt = receive(input);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ errors: [{ path: "" }] });
      expect(Object.values(writes(deps)).every((count) => count === 0)).toBe(true);
    });

    it("throws ValidationError naming every bad field and writes nothing when the body breaks the schema", async () => {
      // Prepare
      const data = reportData({
        incidentType: "bogus",
        reporter: { email: "not-an-email", phone: "0415" },
        description: "x".repeat(4001),
        extra: true,
      });
      const input = signedReport(deps, data);

      // Act
      const attempt = receive(input);

      // Assess
      const error = await attempt.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).errors.map((entry) => entry.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          "/data/incidentType",
          "/data/reporter/email",
          "/data/reporter/phone",
          "/data/description",
          "/data",
        ]),
      );
      expect(Object.values(writes(deps)).every((count) => count === 0)).toBe(true);
    });

    it("throws ValidationError when the webhook type is not incident.reported", async () => {
      // Prepare
      const body = JSON.stringify({
        type: "case.updated",
        timestamp: new Date(deps.clock.now()).toISOString(),
        data: reportData(),
      });

      // Act
      const attempt = receive(signedReport(deps, undefined, { body }));

      // Assess
      await expect(attempt).rejects.toMatchObject({
        name: "ValidationError",
        errors: [expect.objectContaining({ path: "/type" })],
      });
    });
  });

  describe("secret rotation", () => {
    it.each([0, 1])("accepts a report signed with active secret #%i when two are active", async (index) => {
      // Prepare
      const next = formatSecret(new Uint8Array(randomBytes(32)));
      const secrets = [TEST_WEBHOOK_SECRET, next];
      deps.secrets = new StaticSecretSource({ ...deps.secrets.secrets, webhookSecrets: secrets });
      receive = makeReceiveReport(deps);

      // Act
      const result = await receive(signedReport(deps, reportData(), { secret: secrets[index] }));

      // Assess
      expect(result.duplicate).toBe(false);
    });

    it("rejects the retired secret when only the new one is active", async () => {
      // Prepare
      const next = formatSecret(new Uint8Array(randomBytes(32)));
      deps.secrets = new StaticSecretSource({ ...deps.secrets.secrets, webhookSecrets: [next] });
      receive = makeReceiveReport(deps);

      // Act
      const attempt = receive(signedReport(deps, reportData(), { secret: TEST_WEBHOOK_SECRET }));

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(UnauthorizedError);
    });
  });

  describe("when Step Functions refuses the start", () => {
    it("keeps the case, counts WorkflowStartDeferred and lets start-pending-workflows start it after 30 s", async () => {
      // Prepare
      deps.workflow.failStarts = 1;
      const startPending = makeStartPendingWorkflows(deps);

      const input = signedReport(deps);

      // Act
      const result = await receive(input);

      // Assess
      expect(result).toMatchObject({ status: "open", duplicate: false });
      expect(deps.cases.items.has(result.caseId)).toBe(true);
      expect(deps.metrics.counts.WorkflowStartDeferred).toBe(1);
      expect(deps.workflow.started).toEqual([]);
      expect(deps.idempotency.records.get(input.headers.id as string)).toMatchObject({ caseId: result.caseId });

      deps.clock.advance(29);
      await expect(startPending()).resolves.toEqual({ attempted: 0, started: 0, locked: 0 });
      expect(deps.workflow.started).toEqual([]);

      deps.clock.advance(2);
      await expect(startPending()).resolves.toEqual({ attempted: 1, started: 1, locked: 1 });
      // Protection first: the lock goes to the provider (inline) before the case workflow starts.
      expect(deps.transport.requests).toHaveLength(1);
      expect(deps.workflow.started.map((start) => start.name)).toEqual([slaTimerName(result.caseId, 1), result.caseId]);
      expect(deps.metrics.counts.LockSwept).toBe(1);
    });

    it("counts the deferral again and keeps the case pending when the re-drive fails too", async () => {
      // Prepare
      deps.workflow.failStarts = 2;
      const startPending = makeStartPendingWorkflows(deps);
      await receive(signedReport(deps));
      deps.clock.advance(31);

      // Act
      const outcome = await startPending();

      // Assess
      expect(outcome).toEqual({ attempted: 1, started: 0, locked: 1 });
      expect(deps.metrics.counts.WorkflowStartDeferred).toBe(2);
      await expect(startPending()).resolves.toEqual({ attempted: 1, started: 1, locked: 0 });
    });
  });
});
