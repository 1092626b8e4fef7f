/**
 * The reporter's confirmation pages, rendered on the server: plain HTML forms that work without
 * JavaScript, no external assets (the security headers' CSP forbids them), inline CSS only, in every
 * locale of the message catalogues (their `verifyPage` words). Markup is built with the one `html`
 * tag of `domain/messages/html.ts`, which escapes every value.
 */
import Mustache from "mustache";
import { html, type SafeHtml, trustedHtml } from "../../domain/messages/html.js";
import { ANTI_PHISHING_LINE, type Locale } from "../../domain/messages/index.js";
import { CATALOGS } from "../../domain/messages/templates/index.js";
import type { VerifyPageWords } from "../../domain/messages/types.js";
import type { VerifyOutcome, VerifyResult, VerifyView } from "../../schemas/verify.js";
import type { HttpResponse } from "./problem.js";

/** Who "we" are on the pages, and where the reporter reaches the provider's support. */
export interface PageSite {
  /** `VIGIL_BRAND_NAME` (default "Wallet Security"). */
  brand: string;
  /** `VIGIL_SUPPORT_URL` (default: the help base URL); no link when absent. */
  supportUrl?: string;
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

const NO_ESCAPE = { escape: (value: unknown) => String(value) };

/** One catalogue sentence, filled (unescaped: the `html` tag escapes it where it is placed). */
function say(template: string, view: Record<string, unknown> = {}): string {
  return Mustache.render(template, view, undefined, NO_ESCAPE);
}

const wordsOf = (locale: Locale): VerifyPageWords => CATALOGS[locale].verifyPage;

function wait(words: VerifyPageWords, seconds: number): string {
  return seconds < 90 ? say(words.waitSeconds, { n: seconds }) : say(words.waitMinutes, { n: Math.ceil(seconds / 60) });
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

const STYLE = `
body{margin:0;background:#f4f5f7;color:#1d2330;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:34rem;margin:2rem auto;padding:1.5rem 1.75rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
dl{margin:1rem 0}dt{font-weight:600}dd{margin:0 0 .5rem;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
label{display:block;font-weight:600;margin-top:1rem}
input{box-sizing:border-box;width:100%;max-width:14rem;margin:.25rem 0;padding:.6rem .75rem;font-size:1.25rem;letter-spacing:.15em;border:2px solid #5b6475;border-radius:6px}
input:focus,button:focus{outline:3px solid #1a56db;outline-offset:2px}
.hint{color:#4a5263;font-size:.95rem;margin:.25rem 0 1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.25rem 0}
button{padding:.65rem 1.2rem;font-size:1rem;border-radius:6px;border:2px solid #1a56db;cursor:pointer}
.primary{background:#1a56db;color:#fff}.secondary{background:#fff;color:#1a56db}
.notice{border-left:4px solid #b42318;background:#fef3f2;padding:.75rem 1rem;margin:1rem 0}
.aside{border-top:1px solid #d0d5dd;margin-top:1.5rem;padding-top:1rem}
.brand{margin:0 0 .5rem;font-weight:600;color:#4a5263}
footer{margin-top:1.5rem;padding-top:1rem;border-top:1px solid #d0d5dd;font-size:.9rem;color:#4a5263}
`;

function page(locale: Locale, site: PageSite, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${trustedHtml(STYLE)}</style>
</head>
<body>
<main>
<p class="brand">${site.brand}</p>
<h1>${title}</h1>
${body}
<footer><p>${ANTI_PHISHING_LINE[locale]}</p></footer>
</main>
</body>
</html>
`.value;
}

function htmlResponse(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "text/html; charset=utf-8", ...headers },
    body,
  };
}

/** The resend form posts to `<token>/resend`, relative to the page at `/v1/verify/<token>`. */
const resendAction = (token: string) => `${encodeURIComponent(token)}/resend`;

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

/** A message shown above the form after a submission that did not complete. */
export type PageNotice =
  | { kind: "code_rejected"; attemptsLeft: number }
  | { kind: "code_expired" }
  | { kind: "locked"; retryAfterSeconds: number };

/** The notice to show for a submission result that leaves the reporter on the form, if any. */
export function noticeFor(result: VerifyResult): PageNotice | undefined {
  if (result.status === "invalid") return { kind: "code_rejected", attemptsLeft: result.attemptsLeft };
  if (result.status === "expired") return { kind: "code_expired" };
  if (result.status === "locked") return { kind: "locked", retryAfterSeconds: result.retryAfterSeconds ?? 30 };
  return undefined;
}

function noticeText(words: VerifyPageWords, notice: PageNotice): string {
  if (notice.kind === "code_expired") return words.codeExpired;
  if (notice.kind === "locked") return say(words.locked, { wait: wait(words, notice.retryAfterSeconds) });
  return notice.attemptsLeft > 0
    ? say(words.codeRejected, { attemptsLeft: notice.attemptsLeft, one: notice.attemptsLeft === 1 })
    : words.codeUsedUp;
}

/**
 * `GET /v1/verify/{token}` (and the form again after a wrong code): what is being confirmed, the
 * code field when the case needs it, "Confirm" and "This wasn't me"; a reopen link offers "Reopen
 * my case"; every invalid link the one generic page, in `requestLocale` (the request's
 * `Accept-Language`: the case's own language would tell that the token belongs to one).
 */
export function renderView(
  view: VerifyView,
  token: string,
  site: PageSite,
  requestLocale: Locale,
  notice?: PageNotice,
): HttpResponse {
  if (view.kind === "invalid") return renderInvalid(site, requestLocale);
  const words = wordsOf(view.locale);
  const incident = CATALOGS[view.locale].incidentTypes[view.incidentType];
  const summary = html`<p>${say(words.reported, { incident, email: view.maskedEmail })}</p>
<dl><dt>${CATALOGS[view.locale].caseLabel}</dt><dd>${view.caseRef}</dd></dl>`;

  if (view.kind === "reopen") {
    const body = html`<p>${say(words.reopenIntro, { caseRef: view.caseRef })}</p>
${summary}
<form method="post">
<div class="actions"><button type="submit" name="decision" value="confirm" class="primary">${words.reopen}</button></div>
</form>`;
    return htmlResponse(200, page(view.locale, site, words.reopenTitle, body));
  }

  const shownNotice: PageNotice | undefined =
    notice ?? (view.retryAfterSeconds ? { kind: "locked", retryAfterSeconds: view.retryAfterSeconds } : undefined);
  const noticeHtml =
    shownNotice &&
    html`<div class="notice" role="alert"><p><strong>${words.errorLabel}:</strong> ${noticeText(words, shownNotice)}</p></div>`;
  const code = view.code;
  const codeField =
    code &&
    html`<label for="code">${words.codeLabel}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="${code.digits + 3}" required aria-describedby="code-hint"${trustedHtml(shownNotice ? ' aria-invalid="true"' : "")}>
<p id="code-hint" class="hint">${say(words.codeHint, { digits: code.digits })}</p>`;
  const resendForm =
    code?.canResend &&
    html`<form method="post" action="${resendAction(token)}" class="aside">
<p>${words.resendHint}</p>
<button type="submit" class="secondary">${words.resend}</button>
</form>`;
  const body = html`${noticeHtml}<p>${words.intro}</p>
${summary}
<form method="post">
${codeField}
<div class="actions">
<button type="submit" name="decision" value="confirm" class="primary">${words.confirm}</button>
<button type="submit" name="decision" value="deny" class="secondary" formnovalidate>${words.deny}</button>
</div>
<p class="hint">${words.denyHint}</p>
</form>
${resendForm}`;
  return htmlResponse(200, page(view.locale, site, words.confirmTitle, body));
}

/**
 * The one page for every link that cannot act: for a given `Accept-Language`, same status, same bytes,
 * whatever the reason (unknown, used, expired), so it never tells whether a case exists. It names who
 * "we" are and links to the provider's support.
 */
export function renderInvalid(site: PageSite, requestLocale: Locale): HttpResponse {
  const words = wordsOf(requestLocale);
  const support =
    site.supportUrl &&
    html`<p><a href="${site.supportUrl}">${say(words.contactSupport, { brand: site.brand })}</a></p>`;
  const body = html`<p>${say(words.invalidBody, { brand: site.brand })}</p>
${support}`;
  return htmlResponse(200, page(requestLocale, site, words.invalidTitle, body));
}

/** The page after a submission that ended the step: verified, email verified, denied, reopened. */
export function renderOutcome(outcome: VerifyOutcome, site: PageSite, requestLocale: Locale): HttpResponse {
  const { status, caseRef, locale } = outcome;
  if (status === "invalid" || status === "expired" || status === "locked" || caseRef === null) {
    return renderInvalid(site, requestLocale);
  }
  const words = wordsOf(locale).results[status];
  return htmlResponse(200, page(locale, site, words.title, html`<p>${say(words.body, { caseRef })}</p>`));
}

/**
 * After `POST …/resend` from the page: the same words whether a code was sent or not, and a way
 * back to the confirmation page (`../<token>` from `/v1/verify/<token>/resend`).
 */
export function renderResendAccepted(locale: Locale, token: string, site: PageSite): HttpResponse {
  const words = wordsOf(locale);
  const body = html`<p>${words.resendBody}</p>
<p><a href="../${encodeURIComponent(token)}">${words.back}</a></p>`;
  return htmlResponse(202, page(locale, site, words.resendTitle, body));
}

/** After `POST …/resend` over the send limit (429 with `Retry-After`). */
export function renderResendLimited(
  locale: Locale,
  retryAfterSeconds: number,
  token: string,
  site: PageSite,
): HttpResponse {
  const words = wordsOf(locale);
  const body = html`<p>${say(words.rateLimitedBody, { wait: wait(words, retryAfterSeconds) })}</p>
<p><a href="../${encodeURIComponent(token)}">${words.back}</a></p>`;
  return htmlResponse(429, page(locale, site, words.rateLimitedTitle, body), {
    "retry-after": String(retryAfterSeconds),
  });
}
