import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

describe("POST /v1/reports on the local runtime", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("opens a case, starts its workflow and acknowledges the reporter when a signed report arrives", async () => {
    // Prepare
    const data = reportData({ incidentType: "unauthorized_access", signals: { fundsAtRisk: true, assetsUsd: 12000 } });
    // Act
    const response = await h.report(data);
    // Assess
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: "open", priority: "P1", duplicate: false, merged: false });
    expect(response.body.caseId).toMatch(/^c_[0-9A-Z]{26}$/);
    const email = (data.reporter as { email: string }).email;
    const messages = await h.messages(email);
    expect(messages.some((m) => m.channel === "email" && m.subject?.includes(response.body.caseId))).toBe(true);
    const history = h.runtime.sfn.stats().transitions;
    expect(Object.keys(history).some((arn) => arn.endsWith(`:vigil-case:${response.body.caseId}`))).toBe(true);
  });

  it("answers the same case with duplicate true when the same webhook-id comes again", async () => {
    // Prepare
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify({
      type: "incident.reported",
      timestamp: new Date(h.runtime.clock.now()).toISOString(),
      data: reportData(),
    });
    const first = await h.report({}, { id, body });
    // Act
    const second = await h.report({}, { id, body });
    // Assess
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ caseId: first.body.caseId, duplicate: true });
  });

  it("answers 409 when the same webhook-id comes with a different body", async () => {
    // Prepare
    const id = `msg_${randomUUID()}`;
    await h.report(reportData(), { id });
    // Act
    const conflict = await h.report(reportData(), { id });
    // Assess
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get("content-type")).toContain("application/problem+json");
  });

  it("joins the open case with merged true when a second report names the same account", async () => {
    // Prepare
    const data = reportData({ incidentType: "malware", signals: {} });
    const first = await h.report(data);
    // Act
    const second = await h.report({ ...data, signals: { drainObserved: true } });
    // Assess
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ caseId: first.body.caseId, merged: true, priority: "P1" });
  });

  it("answers 401 when the signature is made with another secret", async () => {
    // Act
    const response = await h.report(reportData(), { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
    // Assess
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ status: 401, title: "Unauthorized" });
  });

  it("answers 401 when the timestamp is more than 300 s old on the virtual clock", async () => {
    // Act
    const response = await h.report(reportData(), { timestamp: new Date(h.runtime.clock.now() - 301_000) });
    // Assess
    expect(response.status).toBe(401);
  });

  it("answers 400 with every invalid field when the body breaks the schema", async () => {
    // Act
    const response = await h.report(
      reportData({ incidentType: "alien_abduction", reporter: { email: "nope", phone: "555" } }),
    );
    // Assess
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(["/data/incidentType", "/data/reporter/email", "/data/reporter/phone"]),
    );
  });

  it("answers 400 for invalid JSON, 413 for an oversized body and 415 for another media type", async () => {
    // Act
    const invalid = await h.report({}, { body: "{not json" });
    const huge = await h.report(reportData({ description: "x".repeat(40_000) }));
    const wrongType = await fetch(`${h.url}/v1/reports`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hi",
    });
    // Assess
    expect(invalid.status).toBe(400);
    expect(huge.status).toBe(413);
    expect(wrongType.status).toBe(415);
  });
});
