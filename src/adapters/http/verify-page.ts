/**
 * The reporter's confirmation pages, rendered on the server: plain HTML forms that work without
 * JavaScript, no external assets (a strict CSP forbids them), inline CSS only, English and Spanish.
 * Every value goes through the `html` template tag, which escapes it; markup can only come from this
 * module's own literals.
 */
import { ANTI_PHISHING_LINE, type Locale } from "../../domain/messages/index.js";
import { CATALOGS } from "../../domain/messages/templates/index.js";
import type { VerifyResult } from "../../schemas/verify.js";
import type { VerifyOutcome, VerifyView } from "../../use-cases/verify-reporter.js";
import type { HttpResponse } from "./problem.js";

/**
 * Headers of every answer of the reporter endpoints: the pages carry a credential in their URL and
 * act on a case, so they are never cached, never framed (clickjacking), never leak their URL as a
 * referrer, and may load nothing and post nowhere but back to Vigil.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
});

/** Adds {@link SECURITY_HEADERS} to a response (JSON and problem answers too). */
export function withSecurityHeaders(response: HttpResponse): HttpResponse {
  return { ...response, headers: { ...response.headers, ...SECURITY_HEADERS } };
}

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

/** Markup that is already safe: built only by {@link html}. */
class SafeHtml {
  constructor(readonly value: string) {}
}

type Value = SafeHtml | string | number | null | undefined | false | readonly SafeHtml[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and (double- or single-quoted) attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** The template tag: literals stay, every interpolated value is escaped unless it is `SafeHtml`. */
function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new SafeHtml(out);
}

function render(value: Value): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((part: SafeHtml) => part.value).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

interface Words {
  confirmTitle: string;
  intro: string;
  reported: (incident: string, email: string) => string;
  caseLabel: string;
  codeLabel: string;
  codeHint: (digits: number) => string;
  confirm: string;
  deny: string;
  denyHint: string;
  resendHint: string;
  resend: string;
  reopenTitle: string;
  reopenIntro: (caseRef: string) => string;
  reopen: string;
  codeRejected: (attemptsLeft: number) => string;
  codeUsedUp: string;
  codeExpired: string;
  locked: (wait: string) => string;
  wait: (seconds: number) => string;
  results: Record<
    "verified" | "email_verified" | "denied" | "reopened",
    { title: string; body: (caseRef: string) => string }
  >;
  resendTitle: string;
  resendBody: string;
  back: string;
  rateLimitedTitle: string;
  rateLimitedBody: (wait: string) => string;
  errorLabel: string;
}

const EN: Words = {
  confirmTitle: "Confirm your report",
  intro: "We received a security report about your account. Before we act on it, please confirm that it came from you.",
  reported: (incident, email) => `You reported ${incident}. We wrote to ${email}.`,
  caseLabel: "Case reference",
  codeLabel: "Code from the text message",
  codeHint: (digits) =>
    `Enter the ${digits}-digit code we sent to your phone. It expires 10 minutes after it was sent.`,
  confirm: "Confirm",
  deny: "This wasn't me",
  denyHint:
    "If you did not make this report, choose “This wasn't me”. We will record it and our security team will contact you.",
  resendHint: "No code, or it expired?",
  resend: "Send a new code",
  reopenTitle: "Reopen your case",
  reopenIntro: (caseRef) => `Case ${caseRef} is closed. If you still need help, you can reopen it.`,
  reopen: "Reopen my case",
  codeRejected: (n) =>
    `That code was not accepted. Check the text message and try again (${n} ${n === 1 ? "attempt" : "attempts"} left).`,
  codeUsedUp: "That code was not accepted and can no longer be used. Ask for a new code below.",
  codeExpired: "This code has expired or can no longer be used. Ask for a new code below.",
  locked: (wait) => `Too many failed attempts. For your safety, please wait ${wait} before trying again.`,
  wait: (s) => (s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`),
  results: {
    verified: {
      title: "Thank you, you are verified",
      body: (caseRef) =>
        `We confirmed that the report in case ${caseRef} came from you. Our security team is on it: follow the recovery steps in our emails, and we will write again when there is news.`,
    },
    email_verified: {
      title: "Your email address is confirmed",
      body: (caseRef) =>
        `Thank you. Before we continue with case ${caseRef}, a member of our security team will contact you to confirm your identity.`,
    },
    denied: {
      title: "Thank you for telling us",
      body: (caseRef) =>
        `We recorded that you did not make the report in case ${caseRef}. A member of our security team will contact you.`,
    },
    reopened: {
      title: "Your case is open again",
      body: (caseRef) => `We reopened case ${caseRef} and will email you the next steps.`,
    },
  },
  resendTitle: "Request received",
  resendBody: "If this link is still valid and your case uses text messages, we have sent a new code to your phone.",
  back: "Back to the confirmation page",
  rateLimitedTitle: "Please wait before asking for another code",
  rateLimitedBody: (wait) => `We have already sent several codes. You can ask for a new one in about ${wait}.`,
  errorLabel: "Problem",
};

const ES: Words = {
  confirmTitle: "Confirma tu reporte",
  intro: "Recibimos un reporte de seguridad sobre tu cuenta. Antes de actuar, confirma que lo enviaste tú.",
  reported: (incident, email) => `Nos informaste de ${incident}. Te escribimos a ${email}.`,
  caseLabel: "Referencia del caso",
  codeLabel: "Código del mensaje de texto",
  codeHint: (digits) =>
    `Escribe el código de ${digits} dígitos que enviamos a tu teléfono. Caduca 10 minutos después de su envío.`,
  confirm: "Confirmar",
  deny: "No fui yo",
  denyHint:
    "Si no enviaste este reporte, elige «No fui yo». Lo registraremos y nuestro equipo de seguridad se pondrá en contacto contigo.",
  resendHint: "¿No te llegó el código o caducó?",
  resend: "Enviar un código nuevo",
  reopenTitle: "Reabre tu caso",
  reopenIntro: (caseRef) => `El caso ${caseRef} está cerrado. Si todavía necesitas ayuda, puedes reabrirlo.`,
  reopen: "Reabrir mi caso",
  codeRejected: (n) =>
    `No aceptamos ese código. Revisa el mensaje de texto y vuelve a intentarlo (${n} ${n === 1 ? "intento restante" : "intentos restantes"}).`,
  codeUsedUp: "No aceptamos ese código y ya no se puede usar. Pide un código nuevo más abajo.",
  codeExpired: "Este código caducó o ya no se puede usar. Pide un código nuevo más abajo.",
  locked: (wait) => `Demasiados intentos fallidos. Por tu seguridad, espera ${wait} antes de volver a intentarlo.`,
  wait: (s) => (s < 90 ? `${s} segundos` : `${Math.ceil(s / 60)} minutos`),
  results: {
    verified: {
      title: "Gracias, ya confirmamos que eres tú",
      body: (caseRef) =>
        `Confirmamos que el reporte del caso ${caseRef} lo enviaste tú. Nuestro equipo de seguridad se ocupa de ello: sigue los pasos de recuperación de nuestros correos y te escribiremos cuando haya novedades.`,
    },
    email_verified: {
      title: "Tu correo electrónico está confirmado",
      body: (caseRef) =>
        `Gracias. Antes de continuar con el caso ${caseRef}, una persona de nuestro equipo de seguridad se pondrá en contacto contigo para confirmar tu identidad.`,
    },
    denied: {
      title: "Gracias por avisarnos",
      body: (caseRef) =>
        `Registramos que no enviaste el reporte del caso ${caseRef}. Una persona de nuestro equipo de seguridad se pondrá en contacto contigo.`,
    },
    reopened: {
      title: "Tu caso está abierto de nuevo",
      body: (caseRef) => `Reabrimos el caso ${caseRef} y te enviaremos los siguientes pasos por correo.`,
    },
  },
  resendTitle: "Solicitud recibida",
  resendBody:
    "Si este enlace sigue siendo válido y tu caso usa mensajes de texto, te enviamos un código nuevo al teléfono.",
  back: "Volver a la página de confirmación",
  rateLimitedTitle: "Espera antes de pedir otro código",
  rateLimitedBody: (wait) => `Ya te enviamos varios códigos. Podrás pedir uno nuevo en unos ${wait}.`,
  errorLabel: "Problema",
};

const WORDS: Readonly<Record<Locale, Words>> = { en: EN, es: ES };

/**
 * The page for every link that cannot act. Always English: the language of a case would tell that
 * the token belongs to one.
 */
const INVALID_TITLE = "This link is no longer valid";
const INVALID_BODY =
  "The link may have expired, been used already, or been cut short. Use the link in our most recent email, or contact our support team.";

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
footer{margin-top:1.5rem;padding-top:1rem;border-top:1px solid #d0d5dd;font-size:.9rem;color:#4a5263}
`;

function page(locale: Locale, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main>
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
    headers: { "content-type": "text/html; charset=utf-8", ...headers, ...SECURITY_HEADERS },
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

function noticeText(words: Words, notice: PageNotice): string {
  if (notice.kind === "code_expired") return words.codeExpired;
  if (notice.kind === "locked") return words.locked(words.wait(notice.retryAfterSeconds));
  return notice.attemptsLeft > 0 ? words.codeRejected(notice.attemptsLeft) : words.codeUsedUp;
}

/**
 * `GET /v1/verify/{token}` (and the form again after a wrong code): what is being confirmed, the
 * code field when the case needs it, "Confirm" and "This wasn't me"; a reopen link offers "Reopen
 * my case"; every invalid link the one generic page (200, English).
 */
export function renderView(view: VerifyView, token: string, notice?: PageNotice): HttpResponse {
  if (view.kind === "invalid") return renderInvalid();
  const words = WORDS[view.locale];
  const incident = CATALOGS[view.locale].incidentTypes[view.incidentType];
  const summary = html`<p>${words.reported(incident, view.maskedEmail)}</p>
<dl><dt>${words.caseLabel}</dt><dd>${view.caseRef}</dd></dl>`;

  if (view.kind === "reopen") {
    const body = html`<p>${words.reopenIntro(view.caseRef)}</p>
${summary}
<form method="post">
<div class="actions"><button type="submit" name="decision" value="confirm" class="primary">${words.reopen}</button></div>
</form>`;
    return htmlResponse(200, page(view.locale, words.reopenTitle, body));
  }

  const shownNotice: PageNotice | undefined =
    notice ?? (view.retryAfterSeconds ? { kind: "locked", retryAfterSeconds: view.retryAfterSeconds } : undefined);
  const noticeHtml = shownNotice
    ? html`<div class="notice" role="alert"><p><strong>${words.errorLabel}:</strong> ${noticeText(words, shownNotice)}</p></div>`
    : null;
  const code = view.code;
  const codeField = code
    ? html`<label for="code">${words.codeLabel}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="${code.digits + 3}" required aria-describedby="code-hint"${new SafeHtml(shownNotice ? ' aria-invalid="true"' : "")}>
<p id="code-hint" class="hint">${words.codeHint(code.digits)}</p>`
    : null;
  const resendForm = code?.canResend
    ? html`<form method="post" action="${resendAction(token)}" class="aside">
<p>${words.resendHint}</p>
<button type="submit" class="secondary">${words.resend}</button>
</form>`
    : null;
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
  return htmlResponse(200, page(view.locale, words.confirmTitle, body));
}

/** The one page for every link that cannot act: same status, same bytes, whatever the reason. */
export function renderInvalid(): HttpResponse {
  return htmlResponse(200, page("en", INVALID_TITLE, html`<p>${INVALID_BODY}</p>`));
}

/** The page after a submission that ended the step: verified, email verified, denied, reopened. */
export function renderOutcome(outcome: VerifyOutcome): HttpResponse {
  const { status, caseRef, locale } = outcome;
  if (status === "invalid" || status === "expired" || status === "locked" || caseRef === null) return renderInvalid();
  const words = WORDS[locale].results[status];
  return htmlResponse(200, page(locale, words.title, html`<p>${words.body(caseRef)}</p>`));
}

/**
 * After `POST …/resend` from the page: the same words whether a code was sent or not, and a way
 * back to the confirmation page (`../<token>` from `/v1/verify/<token>/resend`).
 */
export function renderResendAccepted(locale: Locale, token: string): HttpResponse {
  const words = WORDS[locale];
  const body = html`<p>${words.resendBody}</p>
<p><a href="../${encodeURIComponent(token)}">${words.back}</a></p>`;
  return htmlResponse(202, page(locale, words.resendTitle, body));
}

/** After `POST …/resend` over the send limit (429 with `Retry-After`). */
export function renderResendLimited(locale: Locale, retryAfterSeconds: number, token: string): HttpResponse {
  const words = WORDS[locale];
  const body = html`<p>${words.rateLimitedBody(words.wait(retryAfterSeconds))}</p>
<p><a href="../${encodeURIComponent(token)}">${words.back}</a></p>`;
  return htmlResponse(429, page(locale, words.rateLimitedTitle, body), { "retry-after": String(retryAfterSeconds) });
}
