import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonOf, LoadClient, reportData, signReport } from "../../bench/lib/load-client.js";
import { type AuditEventBody, sealEvent } from "../../src/domain/audit-chain.js";
import { type Harness, startHarness } from "../integration/harness.js";
import { freePort, httpApi, SMS_CODE, startChildRuntime, TABLE, tableClient, VERIFY_LINK } from "./support.js";

const secret = () => `whsec_${randomBytes(32).toString("base64")}`;
const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A stranger who writes to a case's reply address. */
const STRANGER = "mallory@example.net";

describe("the logs of a full run of the local runtime", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vigil-logs-"));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("contain no secret, token, code, email address or phone number when every flow and failure path ran", async () => {
    // Prepare: `npm start` with its own secrets, logging at DEBUG, its whole output captured.
    const seeded = {
      webhookSecrets: [secret(), secret()],
      providerSecret: secret(),
      operatorToken: randomBytes(24).toString("hex"),
      pepper: randomBytes(24).toString("hex"),
    };
    const runtime = await startChildRuntime({
      port: await freePort(),
      env: {
        VIGIL_DATA_DIR: dataDir,
        VIGIL_WEBHOOK_SECRETS: seeded.webhookSecrets.join(","),
        VIGIL_PROVIDER_WEBHOOK_SECRET: seeded.providerSecret,
        VIGIL_OPERATOR_TOKEN: seeded.operatorToken,
        VIGIL_VERIFICATION_PEPPER: seeded.pepper,
        POWERTOOLS_LOG_LEVEL: "DEBUG",
      },
    });
    const api = httpApi(runtime.url, seeded.operatorToken);
    const client = new LoadClient(runtime.url);
    const report = async (data: Record<string, unknown>, key: string) =>
      jsonOf<{ caseId: string }>(await client.send(signReport(key, { data, at: await api.clockNow() })))
        ?.caseId as string;
    type Data = Record<string, unknown> & { reporter: { email: string; phone: string } };
    const reporters: Record<"verified" | "denied" | "resent", Data> = {
      verified: reportData({ incidentType: "key_compromise", signals: {} }) as Data,
      denied: reportData({ incidentType: "sim_swap", signals: {} }) as Data,
      resent: reportData({ incidentType: "phishing", signals: {} }) as Data,
    };
    const names = Object.keys(reporters) as Array<keyof typeof reporters>;
    const contact = (name: keyof typeof reporters) => reporters[name].reporter;
    const latest = async (to: string, pattern: RegExp) =>
      (await api.messages(to)).map((m) => pattern.exec(m.text)?.[1]).find(Boolean);
    const submit = (token: string | undefined, body: Record<string, unknown>) =>
      api.post(`/v1/verify/${token}`, body, { accept: "application/json" });

    // Act: every flow, with the failure paths that log.
    await client.send(signReport(secret(), { data: reportData(), at: await api.clockNow() })); // bad signature
    // The first case's first SMS fails past the SDK's 3 attempts: it is queued for the pacing drain.
    await api.post("/_local/faults", { channel: "sms", count: 3 });
    const verifiedCase = await report(reporters.verified, seeded.webhookSecrets[1] as string);
    await api.advance(1);
    const deniedCase = await report(reporters.denied, seeded.webhookSecrets[0] as string);
    const resentCase = await report(reporters.resent, seeded.webhookSecrets[0] as string);
    await api.advance(1);
    const verifiedToken = await latest(contact("verified").email, VERIFY_LINK);
    await fetch(`${runtime.url}/v1/verify/${verifiedToken}`);
    await submit(verifiedToken, { decision: "confirm", code: "00000000" }); // a wrong code first
    await submit(verifiedToken, { decision: "confirm", code: await latest(contact("verified").phone, SMS_CODE) });
    await submit(await latest(contact("denied").email, VERIFY_LINK), { decision: "deny" });
    const resentToken = await latest(contact("resent").email, VERIFY_LINK);
    await api.post(`/v1/verify/${resentToken}/resend`, {}, { accept: "application/json" });
    await api.advance(1);
    await submit(resentToken, { decision: "confirm", code: await latest(contact("resent").phone, SMS_CODE) });
    // Replies to the verification email: a forged one from the reporter's address (DKIM fails), and a
    // stranger's; both are logged as handled, with the outcome only.
    const replyTo = (await api.messages(contact("denied").email)).find((m) => m.replyTo)?.replyTo;
    for (const from of [contact("denied").email, STRANGER]) {
      await api.post("/_local/inbound-email", {
        rawMime: [`From: ${from}`, `To: ${replyTo}`, "Subject: Re: your report", "", "YES"].join("\r\n"),
        verdicts: { spf: "PASS", dkim: from === STRANGER ? "PASS" : "FAIL", dmarc: "PASS" },
      });
    }
    await api.operator("/v1/cases?status=open");
    for (const caseId of [verifiedCase, deniedCase, resentCase]) {
      await api.operator(`/v1/cases/${caseId}`);
      await api.operator(`/v1/cases/${caseId}/audit`);
      await api.operator(`/v1/cases/${caseId}/actions`, { action: "acknowledge", agent: "ana" });
    }
    await api.operator(`/v1/cases/${verifiedCase}/actions`, { action: "resolve", agent: "ana" });
    await fetch(`${runtime.url}/v1/cases`, { headers: { authorization: "Bearer not-the-token" } });
    await api.advance(16 * 60); // SLA milestones and escalations for the open cases
    const messages = (
      await Promise.all(names.flatMap((name) => [api.messages(contact(name).email), api.messages(contact(name).phone)]))
    ).flat();
    await runtime.stop();
    client.close();
    // What `npm start` printed and what its functions logged (each function's environment writes to lambda.log).
    const output = runtime.output() + readFileSync(join(dataDir, "lambda.log"), "utf8");

    // Assess
    const tokens = messages.flatMap((m) =>
      [...m.text.matchAll(new RegExp(VERIFY_LINK.source, "g"))].map((match) => match[1] as string),
    );
    const codes = messages
      .filter((m) => m.channel === "sms")
      .flatMap((m) => [...m.text.matchAll(/\b(\d{6,8})\b/g)].map((match) => match[1] as string));
    const emails = [...names.map((name) => contact(name).email), STRANGER];
    const phones = names.flatMap((name) => [contact(name).phone, contact(name).phone.slice(1)]);
    const secrets = [
      ...seeded.webhookSecrets.flatMap((s) => [s, s.slice("whsec_".length)]),
      seeded.providerSecret,
      seeded.providerSecret.slice("whsec_".length),
      seeded.operatorToken,
      seeded.pepper,
    ];
    const leaks = [
      ...[...secrets, ...tokens, ...emails, ...phones].filter((value) => output.includes(value)),
      ...codes.filter((code) => new RegExp(`(?<![0-9A-Za-z])${escapeRegExp(code)}(?![0-9A-Za-z])`).test(output)),
    ];
    expect(output).toContain("Vigil is running");
    expect(output).toContain('"message":"inbound email handled"');
    expect(output).toContain('"MessageQueued"');
    expect(replyTo).toBeDefined();
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(leaks).toEqual([]);
  });
});

/** One runtime for both groups: a second runtime in one process would keep the first one's SDK endpoints. */
describe("the operator API", () => {
  let h: Harness;
  let caseId: string;
  beforeAll(async () => {
    h = await startHarness();
    caseId = (await h.report(reportData())).body.caseId as string;
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each([
    ["no authorization header", undefined],
    ["a wrong bearer token", "Bearer wrong-token"],
    ["the token with a character more", "TOKEN+x"],
    ["the token under another scheme", "Basic TOKEN"],
    ["an empty bearer token", "Bearer "],
  ])("answers 401 on every operator route and changes nothing when the request has %s", async (_, authorization) => {
    // Prepare
    const token = h.runtime.config.operatorToken;
    const header = authorization?.replace("TOKEN+x", `Bearer ${token}x`).replace("TOKEN", token);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      ...(header ? { authorization: header } : {}),
    };
    const before = (await h.operator(`/v1/cases/${caseId}`)).body as { updatedAt: string };
    // Act
    const answers = await Promise.all([
      fetch(`${h.url}/v1/cases`, { headers }),
      fetch(`${h.url}/v1/cases?status=open&priority=P1`, { headers }),
      fetch(`${h.url}/v1/cases/${caseId}`, { headers }),
      fetch(`${h.url}/v1/cases/${caseId}/audit`, { headers }),
      fetch(`${h.url}/v1/cases/${caseId}/actions`, {
        method: "POST",
        headers,
        body: JSON.stringify({ action: "resolve", agent: "x" }),
      }),
    ]);
    await h.settle();
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.every((answer) => answer.headers.get("content-type")?.includes("application/problem+json"))).toBe(
      true,
    );
    expect(((await h.operator(`/v1/cases/${caseId}`)).body as { updatedAt: string }).updatedAt).toBe(before.updatedAt);
  });

  const tamper = async (
    caseId: string,
    seq: number,
    change: (event: Record<string, unknown>) => Record<string, unknown>,
  ) => {
    const db = tableClient();
    const key = { pk: { S: `CASE#${caseId}` }, sk: { S: `AUDIT#${String(seq).padStart(10, "0")}` } };
    const { Item } = await db.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    const event = JSON.parse(Item?.doc?.S ?? "{}") as Record<string, unknown>;
    await db.send(
      new PutItemCommand({ TableName: TABLE, Item: { ...Item, doc: { S: JSON.stringify(change(event)) } } }),
    );
    db.destroy();
  };

  it("reports a valid audit chain untouched, and an invalid one once an event's detail is edited in the table", async () => {
    // Prepare
    const { body } = await h.report(reportData());
    const untouched = (await h.operator(`/v1/cases/${body.caseId}/audit`)).body as { chainValid: boolean };
    // Act
    await tamper(body.caseId, 1, (event) => ({ ...event, detail: { ...(event.detail as object), priority: "P4" } }));
    const audit = (await h.operator(`/v1/cases/${body.caseId}/audit`)).body as {
      chainValid: boolean;
      brokenAt?: number;
    };
    // Assess
    expect(untouched.chainValid).toBe(true);
    expect(audit.chainValid).toBe(false);
    expect(audit.brokenAt).toBe(1);
  });

  it("reports an invalid audit chain when an edited event's own hash is recomputed (the next event's link breaks)", async () => {
    // Prepare
    const { body } = await h.report(reportData());
    // Act
    await tamper(body.caseId, 1, (event) => {
      const { hash: _hash, prevHash, ...rest } = event as { hash: string; prevHash: string } & Record<string, unknown>;
      return { ...sealEvent({ ...(rest as unknown as AuditEventBody), actor: "someone-else" }, prevHash) };
    });
    const audit = (await h.operator(`/v1/cases/${body.caseId}/audit`)).body as {
      chainValid: boolean;
      brokenAt?: number;
    };
    // Assess
    expect(audit.chainValid).toBe(false);
    expect(audit.brokenAt).toBe(2);
  });
});
