import { describe, expect, it } from "vitest";
import {
  ANTI_PHISHING_LINE,
  measureSms,
  type RenderedMessage,
  renderMessage,
  SMS_ANTI_PHISHING_LINE,
  SMS_SEGMENT_BUDGET,
  STAFF_KINDS,
} from "../../../src/domain/messages/index.js";
import { CASE_REF, inputFor, MATRIX, type MatrixCase } from "./fixtures.js";
import { hrefs, htmlProblems, visibleText } from "./html-check.js";

type Format = "text" | "html" | "sms";
const FORMATS: Format[] = ["text", "html", "sms"];

/** What a reader sees in one format: the HTML is reduced to its visible text. */
function readable(message: RenderedMessage, format: Format): string {
  return format === "html" ? visibleText(message.html) : message[format];
}

const render = (c: MatrixCase) => renderMessage(inputFor(c.kind, c.incidentType, c.locale, c.variant));
const MATRIX_BY_FORMAT = FORMATS.flatMap((format) => MATRIX.map((c) => ({ ...c, format })));

describe("renderMessage", () => {
  it.each(MATRIX_BY_FORMAT.filter((c) => STAFF_KINDS.includes(c.kind)))(
    "leaves the reporter's anti-phishing line and sign-off out of staff $format for $kind/$incidentType/$locale ($variant)",
    (c) => {
      // Act
      const out = readable(render(c), c.format);

      // Assess
      expect(out).not.toContain(c.format === "sms" ? SMS_ANTI_PHISHING_LINE[c.locale] : ANTI_PHISHING_LINE[c.locale]);
      expect(out).not.toMatch(/security team|equipo de seguridad/);
      expect(out).toContain(CASE_REF);
    },
  );

  it.each(MATRIX_BY_FORMAT.filter((c) => !STAFF_KINDS.includes(c.kind)))(
    "ends $format with the anti-phishing line and carries the case ref for $kind/$incidentType/$locale ($variant)",
    (c) => {
      // Prepare
      const line = c.format === "sms" ? SMS_ANTI_PHISHING_LINE[c.locale] : ANTI_PHISHING_LINE[c.locale];

      // Act
      const out = readable(render(c), c.format);

      // Assess
      expect(out.trimEnd().endsWith(line)).toBe(true);
      expect(out).toContain(CASE_REF);
    },
  );

  it.each(MATRIX_BY_FORMAT)(
    "leaves no placeholder or empty slot in $format for $kind/$incidentType/$locale ($variant)",
    (c) => {
      // Prepare
      const message = render(c);

      // Act
      const outputs = [readable(message, c.format), c.format === "html" ? message.html : ""];

      // Assess
      for (const out of outputs) {
        expect(out).not.toMatch(/\{\{|\}\}|undefined|null|NaN|\[object/);
        expect(out).not.toMatch(/\(\s*\)|\s[.,;:](?:\s|$)|\.\.(?!\.)|:\s*\./);
      }
    },
  );

  it.each(MATRIX)(
    "renders the $locale subject as one line with the case ref for $kind/$incidentType ($variant)",
    (c) => {
      // Act
      const { subject } = render(c);

      // Assess
      expect(subject).toContain(CASE_REF);
      expect(subject).not.toMatch(/[\r\n]|\{\{|undefined/);
      expect(subject.length).toBeLessThanOrEqual(110);
    },
  );

  it.each(MATRIX)(
    "renders a well-formed, self-contained $locale HTML document for $kind/$incidentType ($variant)",
    (c) => {
      // Act
      const { html } = render(c);

      // Assess
      expect(htmlProblems(html)).toEqual([]);
      expect(html.startsWith(`<!DOCTYPE html>\n<html lang="${c.locale}">`)).toBe(true);
      expect(html.trimEnd().endsWith("</html>")).toBe(true);
      expect(html).not.toMatch(/<(?:img|script|link|iframe|style)\b|\ssrc=|url\(/i);
    },
  );

  it.each(MATRIX)("links only to absolute https URLs in $locale HTML for $kind/$incidentType ($variant)", (c) => {
    // Act
    const links = hrefs(render(c).html);

    // Assess
    for (const href of links) expect(href).toMatch(/^https:\/\/[^\s"]+$/);
  });

  it.each(MATRIX)(
    "keeps the $locale SMS within its segment budget, link-free, for $kind/$incidentType ($variant)",
    (c) => {
      // Act
      const { sms } = render(c);

      // Assess
      expect(measureSms(sms).segments).toBeLessThanOrEqual(SMS_SEGMENT_BUDGET[c.kind]);
      expect(measureSms(sms).encoding).toBe("GSM-7");
      expect(sms).not.toMatch(/https?:|www\.|\n/i);
    },
  );

  it.each(MATRIX.filter((c) => c.variant === "full"))(
    "keeps the provider's name in the $locale SMS for $kind/$incidentType when it fits",
    (c) => {
      // Act
      const { sms } = render(c);

      // Assess
      if (c.kind === "oncall_escalation") expect(sms.startsWith("Vigil")).toBe(true);
      else if (!sms.startsWith("Acme Wallet: ")) expect(measureSms(`Acme Wallet: ${sms}`).segments).toBeGreaterThan(1);
    },
  );
});
