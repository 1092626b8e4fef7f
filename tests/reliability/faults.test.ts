import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonOf, LoadClient, pool, reportData, signReport } from "../../bench/lib/load-client.js";
import { type Harness, startHarness } from "../integration/harness.js";
import { eventually, SMS_CODE, VERIFY_LINK } from "./support.js";

const ONCALL = "oncall@vigil.local";
/** The AWS SDK's default retry strategy: 3 attempts per call, throttling and 5xx retried with backoff. */
const SDK_ATTEMPTS = 3;

interface Timeline {
  type: string;
  detail: Record<string, unknown>;
}
interface CaseView {
  status: string;
  escalations: number;
  channels: { email: boolean; sms: boolean };
  failures: Array<{ step: string; error: string }>;
  lock: { state: string };
  timeline: Timeline[];
}

/**
 * Faults injected into the local runtime: SES and SMS failing or throttling, the provider's webhook
 * endpoint failing, DynamoDB conditional-check races, a workflow task throwing. Nothing may be lost:
 * each case ends in a defined state, and every failure that is not recovered shows on the case
 * (`failures`, timeline) and is escalated (on-call paged).
 */
/** The step's first retry (TransientError retrier: IntervalSeconds 2, FULL jitter) waits at most this on the virtual clock. */
const STEP_RETRY_SECONDS = 2;

describe("the local runtime under injected faults", () => {
  let h: Harness;
  const post = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${h.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  };
  /**
   * Arms an SES or SMS fault. With the default error (SES `Throttling`, SMS `ThrottlingException`)
   * through `POST /_local/faults`; with another error name through `runtime.faults`, because the
   * endpoint currently answers 400 to any body with an `error` field (local-routes' `isError` takes
   * the parsed field for a parse failure; reported).
   */
  const fault = async (channel: "email" | "sms", count: number, error?: string) => {
    if (error) h.runtime.faults[channel] = { count, error };
    else await post("/_local/faults", { channel, count });
  };
  const failSink = (count: number, status: number) => post("/_local/provider-webhooks/fail", { count, status });
  const view = async (caseId: string) => (await h.operator(`/v1/cases/${caseId}`)).body as CaseView;
  /** The case without waiting for the workflows to settle (the harness's `operator` waits). */
  const peek = async (caseId: string) =>
    (await (
      await fetch(`${h.url}/v1/cases/${caseId}`, {
        headers: { authorization: `Bearer ${h.runtime.config.operatorToken}` },
      })
    ).json()) as CaseView;
  const secret = () => h.runtime.config.webhookSecrets[0] as string;
  const oncallPagesFor = async (caseId: string) =>
    (await h.messages(ONCALL)).filter((m) => `${m.subject} ${m.text}`.includes(caseId));

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("delivers the acknowledgement without a trace of failure when SES throttles twice (the SDK retries)", async () => {
    // Prepare
    await fault("email", SDK_ATTEMPTS - 1);
    const data = reportData({ incidentType: "phishing", signals: {} });
    const email = (data.reporter as { email: string }).email;
    // Act
    const { body } = await h.report(data);
    // Assess
    const item = await view(body.caseId);
    expect(item.status).toBe("awaiting_verification");
    expect((await h.messages(email)).some((m) => m.subject?.includes("We received your report"))).toBe(true);
    expect(item.failures).toEqual([]);
    expect(h.runtime.faults.email.count).toBe(0);
  });

  it("records the failed send, retries the step and delivers when SES throttles past the SDK's retries", async () => {
    // Prepare
    await fault("email", SDK_ATTEMPTS);
    const data = reportData({ incidentType: "phishing", signals: {} });
    const email = (data.reporter as { email: string }).email;
    // Act
    const { body } = await h.report(data);
    await h.advance(STEP_RETRY_SECONDS);
    // Assess
    const item = await view(body.caseId);
    expect(item.status).toBe("awaiting_verification");
    expect((await h.messages(email)).some((m) => m.subject?.includes("We received your report"))).toBe(true);
    expect(item.timeline.filter((e) => e.type === "message.failed" && e.detail.channel === "email")).toHaveLength(1);
    expect(item.failures).toEqual([]);
    expect(item.escalations).toBe(0);
  });

  it("records the failed send, retries the step and delivers when SMS throttles past the SDK's retries", async () => {
    // Prepare
    await fault("sms", SDK_ATTEMPTS);
    const data = reportData({ incidentType: "phishing", signals: {} });
    const phone = (data.reporter as { phone: string }).phone;
    // Act
    const { body } = await h.report(data);
    await h.advance(STEP_RETRY_SECONDS);
    // Assess
    const item = await view(body.caseId);
    const texts = await h.messages(phone);
    expect(item.status).toBe("awaiting_verification");
    expect(texts.some((m) => m.text.includes("Report received"))).toBe(true);
    expect(texts.some((m) => SMS_CODE.test(m.text))).toBe(true);
    expect(item.timeline.filter((e) => e.type === "message.failed" && e.detail.channel === "sms")).toHaveLength(1);
    expect(item.escalations).toBe(0);
  });

  it("records throttled_out and goes on when SES keeps failing past every attempt of a message", async () => {
    // Prepare: SES answers 503 until the case shows the failure.
    await fault("email", 1000, "ServiceUnavailable");
    const data = reportData({ incidentType: "phishing", signals: {} });
    const client = new LoadClient(h.url);
    // Act
    const answer = await client.send(signReport(secret(), { data, at: h.runtime.clock.now() }));
    const caseId = jsonOf<{ caseId: string }>(answer)?.caseId as string;
    await eventually(async () => ((await peek(caseId)).failures.length ? true : undefined), "the failure on the case");
    await fault("email", 0);
    await h.settle();
    client.close();
    // Assess: the acknowledgement was given up on; the channel is still trusted and the case goes on.
    const item = await view(caseId);
    expect(answer.status).toBe(202);
    expect(item.failures).toEqual([
      expect.objectContaining({ step: "message.acknowledgement.email", error: "throttled_out" }),
    ]);
    expect(item.channels.email).toBe(true);
    expect(item.status).toBe("awaiting_verification");
    expect(item.timeline.filter((e) => e.type === "message.failed")).toHaveLength(4);
  });

  it("hands verification to an agent at once when SES rejects the email for good, and the agent can resolve", async () => {
    // Prepare: SES rejects the first message (a 400 the SDK does not retry): email is no longer trusted.
    await fault("email", 1, "MessageRejected");
    const data = reportData({ incidentType: "other", signals: {} });
    const { body } = await h.report(data);
    // Act
    const escalated = await view(body.caseId);
    const resolved = await h.operator(`/v1/cases/${body.caseId}/actions`, {
      body: { action: "resolve", agent: "ana" },
    });
    // Assess
    expect(escalated.failures).toEqual([
      expect.objectContaining({ step: "message.acknowledgement.email", error: "rejected" }),
    ]);
    expect(escalated.channels.email).toBe(false);
    expect(escalated.escalations).toBeGreaterThanOrEqual(1);
    expect(await oncallPagesFor(body.caseId)).not.toHaveLength(0);
    expect(resolved.status).toBe(200);
    expect((await view(body.caseId)).status).toBe("resolved");
  });

  it("applies the lock once the provider's endpoint recovers from two failures", async () => {
    // Prepare
    await failSink(2, 503);
    const data = reportData({ incidentType: "key_compromise", signals: {} });
    const { body } = await h.report(data);
    // Act: the retries come 5 s and then about 5 minutes later (Standard Webhooks schedule).
    for (let minute = 0; minute < 10 && (await view(body.caseId)).lock.state !== "applied"; minute++)
      await h.advance(60);
    // Assess
    const attempts = h.runtime.sink
      .list()
      .filter(
        (d) =>
          d.type === "account.lock.requested" &&
          (d.body as { data?: { caseId?: string } }).data?.caseId === body.caseId,
      )
      .reverse();
    expect(attempts.map((d) => d.status)).toEqual([503, 503, 200]);
    expect(attempts.every((d) => d.signatureValid)).toBe(true);
    expect((await view(body.caseId)).lock.state).toBe("applied");
  });

  it("shows the failure on the case and pages on-call when the provider's endpoint answers 410 Gone", async () => {
    // Prepare
    await failSink(1, 410);
    const data = reportData({ incidentType: "unauthorized_access", signals: { drainObserved: true } });
    // Act
    const { body } = await h.report(data);
    // Assess
    const item = await view(body.caseId);
    expect(item.failures).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: "account.lock.requested" })]),
    );
    expect(item.escalations).toBeGreaterThanOrEqual(1);
    expect(item.lock.state).not.toBe("applied");
    expect(await oncallPagesFor(body.caseId)).not.toHaveLength(0);
  });

  it.each([
    [2, 20],
    [4, 20],
    [8, 10],
  ])(
    "opens one case per account and merges the rest when %i reports for one account arrive at once (%i accounts)",
    async (perAccount, accountCount) => {
      // Prepare
      const accounts = Array.from({ length: accountCount }, () => `acct_race_${randomUUID().slice(0, 8)}`);
      const reports = accounts.flatMap((accountId) =>
        Array.from({ length: perAccount }, () => ({
          accountId,
          request: signReport(secret(), {
            data: reportData({ accountId, incidentType: "malware", signals: {} }),
            at: h.runtime.clock.now(),
          }),
        })),
      );
      const client = new LoadClient(h.url, { sources: 8 });
      // Act
      const answers = await pool(reports, reports.length, async ({ accountId, request }) => ({
        accountId,
        exchange: await client.send(request),
      }));
      await h.settle();
      client.close();
      // Assess
      const refused = answers.filter(({ exchange }) => exchange.status !== 202);
      expect(refused.map(({ exchange }) => `${exchange.status} ${exchange.body}`)).toEqual([]);
      for (const accountId of accounts) {
        const mine = answers
          .filter((a) => a.accountId === accountId)
          .map((a) => jsonOf<{ caseId: string; merged: boolean }>(a.exchange));
        expect(new Set(mine.map((a) => a?.caseId)).size).toBe(1);
        expect(mine.filter((a) => a?.merged === false)).toHaveLength(1);
        const item = (await h.operator(`/v1/cases/${mine[0]?.caseId}`)).body as { reports: number; status: string };
        expect(item.reports).toBe(perAccount);
        expect(item.status).toBe("awaiting_verification");
      }
    },
  );

  it("opens one case when the same webhook-id arrives several times at once", async () => {
    // Prepare
    const ids = Array.from({ length: 10 }, () => ({
      id: `msg_${randomUUID()}`,
      data: reportData({ incidentType: "phishing", signals: {} }),
    }));
    const at = h.runtime.clock.now();
    const sends = ids.flatMap(({ id, data }) => {
      const body = JSON.stringify({ type: "incident.reported", timestamp: new Date(at).toISOString(), data });
      return Array.from({ length: 4 }, () => ({ id, request: signReport(secret(), { id, body, at }) }));
    });
    const client = new LoadClient(h.url, { sources: 8 });
    // Act
    const answers = await pool(sends, sends.length, async ({ id, request }) => ({
      id,
      exchange: await client.send(request),
    }));
    const again = await pool(ids, 10, async ({ id, data }) => ({
      id,
      exchange: await client.send(
        signReport(secret(), {
          id,
          body: JSON.stringify({ type: "incident.reported", timestamp: new Date(at).toISOString(), data }),
          at,
        }),
      ),
    }));
    await h.settle();
    client.close();
    // Assess: racing copies answer 202 (the case) or 429 (still being processed, retry); a later retry answers the one case.
    expect(answers.every(({ exchange }) => exchange.status === 202 || exchange.status === 429)).toBe(true);
    for (const { id } of ids) {
      const cases = new Set(
        answers
          .filter((a) => a.id === id && a.exchange.status === 202)
          .map((a) => jsonOf<{ caseId: string }>(a.exchange)?.caseId),
      );
      const later = jsonOf<{ caseId: string; duplicate: boolean }>(again.find((a) => a.id === id)?.exchange as never);
      expect(cases.size).toBe(1);
      expect(later).toMatchObject({ caseId: [...cases][0], duplicate: true });
    }
  });

  it("lets the reporter verify when the SMS channel failed past the SDK's retries", async () => {
    // Prepare: the first SMS (the acknowledgement) fails every SDK attempt; the step is retried.
    const data = reportData({ incidentType: "malware", signals: {} });
    const reporter = data.reporter as { email: string; phone: string };
    await fault("sms", SDK_ATTEMPTS);
    const { body } = await h.report(data);
    await h.advance(STEP_RETRY_SECONDS);
    const token = (await h.messages(reporter.email)).map((m) => VERIFY_LINK.exec(m.text)?.[1]).find(Boolean);
    const code = (await h.messages(reporter.phone)).map((m) => SMS_CODE.exec(m.text)?.[1]).find(Boolean);
    // Act
    const answer = await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ decision: "confirm", code }),
    });
    await h.settle();
    // Assess
    expect(await answer.json()).toMatchObject({ status: "verified" });
    expect((await view(body.caseId)).status).toBe("verified");
  });
});
