import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ANTI_PHISHING_LINE,
  type MessageKind,
  measureSms,
  type RenderedMessage,
  renderMessage,
  SMS_ANTI_PHISHING_LINE,
  SMS_SEGMENT_BUDGET,
  STAFF_KINDS,
} from "../../../src/domain/messages/index.js";
import { CASE_REF, INCIDENT_TYPES, inputFor, LOCALES, MATRIX, type MatrixCase, MESSAGE_KINDS } from "./fixtures.js";
import { hrefs, htmlProblems, visibleText } from "./html-check.js";

/**
 * Properties every rendered message has, each checked in one loop over every kind × incident type × locale ×
 * variant (full: every optional value; minimal: none), and golden files a person reviews in a diff.
 */

const render = (c: MatrixCase) => renderMessage(inputFor(c.kind, c.incidentType, c.locale, c.variant));
const label = (c: MatrixCase) => `${c.kind}/${c.incidentType}/${c.locale}/${c.variant}`;
const RENDERED = MATRIX.map((c) => ({ c, message: render(c) }));

/** The cases whose rendering breaks `check`, with what `check` reported. An empty list is a pass. */
function offenders(check: (message: RenderedMessage, c: MatrixCase) => string | null): string[] {
  return RENDERED.flatMap(({ c, message }) => {
    const problem = check(message, c);
    return problem === null ? [] : [`${label(c)}: ${problem}`];
  });
}

describe("renderMessage, every kind × incident type × locale × variant", () => {
  it("renders the whole matrix", () => {
    // Assess: the loops below cover every combination.
    expect(RENDERED).toHaveLength(MESSAGE_KINDS.length * INCIDENT_TYPES.length * LOCALES.length * 2);
  });

  it("ends every reporter message with the anti-phishing line (staff pages never carry it) and carries the case ref", () => {
    // Act
    const found = offenders((message, c) => {
      const formats = { text: message.text, html: visibleText(message.html), sms: message.sms };
      const staff = (STAFF_KINDS as readonly string[]).includes(c.kind);
      for (const [format, out] of Object.entries(formats)) {
        const line = format === "sms" ? SMS_ANTI_PHISHING_LINE[c.locale] : ANTI_PHISHING_LINE[c.locale];
        if (staff ? out.includes(line) : !out.trimEnd().endsWith(line))
          return `${format} ${staff ? "carries" : "does not end with"} the anti-phishing line`;
        if (!out.includes(CASE_REF)) return `${format} lacks the case ref`;
      }
      return message.subject.includes(CASE_REF) ? null : "subject lacks the case ref";
    });

    // Assess
    expect(found).toEqual([]);
  });

  it("leaves no template tag or empty slot in the subject, text, HTML or SMS", () => {
    // Act
    const found = offenders((message) => {
      const outputs = [message.subject, message.text, message.html, visibleText(message.html), message.sms];
      const leftover = outputs.find((out) => /\{\{|\}\}|undefined|null|NaN|\[object/.test(out));
      if (leftover !== undefined)
        return `leftover tag or value: ${/\{\{|\}\}|undefined|null|NaN|\[object/.exec(leftover)}`;
      const slot = outputs.find((out) => /\(\s*\)|\s[.,;:](?:\s|$)|\.\.(?!\.)|:\s*\./.test(out));
      return slot === undefined ? null : "an empty slot (stray punctuation)";
    });

    // Assess
    expect(found).toEqual([]);
  });

  it("keeps the subject to one line of at most 110 characters", () => {
    // Act
    const found = offenders(({ subject }) =>
      /[\r\n]/.test(subject) || subject.length > 110 ? `subject: ${JSON.stringify(subject)}` : null,
    );

    // Assess
    expect(found).toEqual([]);
  });

  it("renders a well-formed, self-contained HTML document in the reporter's language", () => {
    // Act
    const found = offenders(({ html }, c) => {
      const problems = htmlProblems(html);
      if (problems.length) return problems.join("; ");
      if (!html.startsWith(`<!DOCTYPE html>\n<html lang="${c.locale}">`)) return "no doctype or wrong lang";
      if (!html.trimEnd().endsWith("</html>")) return "not closed";
      return /<(?:img|script|link|iframe|style)\b|\ssrc=|url\(/i.test(html) ? "loads a remote resource" : null;
    });

    // Assess
    expect(found).toEqual([]);
  });

  it("links only to absolute https URLs", () => {
    // Act
    const found = offenders(({ html }) => {
      const bad = hrefs(html).filter((href) => !/^https:\/\/[^\s"]+$/.test(href));
      return bad.length ? `links ${bad.join(", ")}` : null;
    });

    // Assess
    expect(found).toEqual([]);
  });

  it("keeps every SMS in GSM-7, within its kind's segment budget, on one line and without a link", () => {
    // Act
    const found = offenders(({ sms }, c) => {
      const measured = measureSms(sms);
      if (measured.encoding !== "GSM-7") return `encoded as ${measured.encoding}`;
      if (measured.segments > SMS_SEGMENT_BUDGET[c.kind]) return `${measured.segments} segments`;
      return /https?:|www\.|\n/i.test(sms) ? "a link or a line break" : null;
    });

    // Assess
    expect(found).toEqual([]);
    expect(SMS_SEGMENT_BUDGET).toMatchObject({ verification_code: 2, acknowledgement: 1, oncall_escalation: 1 });
  });

  it("keeps the provider's name at the head of the SMS unless it would cost a segment", () => {
    // Act
    const found = offenders(({ sms }, c) => {
      if (c.variant !== "full") return null;
      if (c.kind === "oncall_escalation") return sms.startsWith("Vigil") ? null : "on-call SMS not from Vigil";
      if (sms.startsWith("Acme Wallet: ")) return null;
      return measureSms(`Acme Wallet: ${sms}`).segments > SMS_SEGMENT_BUDGET[c.kind] ? null : "name dropped needlessly";
    });

    // Assess
    expect(found).toEqual([]);
  });
});

/**
 * Golden files: the full rendering (subject, SMS, text, HTML) of every kind in every language, and of the
 * guidance for every incident type, under tests/fixtures/golden/messages/. Review a wording change in the diff;
 * `UPDATE_GOLDEN=1 npx vitest run tests/unit/messages/render-message.test.ts` rewrites them.
 */
const GOLDEN_DIR = join(import.meta.dirname, "..", "..", "fixtures", "golden", "messages");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** The incident type a kind is shown with: guidance has one file per type; other kinds show a P2 account takeover. */
interface GoldenCase {
  file: string;
  kind: MessageKind;
  incidentType: MatrixCase["incidentType"];
}

/** The incident type a kind is shown with: guidance has one file per type; other kinds show a P2 account takeover. */
const GOLDEN_CASES: GoldenCase[] = MESSAGE_KINDS.flatMap((kind): GoldenCase[] =>
  kind === "guidance"
    ? INCIDENT_TYPES.map((incidentType) => ({ file: `guidance-${incidentType}`, kind, incidentType }))
    : [{ file: kind, kind, incidentType: "unauthorized_access" }],
);

function goldenText(message: RenderedMessage): string {
  return [
    `Subject: ${message.subject}`,
    "",
    `----- SMS (${measureSms(message.sms).segments} segment(s))`,
    message.sms,
    "",
    "----- text",
    message.text.trimEnd(),
    "",
    "----- HTML",
    message.html.trimEnd(),
    "",
  ].join("\n");
}

describe("renderMessage golden files", () => {
  it.each(GOLDEN_CASES.flatMap((golden) => LOCALES.map((locale) => ({ ...golden, locale }))))(
    "renders $file in $locale as tests/fixtures/golden/messages/$file.$locale.txt",
    ({ file, kind, incidentType, locale }) => {
      // Prepare
      const path = join(GOLDEN_DIR, `${file}.${locale}.txt`);

      // Act
      const rendered = goldenText(renderMessage(inputFor(kind, incidentType, locale, "full")));

      // Assess
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(path, rendered);
      }
      expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(rendered).toBe(readFileSync(path, "utf8"));
    },
  );
});
