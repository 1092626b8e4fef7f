import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SinkDelivery } from "../../local/provider-sink.js";
import { DEV_DEFAULTS } from "../../local/runtime.js";
import { type Harness, reportData, startHarness } from "./harness.js";

const LOCK = "account.lock.requested";
const UNLOCK = "account.unlock.requested";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The sink's view of one delivery attempt, with the event it carried. */
type Attempt = SinkDelivery & { body: { type: string; timestamp: string; data: Record<string, unknown> } };

/** The provider sink's attempts for one case, oldest first. */
async function attemptsFor(baseUrl: string, caseId: string, type?: string): Promise<Attempt[]> {
  const response = await fetch(`${baseUrl}/_local/provider-webhooks`);
  const { deliveries } = (await response.json()) as { deliveries: Attempt[] };
  return deliveries
    .filter((delivery) => delivery.body?.data?.caseId === caseId && (!type || delivery.type === type))
    .reverse();
}

async function failNext(baseUrl: string, count: number, status = 503): Promise<void> {
  const response = await fetch(`${baseUrl}/_local/provider-webhooks/fail`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ count, status }),
  });
  expect(response.status).toBe(200);
}

/** Seconds between consecutive attempts, from the sink's `receivedAt` (virtual clock). */
const gapsOf = (attempts: Attempt[]) =>
  attempts
    .slice(1)
    .map((attempt, i) => (Date.parse(attempt.receivedAt) - Date.parse(attempts[i]?.receivedAt ?? "")) / 1000);

/** Expects `gap` to be the schedule's delay ± 10 % jitter (± 1 s for timestamps taken around the fire). */
function expectOnSchedule(gap: number | undefined, delaySeconds: number): void {
  expect(gap).toBeGreaterThanOrEqual(delaySeconds * 0.9 - 1);
  expect(gap).toBeLessThanOrEqual(delaySeconds * 1.1 + 1);
}

describe("account locks on the local runtime", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const view = async (caseId: string) => {
    const response = await h.operator(`/v1/cases/${caseId}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  /** Confirms both channels the way a reporter does: the emailed link, with the texted code. */
  async function verifyReporter(email: string, phone: string): Promise<void> {
    const mail = (await h.messages(email)).find((message) => /\/v1\/verify\/[A-Za-z0-9_-]+/.test(message.text));
    const token = /\/v1\/verify\/([A-Za-z0-9_-]+)/.exec(mail?.text ?? "")?.[1];
    const code = (await h.messages(phone)).map((message) => /\b(\d{6,8})\b/.exec(message.text)?.[1]).find(Boolean);
    expect(token).toBeDefined();
    expect(code).toBeDefined();
    const response = await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ decision: "confirm", code }),
    });
    expect(await response.json()).toMatchObject({ status: "verified" });
    await h.settle();
  }

  it("delivers a verifiable account.lock.requested for a P1 report before any verification", async () => {
    // Prepare
    const data = reportData({ incidentType: "key_compromise", signals: {} });

    // Act
    const { status, body } = await h.report(data);

    // Assess: the provider got the signed lock while the reporter has not verified anything.
    expect(status).toBe(202);
    expect(body.priority).toBe("P1");
    const attempts = await attemptsFor(h.url, body.caseId, LOCK);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ signatureValid: true, status: 200 });
    expect(attempts[0]?.id).toMatch(new RegExp(`^${body.caseId}-lock-\\d+$`));
    expect(attempts[0]?.body.data).toEqual({
      caseId: body.caseId,
      accountId: data.accountId,
      scopes: ["login", "withdrawals", "new_addresses", "security_settings"],
      reason: "containment at intake",
      priority: "P1",
    });
    const item = await view(body.caseId);
    expect(item.verification).toMatchObject({
      email: "pending",
      sms: "pending",
      emailVerifiedAt: null,
      smsVerifiedAt: null,
    });
    expect(item.lock).toMatchObject({
      state: "applied",
      scopes: ["login", "withdrawals", "new_addresses", "security_settings"],
    });
    expect(Date.parse(item.lock.appliedAt)).toBeGreaterThanOrEqual(Date.parse(item.lock.requestedAt));
    expect(item.sla.containment.metAt).toBe(item.lock.appliedAt);
    const events = (await (await fetch(`${h.url}/_local/events`)).json()) as {
      events: Array<{ detailType: string; detail: Record<string, unknown> }>;
    };
    expect(
      events.events.find((event) => event.detail.caseId === body.caseId && event.detailType === LOCK)?.detail,
    ).toEqual({
      ...attempts[0]?.body.data,
      webhookId: attempts[0]?.id,
    });
  });

  it("retries a lock that meets three 503s at 5 s, 5 min and 30 min and applies it at the fourth attempt", async () => {
    // Prepare
    await failNext(h.url, 3, 503);
    const { body } = await h.report(reportData({ incidentType: "sim_swap", signals: {} }));

    // Act: walk the virtual clock past each retry.
    await h.advance(6);
    await h.advance(330);
    const beforeLast = await view(body.caseId);
    await h.advance(1980);

    // Assess
    const attempts = await attemptsFor(h.url, body.caseId, LOCK);
    expect(attempts.map((attempt) => attempt.status)).toEqual([503, 503, 503, 200]);
    expect(new Set(attempts.map((attempt) => attempt.id)).size).toBe(1);
    expect(attempts.every((attempt) => attempt.signatureValid)).toBe(true);
    const [toSecond, toThird, toFourth] = gapsOf(attempts);
    expectOnSchedule(toSecond, 5);
    expectOnSchedule(toThird, 300);
    expectOnSchedule(toFourth, 1800);
    expect(beforeLast.lock.state).toBe("requested");
    const item = await view(body.caseId);
    expect(item.lock.state).toBe("applied");
    expect(Math.abs(Date.parse(item.lock.appliedAt) - Date.parse(attempts[3]?.receivedAt ?? ""))).toBeLessThan(1000);
    // The containment clock (1 min) stopped when the lock applied, after it had breached: stopped, not met.
    expect(item.sla.containment).toMatchObject({ state: "breached", metAt: null, stoppedAt: item.lock.appliedAt });
  });

  it("requests no lock and sends no webhook for a phishing P3 report", async () => {
    // Prepare
    const data = reportData({ incidentType: "phishing", signals: {} });

    // Act
    const { body } = await h.report(data);
    await h.advance(60);

    // Assess
    expect(body.priority).toBe("P3");
    expect(await attemptsFor(h.url, body.caseId)).toEqual([]);
    const item = await view(body.caseId);
    expect(item.lock).toMatchObject({ state: "none", scopes: [], requestedAt: null });
    expect(item.sla.containment).toBeNull();
  });

  it("answers 409 to an unlock before the cool-down and delivers account.unlock.requested after proofs and cool-down", async () => {
    // Prepare: a P2 unauthorized access, locked at intake; its cool-down is 1 h.
    const phone = "+14155550177";
    const data = reportData({
      incidentType: "unauthorized_access",
      signals: { fundsAtRisk: false },
      reporter: { email: `u-${randomUUID().slice(0, 8)}@example.com`, phone, locale: "en" },
    });
    const { body } = await h.report(data);
    const email = (data.reporter as { email: string }).email;
    const act = (action: string) =>
      h.operator(`/v1/cases/${body.caseId}/actions`, { body: { action, agent: "maria" } });
    const unlock = () => act("unlock");
    // Acknowledged, so no first-response breach raises the case to P1 (and its cool-down to 24 h).
    expect((await act("acknowledge")).status).toBe(200);

    // Act
    const beforeProofs = await unlock();
    await verifyReporter(email, phone);
    const beforeCooldown = await unlock();
    await h.advance(3600);
    const allowed = await unlock();
    await h.settle();

    // Assess
    expect(body.priority).toBe("P2");
    expect(beforeProofs.status).toBe(409);
    expect(beforeProofs.body).toMatchObject({ status: 409, reason: "cooldown" });
    expect(beforeProofs.body.detail).toContain("proofs still needed: email, sms");
    expect(beforeCooldown.status).toBe(409);
    expect(beforeCooldown.body.reason).toBe("cooldown");
    expect(beforeCooldown.body.detail).not.toContain("proofs still needed");
    expect(allowed.status).toBe(200);
    expect(["release_requested", "released"]).toContain(allowed.body.lock.state);
    const unlocks = await attemptsFor(h.url, body.caseId, UNLOCK);
    expect(unlocks).toHaveLength(1);
    expect(unlocks[0]).toMatchObject({ signatureValid: true, status: 200 });
    expect(unlocks[0]?.body.data).toMatchObject({ caseId: body.caseId, accountId: data.accountId, priority: "P2" });
    const item = await view(body.caseId);
    expect(item.lock.state).toBe("released");
    expect(item.timeline.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(["lock.requested", "lock.applied", "lock.release_requested", "lock.released"]),
    );
  });

  it("answers 409 missing_proofs to an unlock after the cool-down when the reporter never verified", async () => {
    // Prepare
    const { body } = await h.report(reportData({ incidentType: "unauthorized_access", signals: {} }));
    const acknowledged = await h.operator(`/v1/cases/${body.caseId}/actions`, {
      body: { action: "acknowledge", agent: "maria" },
    });
    expect(acknowledged.status).toBe(200);
    await h.advance(3601);

    // Act
    const response = await h.operator(`/v1/cases/${body.caseId}/actions`, {
      body: { action: "unlock", agent: "maria" },
    });

    // Assess
    expect(response.status).toBe(409);
    expect(response.body.reason).toBe("missing_proofs");
    expect(await attemptsFor(h.url, body.caseId, UNLOCK)).toEqual([]);
  });
});

/** `npm start` as a separate process, so that it can really be killed. */
interface ChildRuntime {
  url: string;
  process: ChildProcess;
  kill(signal: NodeJS.Signals): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startChild(dataDir: string): Promise<ChildRuntime> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A clean environment: this worker's own runtime has put its endpoints and URLs in process.env.
  // One process (not the tsx CLI, which runs the program in a child a SIGKILL would orphan).
  const child = spawn(process.execPath, ["--import", "tsx", "local/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      PORT: String(port),
      VIGIL_DATA_DIR: dataDir,
      POWERTOOLS_LOG_LEVEL: "ERROR",
    },
    stdio: process.env.LOCKS_TEST_DEBUG ? "inherit" : "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  for (const started = Date.now(); Date.now() - started < 45_000; ) {
    if (child.exitCode !== null) break;
    // The port is bound before the handlers are loaded: a request may wait unanswered until then.
    const healthy = await fetch(`${url}/_local/health`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) return { url, process: child, kill };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await kill("SIGKILL");
  throw new Error(`the local runtime did not start on ${url}`);
}

async function advanceChild(url: string, seconds: number): Promise<void> {
  const response = await fetch(`${url}/_local/clock/advance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ seconds }),
  });
  expect(response.status).toBe(200);
}

async function reportToChild(url: string, data: Record<string, unknown>): Promise<{ caseId: string }> {
  const { now } = (await (await fetch(`${url}/_local/clock`)).json()) as { now: string };
  const timestamp = new Date(now);
  const body = JSON.stringify({ type: "incident.reported", timestamp: timestamp.toISOString(), data });
  const id = `msg_${randomUUID()}`;
  const response = await fetch(`${url}/v1/reports`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": new Webhook(DEV_DEFAULTS.webhookSecret).sign(id, timestamp, body),
    },
    body,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { caseId: string };
}

/** Polls the sink until it lists `count` attempts for the case (the first one runs in real time). */
async function waitForAttempts(url: string, caseId: string, count: number): Promise<Attempt[]> {
  for (const started = Date.now(); Date.now() - started < 15_000; ) {
    const attempts = await attemptsFor(url, caseId, LOCK);
    if (attempts.length >= count) return attempts;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return attemptsFor(url, caseId, LOCK);
}

describe("lock delivery across a crash of the local runtime", () => {
  const children: ChildRuntime[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "vigil-it-locks-"));
  afterAll(async () => {
    for (const child of children) await child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses no delivery when the runtime is killed mid-retry and restarted on the same data", async () => {
    // Prepare: two failed attempts (0 s, 5 s), then the process dies without any shutdown.
    const first = await startChild(dataDir);
    children.push(first);
    await failNext(first.url, 3, 503);
    const { caseId } = await reportToChild(first.url, reportData({ incidentType: "key_compromise", signals: {} }));
    await waitForAttempts(first.url, caseId, 1);
    await advanceChild(first.url, 6);
    const beforeCrash = await waitForAttempts(first.url, caseId, 2);
    await first.kill("SIGKILL");

    // Act: a new process on the same data directory; the sink's failure switch did not survive.
    const second = await startChild(dataDir);
    children.push(second);
    await failNext(second.url, 1, 503);
    await advanceChild(second.url, 330);
    await advanceChild(second.url, 1980);

    // Assess: the persisted timer went on with the schedule, under the same webhook-id.
    expect(beforeCrash.map((attempt) => attempt.status)).toEqual([503, 503]);
    const attempts = await attemptsFor(second.url, caseId, LOCK);
    expect(attempts.map((attempt) => attempt.status)).toEqual([503, 503, 503, 200]);
    expect(new Set(attempts.map((attempt) => attempt.id))).toEqual(new Set([beforeCrash[0]?.id]));
    expect(attempts.every((attempt) => attempt.signatureValid)).toBe(true);
    const [, toThird, toFourth] = gapsOf(attempts);
    expectOnSchedule(toThird, 300);
    expectOnSchedule(toFourth, 1800);
    const response = await fetch(`${second.url}/v1/cases/${caseId}`, {
      headers: { authorization: `Bearer ${DEV_DEFAULTS.operatorToken}` },
    });
    const item = (await response.json()) as { lock: { state: string } };
    expect(item.lock.state).toBe("applied");
    await second.kill("SIGTERM");
  });
});
