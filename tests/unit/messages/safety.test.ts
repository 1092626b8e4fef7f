import Mustache from "mustache";
import { describe, expect, it } from "vitest";
import { type RenderInput, renderMessage } from "../../../src/domain/messages/index.js";
import { ALL_VARS, CASE_REF, HELP_LINKS, INCIDENT_TYPES, inputFor, LOCALES, MESSAGE_KINDS } from "./fixtures.js";
import { hrefs, htmlProblems, visibleText } from "./html-check.js";

const KIND_LOCALE = MESSAGE_KINDS.flatMap((kind) => LOCALES.map((locale) => ({ kind, locale })));
const HOSTILE = ["<script>alert(1)</script>", '"onmouseover="alert(1)', "x' onfocus='alert(1)", "a&b<i>"];

describe("renderMessage", () => {
  it.each(KIND_LOCALE.flatMap((c) => HOSTILE.map((value) => ({ ...c, value }))))(
    "escapes a hostile caseRef and provider name in $kind HTML ($locale): $value",
    (c) => {
      // Prepare
      const input: RenderInput = {
        ...inputFor(c.kind, "phishing", c.locale, "full"),
        caseRef: c.value,
        providerName: c.value,
      };

      // Act
      const { html, text } = renderMessage(input);

      // Assess
      expect(htmlProblems(html)).toEqual([]);
      expect(html).not.toMatch(/<script|<i>|"onmouseover|' onfocus/);
      expect(visibleText(html)).toContain(c.value);
      expect(text).toContain(c.value);
    },
  );

  it.each(KIND_LOCALE)("never renders an agent note, in any format, for $kind ($locale)", (c) => {
    // Prepare
    const note = 'Customer sounds drunk <b onclick="x">VIP</b> call 555-0100';
    const input: RenderInput = { ...inputFor(c.kind, "other", c.locale, "full"), vars: { ...ALL_VARS, note } };

    // Act
    const message = renderMessage(input);

    // Assess
    for (const out of [message.subject, message.text, message.html, message.sms]) {
      expect(out).not.toContain("drunk");
      expect(out).not.toContain("555-0100");
    }
  });

  it.each(LOCALES)("shows only a known status word and ignores an unknown status (%s)", (locale) => {
    // Prepare
    const base = inputFor("status_changed", "malware", locale, "minimal");
    const word = { en: "resolved", es: "resuelto" }[locale];

    // Act
    const known = renderMessage({ ...base, vars: { status: "RESOLVED" } });
    const unknown = renderMessage({ ...base, vars: { status: "<b>pwned by agent</b>" } });

    // Assess
    expect(known.text).toContain(word);
    expect(known.sms).toContain(word);
    expect(`${unknown.text}${unknown.html}${unknown.sms}`).not.toContain("pwned");
    expect(unknown.text).not.toMatch(/Status:|Estado:/);
  });

  it.each(LOCALES)("treats Mustache tags in values as literal text, never as template (%s)", (locale) => {
    // Prepare
    const caseRef = "{{antiPhishing}}{{#links}}X{{/links}}{{> body}}";
    const input = { ...inputFor("guidance", "key_compromise", locale, "full"), caseRef };

    // Act
    const { text, sms, subject } = renderMessage(input);

    // Assess
    expect(subject).toContain(caseRef);
    expect(text).toContain(caseRef);
    expect(sms).toContain(caseRef);
  });

  it.each(LOCALES)("strips control and bidi characters so values cannot forge lines or headers (%s)", (locale) => {
    // Prepare
    const input = {
      ...inputFor("acknowledgement", "phishing", locale, "full"),
      caseRef: "c_1\r\nBcc: victim@example.com",
      providerName: "Acme\u202Etellaw\u0007",
    };

    // Act
    const { subject, text, sms } = renderMessage(input);

    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain("c_1 Bcc: victim@example.com");
    for (const forbidden of ["\r", "\u202E", "\u0007", "\nBcc:"]) expect(text).not.toContain(forbidden);
    for (const forbidden of ["\r", "\n", "\u202E", "\u0007"]) expect(sms).not.toContain(forbidden);
  });

  it("keeps links out of every SMS, even when values hold link-like text (SMS never carry links)", () => {
    // Prepare
    const inputs: RenderInput[] = MESSAGE_KINDS.flatMap((kind) =>
      INCIDENT_TYPES.flatMap((incidentType) =>
        LOCALES.map((locale) => ({
          ...inputFor(kind, incidentType, locale, "full"),
          providerName: "Acme https://acme.example",
          vars: { ...ALL_VARS, reason: "see http://evil.example/x and www.evil.example" },
        })),
      ),
    );

    // Act
    const withLinks = inputs.filter((input) => /http|www\./i.test(renderMessage(input).sms));

    // Assess
    expect(inputs).toHaveLength(MESSAGE_KINDS.length * INCIDENT_TYPES.length * LOCALES.length);
    expect(withLinks.map((input) => `${input.kind}/${input.incidentType}/${input.locale}`)).toEqual([]);
  });

  it.each(LOCALES)("sends the verification code by SMS only, never in the email (%s)", (locale) => {
    // Prepare
    const input = {
      ...inputFor("verification_code", "sim_swap", locale, "full"),
      vars: { code: "90817263", expiresMinutes: 10 },
    };

    // Act
    const { subject, text, html, sms } = renderMessage(input);

    // Assess
    expect(sms).toContain("90817263");
    expect(sms).toContain("10 min");
    for (const out of [subject, text, html]) expect(out).not.toContain("90817263");
  });

  it.each(LOCALES)("puts the verify link in the email but never in the SMS (%s)", (locale) => {
    // Prepare
    const input = inputFor("verification_request", "malware", locale, "full");

    // Act
    const { text, html, sms } = renderMessage(input);

    // Assess
    expect(hrefs(html)).toContain(ALL_VARS.verifyUrl);
    expect(text).toContain(String(ALL_VARS.verifyUrl));
    expect(text).toContain("30");
    expect(sms).not.toContain("vigil.acme.example");
  });

  it.each([
    { what: "a javascript: URL", url: "javascript:alert(1)" },
    { what: "a data: URL", url: "data:text/html,<script>alert(1)</script>" },
    { what: "plain http to a public host", url: "http://help.acme.example/reset" },
    { what: "a URL with credentials", url: "https://user:pass@help.acme.example/reset" },
    { what: "an empty string", url: "" },
    { what: "not a URL", url: "reset your password" },
  ])("leaves out a help link that is $what", ({ url }) => {
    // Prepare
    const input: RenderInput = { ...inputFor("guidance", "other", "en", "minimal"), helpLinks: { passwordReset: url } };

    // Act
    const { text, html } = renderMessage(input);

    // Assess
    expect(hrefs(html)).toEqual([]);
    expect(text).not.toContain("Reset your password:");
  });

  it("accepts plain http only on loopback, for the local runtime", () => {
    // Prepare
    const input: RenderInput = {
      ...inputFor("verification_request", "other", "en", "minimal"),
      vars: { verifyUrl: "http://127.0.0.1:3000/v1/verify/abc" },
    };

    // Act
    const { html } = renderMessage(input);

    // Assess
    expect(hrefs(html)).toEqual(["http://127.0.0.1:3000/v1/verify/abc"]);
  });

  it("keeps query strings intact and HTML-escaped in links", () => {
    // Act
    const { html, text } = renderMessage(inputFor("guidance", "phishing", "en", "full"));

    // Assess
    expect(html).toContain('href="https://help.acme.example/two-step?ref=vigil&amp;lang=en"');
    expect(text).toContain(HELP_LINKS.mfa);
  });

  it.each([
    { what: "verification_request without verifyUrl", input: { kind: "verification_request", vars: {} } },
    {
      what: "verification_request with a javascript: verifyUrl",
      input: { kind: "verification_request", vars: { verifyUrl: "javascript:x" } },
    },
    { what: "verification_code without a code", input: { kind: "verification_code", vars: {} } },
    {
      what: "verification_code with a non-numeric code",
      input: { kind: "verification_code", vars: { code: "12ab56" } },
    },
    { what: "an empty caseRef", input: { kind: "closed", caseRef: " \n " } },
    { what: "an unknown kind", input: { kind: "welcome" } },
    { what: "an unknown incident type", input: { incidentType: "rug_pull" } },
  ])("throws a TypeError for $what", ({ input }) => {
    // Prepare
    const full = { kind: "closed", incidentType: "other", locale: "en", caseRef: CASE_REF, ...input } as RenderInput;

    // Act
    const act = () => renderMessage(full);

    // Assess
    expect(act).toThrow(TypeError);
  });

  it("does not echo a rejected code in the error (errors reach logs)", () => {
    // Prepare
    const input: RenderInput = {
      ...inputFor("verification_code", "other", "en", "minimal"),
      vars: { code: "1234567890123" },
    };

    // Act
    const act = () => renderMessage(input);

    // Assess
    expect(act).toThrow(TypeError);
    expect(act).not.toThrow(/1234567890123/);
  });

  it("escapes HTML even when someone reassigns the global Mustache.escape", () => {
    // Prepare
    const original = Mustache.escape;
    Mustache.escape = (value: unknown) => String(value);
    const input = { ...inputFor("closed", "other", "en", "minimal"), caseRef: "<script>x</script>" };

    // Act
    let html = "";
    try {
      html = renderMessage(input).html;
    } finally {
      Mustache.escape = original;
    }

    // Assess
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
  });

  it("is pure: same input, same output, input untouched", () => {
    // Prepare
    const input = inputFor("guidance", "key_compromise", "es", "full");
    const snapshot = structuredClone(input);

    // Act
    const first = renderMessage(input);
    const second = renderMessage(input);

    // Assess
    expect(second).toEqual(first);
    expect(input).toEqual(snapshot);
  });

  it.each(LOCALES)("lists only known lock scopes, in words (%s)", (locale) => {
    // Prepare
    const input: RenderInput = {
      ...inputFor("lock_applied", "sim_swap", locale, "minimal"),
      vars: { scopes: ["withdrawals", "<b>root</b>", "login"] },
    };
    const expected = { en: "signing in and withdrawals", es: "el inicio de sesión y los retiros" }[locale];

    // Act
    const { text, html } = renderMessage(input);

    // Assess
    expect(text).toContain(expected);
    expect(visibleText(html)).toContain(expected);
    expect(`${text}${html}`).not.toContain("root");
  });

  it.each(LOCALES)("shows reopen instructions without a link when no reopenUrl is given (%s)", (locale) => {
    // Act
    const { text, html, sms } = renderMessage(inputFor("unverified_closed", "other", locale, "minimal"));

    // Assess
    expect(hrefs(html)).toEqual([]);
    expect(text).toMatch(locale === "en" ? /contact our support team/ : /contacta con nuestro equipo de soporte/);
    expect(sms).toMatch(locale === "en" ? /Contact support/ : /Contacta con soporte/);
  });

  it("tells the on-call agent the priority, reason, clock and case link", () => {
    // Act
    const { subject, text, html, sms } = renderMessage(inputFor("oncall_escalation", "sim_swap", "en", "full"));

    // Assess
    expect(subject).toBe(`[P1] Escalation: case ${CASE_REF} (sim_swap)`);
    expect(text).toContain("Reason: first response SLA breached.");
    expect(text).toContain("SLA clock: firstResponse due 08:15Z.");
    expect(hrefs(html)).toEqual([ALL_VARS.caseUrl]);
    expect(sms).toContain("P1");
  });

  it("sheds the escalation reason from the SMS before exceeding one segment", () => {
    // Prepare
    const input: RenderInput = {
      ...inputFor("oncall_escalation", "unauthorized_access", "en", "full"),
      vars: { ...ALL_VARS, reason: "resolution SLA breached twice; previous escalation unacknowledged for 45 minutes" },
    };

    // Act
    const { sms, text } = renderMessage(input);

    // Assess
    expect(sms.length).toBeLessThanOrEqual(160);
    expect(sms).not.toContain("unacknowledged");
    expect(text).toContain("unacknowledged");
  });
});
