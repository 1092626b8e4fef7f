/**
 * Locale-independent layouts: Mustache for the text and SMS, the `html` tag for the HTML email. They
 * place the already-filled blocks of a message and end every message with the anti-phishing line, so
 * no template can forget it. Values reach the layouts as plain strings: the HTML layout escapes each
 * with the one escaper of `../html.ts`; the text and SMS layouts are rendered with escaping off (their
 * values were cleaned of control characters). No triple mustache anywhere.
 */

import { html, type SafeHtml, trustedHtml } from "../html.js";

/** The plain-text email. Blank-line runs are collapsed after rendering. */
export const TEXT_LAYOUT = `{{title}}

{{#blocks}}
{{#paragraph}}
{{text}}
{{#link}}
{{label}}: {{url}}
{{/link}}

{{/paragraph}}
{{#callout}}
{{text}}
{{#link}}
{{label}}: {{url}}
{{/link}}

{{/callout}}
{{#steps}}
{{#items}}
{{n}}. {{text}}
{{#link}}
   {{label}}: {{url}}
{{/link}}

{{/items}}
{{/steps}}
{{#button}}
{{#link}}
{{label}}:
{{url}}
{{/link}}

{{/button}}
{{/blocks}}
{{#signOff}}
{{signOff}}
{{/signOff}}
{{caseLabel}}: {{caseRef}}

{{#antiPhishing}}
{{antiPhishing}}
{{/antiPhishing}}`;

const FONT = "font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;";
const LINK = "color:#1a56db;text-decoration:underline;";

/** A link as the layout places it. */
export interface LayoutLink {
  label: string;
  url: string;
}

/** A body block as the layout places it (exactly one kind flag is true). */
export interface LayoutBlock {
  paragraph: boolean;
  callout: boolean;
  steps: boolean;
  button: boolean;
  text: string;
  link: LayoutLink | false;
  items: readonly { n: number; text: string; link: LayoutLink | false }[];
}

/** The filled message the HTML layout lays out; empty strings and `false` leave their part out. */
export interface LayoutDocument {
  locale: string;
  subject: string;
  title: string;
  provider: string | false;
  blocks: readonly LayoutBlock[];
  signOff: string;
  caseLabel: string;
  caseRef: string;
  antiPhishing: string;
  buttonFallback: string;
}

const font = trustedHtml(FONT);
const linkStyle = trustedHtml(LINK);

function blockHtml(block: LayoutBlock, buttonFallback: string): SafeHtml | false {
  const link = (prefix: SafeHtml) =>
    block.link && html`${prefix}<a href="${block.link.url}" style="${linkStyle}">${block.link.label}</a>`;
  if (block.paragraph) return html`<p style="margin:0 0 16px;">${block.text}${link(trustedHtml(" "))}</p>`;
  if (block.callout) {
    return html`<div style="margin:0 0 16px;padding:12px 16px;background:#fff7ed;border-left:4px solid #d97706;">${block.text}${link(trustedHtml(" "))}</div>`;
  }
  if (block.steps) {
    const items = block.items.map(
      (item) =>
        html`<li style="margin:0 0 12px;">${item.text}${item.link && html`<br><a href="${item.link.url}" style="${linkStyle}">${item.link.label}</a>`}</li>`,
    );
    return html`<ol style="margin:0 0 16px;padding-left:24px;">${items}</ol>`;
  }
  if (block.button && block.link) {
    return html`<p style="margin:0 0 8px;"><a href="${block.link.url}" style="display:inline-block;padding:12px 20px;background:#1a56db;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">${block.link.label}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#52606d;word-break:break-all;">${buttonFallback}<br>${block.link.url}</p>`;
  }
  return false;
}

/**
 * The HTML email: self-contained (no external assets), inline styles, table layout for old clients.
 * Built with the `html` tag, so every value is escaped by the one escaper the reporter pages use too.
 */
export function htmlEmail(doc: LayoutDocument): string {
  const lines: (SafeHtml | false)[] = [
    html`<!DOCTYPE html>
<html lang="${doc.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.subject}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border:1px solid #e4e7eb;${font}">
<tr><td style="padding:24px;">`,
    doc.provider !== false && html`<p style="margin:0 0 16px;font-weight:bold;color:#52606d;">${doc.provider}</p>`,
    html`<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;">${doc.title}</h1>`,
    ...doc.blocks.map((block) => blockHtml(block, doc.buttonFallback)),
    doc.signOff !== "" && html`<p style="margin:24px 0 8px;">${doc.signOff}</p>`,
    html`<p style="margin:0;font-size:14px;color:#52606d;">${doc.caseLabel}: <strong>${doc.caseRef}</strong></p>
</td></tr>`,
    doc.antiPhishing !== "" &&
      html`<tr><td style="padding:16px 24px;background:#fff8e1;border-top:1px solid #f0c36d;font-weight:bold;">${doc.antiPhishing}</td></tr>`,
    html`</table>
</td></tr>
</table>
</body>
</html>
`,
  ];
  return lines
    .filter((line): line is SafeHtml => line !== false)
    .map((line) => line.value)
    .join("\n");
}

/** The SMS: the message's own sentence(s), then the short anti-phishing line (reporters only). */
export const SMS_LAYOUT = "{{body}}{{#antiPhishing}} {{antiPhishing}}{{/antiPhishing}}";
