import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies asserted field by field.
type Json = any;

/** An SES client as a caller outside the functions (no IAM role) reaches the runtime's AWS front. */
function ses(h: Harness): SESClient {
  return new SESClient({
    endpoint: h.runtime.iam.front.url,
    region: "eu-west-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    // The refusal itself is under test, not the SDK's retries of it.
    maxAttempts: 1,
  });
}

const email = (to: string) =>
  new SendEmailCommand({
    Source: "Vigil Security <security@vigil.local>",
    Destination: { ToAddresses: [to] },
    Message: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } },
  });

describe("the local runtime, as strict as AWS (defaults)", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("refuses SMS to a country outside smsAllowedCountries and still emails the reporter", async () => {
    // Prepare
    const phone = "+447700900123";

    // Act
    const response = await h.report(reportData({ reporter: { email: "uk@example.com", phone, locale: "en" } }));

    // Assess
    expect(response.status).toBe(202);
    expect(await h.messages(phone)).toHaveLength(0);
    expect((await h.messages("uk@example.com")).length).toBeGreaterThan(0);
  });

  it("refuses SMS to a number on the opt-out list", async () => {
    // Prepare
    const phone = "+14155550177";
    const optOut = await fetch(`${h.url}/_local/sms/opt-out`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ phone }),
    });

    // Act
    await h.report(reportData({ reporter: { email: "optout@example.com", phone, locale: "en" } }));

    // Assess
    expect(optOut.status).toBe(200);
    expect(await h.messages(phone)).toHaveLength(0);
  });

  it("runs each function in environments of its own with the function's name as its credential", async () => {
    // Prepare / Act
    await h.report(reportData());
    const iam = (await (await fetch(`${h.url}/_local/iam`)).json()) as Json;

    // Assess: one cold start per function so far, and the roles CDK synthesizes are what is enforced.
    const stats = h.runtime.functions.stats();
    expect(stats["receive-report"]?.coldStarts).toBe(1);
    expect(stats["receive-report"]?.invocations).toBeGreaterThan(1);
    expect(iam.enforced).toBe(true);
    expect(iam.functions["receive-report"].actions).toContain("dynamodb:PutItem");
    expect(iam.functions["list-cases"].actions).not.toContain("dynamodb:PutItem");
    expect(iam.denied).toEqual([]);
  });

  it("stops a stalled function at its timeout (Sandbox.Timedout) and starts the next call cold", async () => {
    // Prepare
    const fault = await fetch(`${h.url}/_local/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ function: "acknowledge-report", count: 1, stall: true }),
    });
    const before = h.runtime.functions.stats()["acknowledge-report"];

    // Act: the stalled task parks; moving the clock past its 30 s timeout stops it.
    const response = await h.report(reportData());
    await h.advance(31);
    await h.report(reportData());

    // Assess
    expect(fault.status).toBe(200);
    expect(response.status).toBe(202);
    const after = h.runtime.functions.stats()["acknowledge-report"];
    expect(after?.timeouts).toBe((before?.timeouts ?? 0) + 1);
    expect(after?.coldStarts).toBe((before?.coldStarts ?? 0) + 1);
    const caseId = response.body.caseId as string;
    const arn = `arn:aws:states:eu-west-1:000000000000:execution:vigil-case:${caseId}`;
    const record = (h.runtime.sfn as unknown as { stats(): { transitions: Record<string, number> } }).stats();
    expect(record.transitions[arn]).toBeGreaterThan(0);
  });
});

describe("the local runtime with the SES sandbox, a sending rate and one grant removed", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: {
        VIGIL_LOCAL_SES_SANDBOX: "1",
        VIGIL_LOCAL_SES_VERIFIED: "verified@example.com,oncall@vigil.local",
        VIGIL_LOCAL_SES_RATE: "1",
      },
      // As if infra's bindTable no longer gave intake PutItem.
      iamPolicies: (synthesized) => {
        const intake = synthesized.functions["receive-report"];
        if (!intake) throw new Error("no receive-report role in the synthesized template");
        const statements = intake.statements.map((statement) => ({
          ...statement,
          Action: statement.Action?.filter((action) => action !== "dynamodb:PutItem"),
        }));
        return { functions: { ...synthesized.functions, "receive-report": { ...intake, statements } } };
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it("answers MessageRejected for an unverified recipient in the sandbox", async () => {
    // Prepare
    const client = ses(h);

    // Act
    const send = client.send(email("stranger@example.com"));

    // Assess
    await expect(send).rejects.toMatchObject({ name: "MessageRejected" });
    client.destroy();
  });

  it("answers Throttling past the sending rate", async () => {
    // Prepare
    const client = ses(h);

    // Act: two sends within one second.
    const first = await client.send(email("verified@example.com"));
    const second = client.send(email("verified@example.com"));

    // Assess
    expect(first.MessageId).toBeTruthy();
    await expect(second).rejects.toMatchObject({ name: "Throttling" });
    client.destroy();
  });

  it("fails intake with AccessDeniedException when the role loses dynamodb:PutItem", async () => {
    // Prepare / Act
    const response = await h.report(reportData());
    const iam = (await (await fetch(`${h.url}/_local/iam`)).json()) as Json;

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(iam.functions["receive-report"].actions).not.toContain("dynamodb:PutItem");
    expect(iam.denied[0]).toMatchObject({
      function: "receive-report",
      action: "dynamodb:PutItem",
      resource: "arn:aws:dynamodb:eu-west-1:000000000000:table/vigil",
    });
  });
});
