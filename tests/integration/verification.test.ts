import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

const LINK = /\/v1\/verify\/([A-Za-z0-9_-]{40,})/;
const SUPPORT_URL = "https://help.acme.test/support";

describe("reporter verification on the local runtime", () => {
  let h: Harness;
  const logged: string[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

  beforeAll(async () => {
    // Capture every log line of the run, to prove no secret or contact detail is logged.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return originals.out(chunk, ...(rest as []));
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return originals.err(chunk, ...(rest as []));
    }) as typeof process.stderr.write;
    h = await startHarness({
      env: { POWERTOOLS_LOG_LEVEL: "DEBUG", VIGIL_BRAND_NAME: "Acme Wallet", VIGIL_SUPPORT_URL: SUPPORT_URL },
    });
  });
  afterAll(async () => {
    await h.stop();
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
  });

  async function openCase(overrides: Record<string, unknown> = {}) {
    const data = reportData(overrides);
    const reporter = data.reporter as { email: string; phone?: string };
    const { body } = await h.report(data);
    const emails = await h.messages(reporter.email);
    const token = emails.map((m) => LINK.exec(m.text)?.[1]).find(Boolean) as string;
    const texts = reporter.phone ? await h.messages(reporter.phone) : [];
    const code = texts.map((m) => /\b(\d{6,8})\b/.exec(m.text)?.[1]).find(Boolean);
    return { caseId: body.caseId as string, token, code, reporter };
  }

  const page = (token: string) => fetch(`${h.url}/v1/verify/${token}`);
  async function submit(token: string, body: Record<string, string>) {
    const response = await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    await h.settle();
    return { status: response.status, body: (await response.json()) as { status: string; attemptsLeft: number } };
  }

  it("verifies both channels in one visit: GET twice changes nothing, then the POST with the SMS code confirms", async () => {
    // Prepare
    const { caseId, token, code, reporter } = await openCase({ incidentType: "unauthorized_access" });
    // Act
    const first = await page(token);
    const second = await page(token);
    const stillWaiting = (await h.operator(`/v1/cases/${caseId}`)).body;
    const result = await submit(token, { decision: "confirm", code: code as string });
    const view = (await h.operator(`/v1/cases/${caseId}`)).body;
    // Assess
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("text/html");
    expect(await second.text()).toContain('name="code"');
    expect(stillWaiting.status).toBe("awaiting_verification");
    expect(result.body.status).toBe("verified");
    expect(view.verification).toMatchObject({ email: "verified", sms: "verified" });
    expect(view.status).toBe("verified");
    const guidance = (await h.messages(reporter.email)).find(
      (m) => /recover|secure/i.test(m.subject ?? "") && !LINK.test(m.text),
    );
    expect(guidance).toBeDefined();
  });

  it("refuses a used link the same way as an unknown one", async () => {
    // Prepare
    const { token, code } = await openCase();
    await submit(token, { decision: "confirm", code: code as string });
    // Act
    const reused = await submit(token, { decision: "confirm", code: code as string });
    const unknown = await submit("A".repeat(43), { decision: "confirm", code: "123456" });
    // Assess
    expect(reused).toEqual(unknown);
    expect(reused.body.status).toBe("invalid");
  });

  it("refuses the link once 30 minutes have passed on the clock", async () => {
    // Prepare
    const { token, code } = await openCase();
    // Act
    await h.advance(30 * 60);
    const late = await submit(token, { decision: "confirm", code: code as string });
    // Assess
    expect(late.body.status).toBe("invalid");
  });

  it("shows an expired link's page in the browser's language, with the brand and the support contact", async () => {
    // Prepare
    const { token } = await openCase({
      reporter: { email: `es-${Date.now()}@example.com`, phone: "+14155550100", locale: "es" },
    });
    await h.advance(31 * 60);
    const ask = (path: string, language: string) =>
      fetch(`${h.url}/v1/verify/${path}`, { headers: { "accept-language": language } });

    // Act
    const expired = await ask(token, "es-ES,es;q=0.9,en;q=0.5");
    const unknown = await ask("A".repeat(43), "es-ES,es;q=0.9,en;q=0.5");
    const english = await ask(token, "en-US,en;q=0.9");

    // Assess
    const page = await expired.text();
    expect(expired.status).toBe(200);
    expect(expired.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page).toContain("<h1>Este enlace ya no es válido</h1>");
    expect(page).toContain('<p class="brand">Acme Wallet</p>');
    expect(page).toContain(`<a href="${SUPPORT_URL}">Contactar con el soporte de Acme Wallet</a>`);
    expect(await unknown.text()).toBe(page);
    expect(await english.text()).toContain("<h1>This link is no longer valid</h1>");
  });

  it("keeps the verified page's promise for a Spanish P1 key compromise: the recovery steps are in a Spanish email", async () => {
    // Prepare
    const { token, code, reporter } = await openCase({
      incidentType: "key_compromise",
      reporter: { email: `lucia-${Date.now()}@example.com`, phone: "+14155550100", locale: "es" },
    });

    // Act
    const response = await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ decision: "confirm", code: code as string }).toString(),
    });
    const page = await response.text();
    await h.settle();

    // Assess
    expect(page).toContain("sigue los pasos de recuperación de nuestros correos");
    const emails = await h.messages(reporter.email);
    expect(emails.some((m) => /pasos de recuperación/.test(m.subject ?? "") && /frase semilla/.test(m.text))).toBe(
      true,
    );
    expect(emails.every((m) => !/before we act|antes de actuar/i.test(m.text))).toBe(true);
  });

  it("kills the code after 5 wrong tries", async () => {
    // Prepare
    const { token, code, caseId } = await openCase();
    const wrong = code === "000000" ? "111111" : "000000";
    // Act
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await submit(token, { decision: "confirm", code: wrong })).body);
    const right = await submit(token, { decision: "confirm", code: code as string });
    // Assess
    expect(answers.map((a) => a.attemptsLeft)).toEqual([4, 3, 2, 1, 0]);
    expect(right.body.status).not.toBe("verified");
    expect((await h.operator(`/v1/cases/${caseId}`)).body.verification.sms).toBe("failed");
  });

  it("sends no SMS for a SIM-swap case and completes with the agent's identity check", async () => {
    // Prepare
    const { caseId, token, code, reporter } = await openCase({
      incidentType: "sim_swap",
      reporter: { email: "sim@example.com", phone: "+14155550177", locale: "en" },
    });
    // Act
    const emailOnly = await submit(token, { decision: "confirm" });
    const identity = await h.operator(`/v1/cases/${caseId}/actions`, {
      body: { action: "verify_identity", agent: "ana" },
    });
    const view = (await h.operator(`/v1/cases/${caseId}`)).body;
    // Assess
    expect(code).toBeUndefined();
    expect(await h.messages(reporter.phone as string)).toEqual([]);
    expect(emailOnly.body.status).toBe("email_verified");
    expect(identity.status).toBe(200);
    expect(view.verification).toMatchObject({ email: "verified", sms: "not_used", identity: "verified" });
    expect(view.status).toBe("verified");
  });

  it("records a denial, tells the reporter and escalates the case when they say it was not them", async () => {
    // Prepare
    const { caseId, token, reporter } = await openCase();
    // Act
    const denied = await submit(token, { decision: "deny" });
    const view = (await h.operator(`/v1/cases/${caseId}`)).body;
    // Assess
    expect(denied.body.status).toBe("denied");
    expect(view.verification.denied).toBe(true);
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["verification.denied", "case.escalated"]),
    );
    expect((await h.messages(reporter.email)).length).toBeGreaterThanOrEqual(3);
    expect((await h.messages("oncall@vigil.local")).some((m) => m.text.includes(caseId))).toBe(true);
  });

  it("confirms the email factor from a YES reply only when SPF, DKIM and DMARC pass and the sender is the reporter", async () => {
    // Prepare
    const { caseId, reporter } = await openCase({ incidentType: "sim_swap" });
    // The reporter's client replies to the verification email's Reply-To: the per-challenge address.
    const replyTo = (await h.messages(reporter.email)).find((m) => m.replyTo)?.replyTo as string;
    const mime = (from: string) =>
      [
        `From: ${from}`,
        `To: ${replyTo}`,
        `Subject: Re: Confirm your report (case ${caseId})`,
        "Content-Type: text/plain",
        "",
        "YES",
        "",
        "> quoted",
      ].join("\r\n");
    const inbound = (from: string, verdict: string) =>
      fetch(`${h.url}/_local/inbound-email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rawMime: mime(from), verdicts: { spf: "PASS", dkim: verdict, dmarc: "PASS" } }),
      });
    // Act
    await inbound(reporter.email, "FAIL");
    await inbound("mallory@example.net", "PASS");
    const ignored = (await h.operator(`/v1/cases/${caseId}`)).body;
    await inbound(reporter.email, "PASS");
    await h.settle();
    const confirmed = (await h.operator(`/v1/cases/${caseId}`)).body;
    // Assess
    expect(replyTo).toMatch(/^replies\+[0-9a-f]{32}@vigil\.local$/);
    expect(ignored.verification.email).toBe("pending");
    // The reporter's failed attempt is audited; the stranger's is not written to the case at all.
    expect(ignored.timeline.filter((e: { type: string }) => e.type === "verification.reply_ignored")).toHaveLength(1);
    expect(confirmed.verification.email).toBe("verified");
  });

  it("logs no token, code, email address or phone number during the whole run", async () => {
    // Prepare
    const { token, code, reporter } = await openCase({
      reporter: { email: "secret.person@example.com", phone: "+14155550199" },
    });
    await submit(token, { decision: "confirm", code: "999999" === code ? "888888" : "999999" });
    await submit(token, { decision: "confirm", code: code as string });
    // The functions log to their own stream (lambda.log in the data dir), as Lambda logs to CloudWatch.
    const output = logged.join("") + readFileSync(join(h.dataDir, "lambda.log"), "utf8");
    // Assess
    expect(output.length).toBeGreaterThan(0);
    for (const secret of [
      token,
      code,
      reporter.email,
      reporter.phone,
      ...h.runtime.config.webhookSecrets,
      h.runtime.config.providerWebhookSecret,
    ]) {
      expect(output).not.toContain(secret as string);
    }
  });
});
