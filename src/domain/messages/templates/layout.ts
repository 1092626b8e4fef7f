/**
 * Locale-independent layouts (Mustache). They place the already-filled blocks of a message and
 * end every message with the anti-phishing line, so no template can forget it. Values reach the
 * layouts as plain strings: the HTML layout is rendered with an HTML escaper, the text and SMS
 * layouts with escaping off (their values were cleaned of control characters). No triple
 * mustache anywhere.
 */

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

/** The HTML email: self-contained (no external assets), inline styles, table layout for old clients. */
export const HTML_LAYOUT = `<!DOCTYPE html>
<html lang="{{locale}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border:1px solid #e4e7eb;${FONT}">
<tr><td style="padding:24px;">
{{#provider}}<p style="margin:0 0 16px;font-weight:bold;color:#52606d;">{{provider}}</p>{{/provider}}
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;">{{title}}</h1>
{{#blocks}}
{{#paragraph}}<p style="margin:0 0 16px;">{{text}}{{#link}} <a href="{{url}}" style="${LINK}">{{label}}</a>{{/link}}</p>{{/paragraph}}
{{#callout}}<div style="margin:0 0 16px;padding:12px 16px;background:#fff7ed;border-left:4px solid #d97706;">{{text}}{{#link}} <a href="{{url}}" style="${LINK}">{{label}}</a>{{/link}}</div>{{/callout}}
{{#steps}}<ol style="margin:0 0 16px;padding-left:24px;">{{#items}}<li style="margin:0 0 12px;">{{text}}{{#link}}<br><a href="{{url}}" style="${LINK}">{{label}}</a>{{/link}}</li>{{/items}}</ol>{{/steps}}
{{#button}}{{#link}}<p style="margin:0 0 8px;"><a href="{{url}}" style="display:inline-block;padding:12px 20px;background:#1a56db;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">{{label}}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#52606d;word-break:break-all;">{{buttonFallback}}<br>{{url}}</p>{{/link}}{{/button}}
{{/blocks}}
{{#signOff}}<p style="margin:24px 0 8px;">{{signOff}}</p>{{/signOff}}
<p style="margin:0;font-size:14px;color:#52606d;">{{caseLabel}}: <strong>{{caseRef}}</strong></p>
</td></tr>
{{#antiPhishing}}<tr><td style="padding:16px 24px;background:#fff8e1;border-top:1px solid #f0c36d;font-weight:bold;">{{antiPhishing}}</td></tr>{{/antiPhishing}}
</table>
</td></tr>
</table>
</body>
</html>
`;

/** The SMS: the message's own sentence(s), then the short anti-phishing line (reporters only). */
export const SMS_LAYOUT = "{{body}}{{#antiPhishing}} {{antiPhishing}}{{/antiPhishing}}";
