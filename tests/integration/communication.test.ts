import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

const ANTI_PHISHING = {
  en: "We will never ask for your seed phrase or private key.",
  es: "Nunca te pediremos tu frase semilla ni tu clave privada.",
};

describe("the reporter communication loop on the local runtime", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("sends a key_compromise reporter Spanish guidance with the new-wallet steps, before verification", async () => {
    // Prepare
    const data = reportData({
      incidentType: "key_compromise",
      reporter: { email: "lucia@example.com", phone: "+34600000001", locale: "es-ES" },
    });
    // Act
    const { body } = await h.report(data);
    const emails = (await h.messages("lucia@example.com")).filter((m) => m.channel === "email");
    // Assess
    const guidance = emails.find((m) => /billetera nueva|nueva billetera/i.test(m.text));
    expect(guidance, emails.map((m) => m.subject).join(" | ")).toBeDefined();
    expect(guidance?.text).toContain(body.caseId);
    expect(guidance?.text).toMatch(/sweeper|barredor/i);
    expect(guidance?.text.trim().endsWith(ANTI_PHISHING.es)).toBe(true);
    expect(guidance?.html).toContain('lang="es"');
    const view = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    expect(view.verification.email).toBe("pending");
  });

  it("never sends an SMS to a sim_swap reporter, for codes or notifications", async () => {
    // Prepare
    const data = reportData({
      incidentType: "sim_swap",
      reporter: { email: "sam@example.com", phone: "+14155550111", locale: "en" },
    });
    // Act
    const { body } = await h.report(data);
    await h.operator(`/v1/cases/${body.caseId}/actions`, { body: { action: "acknowledge", agent: "ana" } });
    await h.advance(3600);
    // Assess
    expect((await h.messages("+14155550111")).length).toBe(0);
    const emails = await h.messages("sam@example.com");
    expect(emails.length).toBeGreaterThanOrEqual(3);
    for (const email of emails) expect(email.text.trim().endsWith(ANTI_PHISHING.en)).toBe(true);
    const view = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    expect(view.channels).toEqual({ email: true, sms: false });
    expect(view.verification.sms).toBe("not_used");
  });

  it("texts an unauthorized_access reporter the code and a short acknowledgement on the phone it trusts", async () => {
    // Prepare
    const data = reportData({
      incidentType: "unauthorized_access",
      reporter: { email: "uma@example.com", phone: "+14155550122" },
    });
    // Act
    await h.report(data);
    const texts = await h.messages("+14155550122");
    // Assess
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts.some((m) => /\b\d{6}\b/.test(m.text))).toBe(true);
    for (const text of texts) {
      expect(text.text).not.toMatch(/https?:\/\//);
      expect(text.text.length).toBeLessThanOrEqual(320);
    }
  });

  it("closes a resolved case with a message carrying a reopen link, and sends each step once", async () => {
    // Prepare
    const data = reportData({
      incidentType: "phishing",
      signals: {},
      reporter: { email: "rita@example.com", locale: "en" },
    });
    const { body } = await h.report(data);
    // Act
    await h.operator(`/v1/cases/${body.caseId}/actions`, {
      body: { action: "resolve", agent: "ana", note: "reset done" },
    });
    const emails = await h.messages("rita@example.com");
    // Assess
    const closing = emails[0];
    expect(closing?.text).toMatch(/\/v1\/verify\/[A-Za-z0-9_-]{40,}/);
    const subjects = emails.map((m) => m.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    const view = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    expect(view.status).toBe("resolved");
  });
});
