import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Exchange, makeContractValidator, readOpenApiDocument } from "../helpers/openapi.js";
import { type Harness, reportData, startHarness } from "./harness.js";

const LINK = /\/v1\/verify\/([A-Za-z0-9_-]{40,})/;

/**
 * The contract proven against real answers: every exchange below goes over HTTP to the local runtime (the same
 * handlers as on AWS), and each answer must be documented in docs/openapi.json (status, media type) and
 * validate against its schema.
 */
describe("the local runtime's answers match docs/openapi.json", () => {
  let h: Harness;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  /** One request; the answer is recorded with the path template the document names. */
  async function call(
    template: string,
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; operator?: boolean } = {},
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${h.url}${path}`, {
      method: init.method ?? "GET",
      headers: {
        ...(init.operator === false ? {} : { authorization: `Bearer ${h.runtime.config.operatorToken}` }),
        ...init.headers,
      },
      body: init.body,
    });
    const text = await response.text();
    const contentType = response.headers.get("content-type");
    const body = contentType?.includes("json") ? JSON.parse(text) : text;
    await h.settle();
    exchanges.push({ method: init.method ?? "GET", path: template, status: response.status, contentType, body });
    return { status: response.status, body };
  }

  function signedReport(body: string, id = `msg_${randomUUID()}`, contentType = "application/json") {
    const timestamp = new Date(h.runtime.clock.now());
    return {
      method: "POST",
      body,
      operator: false,
      headers: {
        "content-type": contentType,
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": new Webhook(h.runtime.config.webhookSecrets[0] ?? "").sign(id, timestamp, body),
      },
    };
  }

  const envelope = (data: Record<string, unknown>) =>
    JSON.stringify({ type: "incident.reported", timestamp: new Date(h.runtime.clock.now()).toISOString(), data });

  it("serves the committed document at GET /openapi.json", async () => {
    // Act
    const response = await fetch(`${h.url}/openapi.json`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual(readOpenApiDocument());
  });

  it("documents every answer of the intake, reporter and operator routes, errors included", async () => {
    // Prepare: a P1 case with a lock, a reporter with email and phone.
    const data = reportData({
      incidentType: "sim_swap",
      reporter: { email: `oa-${randomUUID().slice(0, 8)}@example.com`, phone: "+14155550100", locale: "en" },
    });
    const body = envelope(data);
    const id = `msg_${randomUUID()}`;

    // Act: intake.
    const opened = await call("/v1/reports", "/v1/reports", signedReport(body, id));
    await call("/v1/reports", "/v1/reports", signedReport(body, id));
    await call("/v1/reports", "/v1/reports", signedReport(envelope({ ...data, description: "other" }), id));
    await call("/v1/reports", "/v1/reports", signedReport(envelope({ ...data, incidentType: "lost_phone" })));
    await call("/v1/reports", "/v1/reports", {
      ...signedReport(body),
      headers: { "content-type": "application/json" },
    });
    await call("/v1/reports", "/v1/reports", signedReport("x".repeat(40 * 1024)));
    await call("/v1/reports", "/v1/reports", signedReport(body, undefined, "text/plain"));
    const caseId = (opened.body as { caseId: string }).caseId;

    // Act: the operator API.
    await call("/v1/cases", "/v1/cases");
    await call("/v1/cases", "/v1/cases?priority=P1&status=open,awaiting_verification&limit=5");
    await call("/v1/cases", "/v1/cases?priorty=P1");
    await call("/v1/cases", "/v1/cases", { operator: false });
    await call("/v1/cases/{caseId}", `/v1/cases/${caseId}`);
    await call("/v1/cases/{caseId}", "/v1/cases/c_unknown");
    await call("/v1/cases/{caseId}/audit", `/v1/cases/${caseId}/audit`);
    const action = (value: unknown) => ({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(value),
    });
    await call("/v1/cases/{caseId}/actions", `/v1/cases/${caseId}/actions`, action({ action: "unlock" }));
    await call("/v1/cases/{caseId}/actions", `/v1/cases/${caseId}/actions`, action({ action: "dance" }));
    await call("/v1/cases/{caseId}/actions", `/v1/cases/${caseId}/actions`, action({ action: "note", note: "called" }));
    await call("/v1/cases/{caseId}/actions", `/v1/cases/${caseId}/actions`, action({ action: "acknowledge" }));

    // Act: the reporter's pages (SIM swap: email link only; the JSON answers).
    const token = (await h.messages(data.reporter ? (data.reporter as { email: string }).email : ""))
      .map((message) => LINK.exec(message.text)?.[1])
      .find(Boolean) as string;
    const json = { "content-type": "application/json", accept: "application/json" };
    await call("/v1/verify/{token}", `/v1/verify/${token}`, { operator: false });
    await call("/v1/verify/{token}/resend", `/v1/verify/${token}/resend`, {
      method: "POST",
      operator: false,
      headers: { accept: "application/json" },
    });
    await call("/v1/verify/{token}/resend", `/v1/verify/${token}/resend`, {
      method: "POST",
      operator: false,
      headers: json,
    });
    await call("/v1/verify/{token}", "/v1/verify/not-a-token", {
      method: "POST",
      operator: false,
      headers: json,
      body: JSON.stringify({ decision: "confirm", code: "123456" }),
    });
    await call("/v1/verify/{token}", `/v1/verify/${token}`, {
      method: "POST",
      operator: false,
      headers: json,
      body: JSON.stringify({ decision: "confirm" }),
    });
    await call("/v1/verify/{token}", `/v1/verify/${token}`, {
      method: "POST",
      operator: false,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "decision=confirm",
    });

    // Assess: every answer is documented and valid, and the exchanges cover what they claim to.
    const validate = makeContractValidator(readOpenApiDocument());
    expect(exchanges.flatMap(validate)).toEqual([]);
    expect(exchanges.map((exchange) => `${exchange.method} ${exchange.path} ${exchange.status}`)).toEqual([
      "POST /v1/reports 202",
      "POST /v1/reports 202",
      "POST /v1/reports 409",
      "POST /v1/reports 400",
      "POST /v1/reports 401",
      "POST /v1/reports 413",
      "POST /v1/reports 415",
      "GET /v1/cases 200",
      "GET /v1/cases 200",
      "GET /v1/cases 400",
      "GET /v1/cases 401",
      "GET /v1/cases/{caseId} 200",
      "GET /v1/cases/{caseId} 404",
      "GET /v1/cases/{caseId}/audit 200",
      "POST /v1/cases/{caseId}/actions 409",
      "POST /v1/cases/{caseId}/actions 400",
      "POST /v1/cases/{caseId}/actions 200",
      "POST /v1/cases/{caseId}/actions 200",
      "GET /v1/verify/{token} 200",
      "POST /v1/verify/{token}/resend 415",
      "POST /v1/verify/{token}/resend 202",
      "POST /v1/verify/{token} 200",
      "POST /v1/verify/{token} 200",
      "POST /v1/verify/{token} 200",
    ]);
  });
});
