/**
 * The message renderer: a pure function from a case event to the subject, plain-text email,
 * HTML email and SMS that Vigil sends. Templates are data (`./templates/`); this module only
 * cleans the variables, fills the templates with Mustache and measures the SMS.
 *
 * Safety rules it enforces:
 * - Values are inserted, never parsed: Mustache does not re-render a value, views hold no
 *   functions (no lambdas), and no partials are registered, so a hostile `{{…}}` in a value
 *   comes out literally.
 * - HTML output is built with the `html` tag of `./html.ts`, which escapes every value
 *   (`& < > " '`) with the one escaper the reporter pages use too; text and SMS output is rendered unescaped but every value is
 *   stripped of control and bidi-override characters first, so it cannot forge lines or headers.
 * - Links only come from validated `https:` URLs (`http:` on loopback, for the local runtime) and
 *   are dropped with their link text when absent, so no `href` is ever empty or `javascript:`.
 * - SMS never carry a link, and agent notes are never rendered.
 */
import Mustache from "mustache";
import {
  INCIDENT_TYPES,
  type IncidentType,
  LOCK_SCOPES,
  type LockScope,
  PRIORITIES,
  SLA_CLOCKS,
  type SlaClockName,
} from "../types.js";
import { resolveLocale } from "./locale.js";
import { foldToGsm7, measureSms } from "./sms.js";
import { CATALOGS } from "./templates/index.js";
import { htmlEmail, SMS_LAYOUT, TEXT_LAYOUT } from "./templates/layout.js";
import {
  type BlockTemplate,
  type HelpLinks,
  type LinkKey,
  type LinkTemplate,
  MESSAGE_KINDS,
  type MessageCatalog,
  type MessageKind,
  type MessageTemplate,
  ONCALL_EVENTS,
  type RenderedMessage,
  type RenderInput,
  STAFF_KINDS,
  STATUS_WORDS,
  type StatusWord,
} from "./types.js";

/**
 * SMS segments each kind may use. Every SMS is written to fit one GSM-7 segment with a 28-char
 * case id and a short provider name; past the budget the renderer sheds the provider's name,
 * then an escalation's reason. The code SMS may take two segments so that a long provider name
 * is never shed from the message a reporter must trust most.
 */
export const SMS_SEGMENT_BUDGET: Readonly<Record<MessageKind, number>> = Object.fromEntries(
  MESSAGE_KINDS.map((kind) => [kind, kind === "verification_code" ? 2 : 1]),
) as Record<MessageKind, number>;

const PLAIN_OPTIONS = { escape: (value: unknown) => String(value) };

/** Link-like text; scrubbed from SMS values so that no SMS ever carries something tappable. */
const LINK_LIKE = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*/gi;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

type Urls = Readonly<Record<LinkKey, string | false>>;

/** What the content templates see. Every key is always present so Mustache never looks outward. */
interface ContentView {
  caseRef: string;
  provider: string | false;
  incident: string;
  incidentType: IncidentType;
  links: Readonly<Record<keyof HelpLinks, string | boolean>>;
  verifyUrl: string | boolean;
  reopenUrl: string | boolean;
  caseUrl: string | boolean;
  expiresMinutes: number | false;
  smsCodeSent: boolean;
  lockRequested: boolean;
  stillLocked: boolean;
  seedPhraseRedacted: boolean;
  scopes: string | false;
  code: string | false;
  status: string | false;
  reason: string | false;
  priority: string | false;
  clock: string | false;
  /** On-call pages: which event the page is about (one is true), for the subject. */
  event: { warning: boolean; breach: boolean; repeat: boolean; escalation: boolean };
  /** `agent_message`: the agent's paragraphs, cleaned. */
  message: string[];
  urgent: string;
}

interface LinkView {
  label: string;
  url: string;
}

interface BlockView {
  paragraph: boolean;
  callout: boolean;
  steps: boolean;
  button: boolean;
  text: string;
  link: LinkView | false;
  items: { n: number; text: string; link: LinkView | false }[];
}

/**
 * Renders one message in every format.
 *
 * 1. Resolves the locale (`"es-MX"` → `es`, unknown → `en`) and picks the template.
 * 2. Cleans the variables: known keys only, control characters removed, URLs validated,
 *    lock scopes and statuses turned into words, agent notes ignored.
 * 3. Fills the subject and body blocks, dropping blocks, steps and links that came out empty.
 * 4. Lays the blocks out as plain text and as an HTML document, both ending with the
 *    anti-phishing line; the SMS ends with the short line, is folded to GSM-7 and sheds the
 *    provider's name (then an escalation's reason) if it would exceed {@link SMS_SEGMENT_BUDGET}.
 *
 * @throws TypeError when `kind` or `incidentType` is unknown, `caseRef` is empty,
 *   `verification_request` lacks a valid `vars.verifyUrl`, or `verification_code` lacks a 4–10
 *   digit `vars.code`. These are caller bugs: a message without them would be useless.
 */
export function renderMessage(input: RenderInput): RenderedMessage {
  if (!(MESSAGE_KINDS as readonly string[]).includes(input.kind)) {
    throw new TypeError(`Unknown message kind: ${String(input.kind)}`);
  }
  if (!(INCIDENT_TYPES as readonly string[]).includes(input.incidentType)) {
    throw new TypeError(`Unknown incident type: ${String(input.incidentType)}`);
  }
  const locale = resolveLocale(input.locale);
  const catalog = CATALOGS[locale];
  const template: MessageTemplate =
    input.kind === "guidance" ? catalog.guidance[input.incidentType] : catalog.messages[input.kind];

  const urls = collectUrls(input);
  const view = contentView(input, catalog, urls);
  const staff = STAFF_KINDS.includes(input.kind);
  const subject = fill(template.subject, view);
  const doc = {
    locale,
    subject,
    title: fill(template.title, view),
    provider: view.provider,
    blocks: template.blocks.flatMap((block) => blockViews(block, view, urls)),
    // Staff pages are not for reporters: no reporter sign-off, no "we will never ask" line.
    signOff: staff ? "" : fill(catalog.signOff, view),
    caseLabel: catalog.caseLabel,
    caseRef: view.caseRef,
    antiPhishing: staff ? "" : catalog.antiPhishing,
    buttonFallback: catalog.buttonFallback,
  };

  const text = Mustache.render(TEXT_LAYOUT, doc, undefined, PLAIN_OPTIONS)
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const html = htmlEmail(doc);
  const sms = renderSms(input, template, catalog, view, urls);
  return { locale, subject, text, html, sms };
}

function renderSms(
  input: RenderInput,
  template: MessageTemplate,
  catalog: MessageCatalog,
  view: ContentView,
  urls: Urls,
): string {
  let smsView: ContentView = {
    ...view,
    caseRef: scrubLinks(view.caseRef),
    provider: view.provider === false ? false : scrubLinks(view.provider),
    reason: view.reason === false ? false : scrubLinks(view.reason),
    clock: view.clock === false ? false : scrubLinks(view.clock),
    // Templates may test whether a link exists ("see our email to reopen") but never print it.
    links: {
      passwordReset: urls.passwordReset !== false,
      mfa: urls.mfa !== false,
      support: urls.support !== false,
      reportFraud: urls.reportFraud !== false,
    },
    verifyUrl: urls.verifyUrl !== false,
    reopenUrl: urls.reopenUrl !== false,
    caseUrl: urls.caseUrl !== false,
    code: input.kind === "verification_code" ? requireCode(input) : false,
  };
  const compose = (v: ContentView): string =>
    foldToGsm7(
      Mustache.render(
        SMS_LAYOUT,
        {
          body: fill(template.sms, v),
          antiPhishing: STAFF_KINDS.includes(input.kind) ? "" : catalog.smsAntiPhishing,
        },
        undefined,
        PLAIN_OPTIONS,
      ),
    );

  // Over budget, shed what the email repeats anyway: first the provider's name, then the reason.
  let sms = compose(smsView);
  const budget = SMS_SEGMENT_BUDGET[input.kind];
  if (measureSms(sms).segments > budget && smsView.provider !== false) {
    smsView = { ...smsView, provider: false };
    sms = compose(smsView);
  }
  if (measureSms(sms).segments > budget && smsView.reason !== false) {
    sms = compose({ ...smsView, reason: false });
  }
  LINK_LIKE.lastIndex = 0;
  if (LINK_LIKE.test(sms)) {
    throw new TypeError(`The ${input.kind} SMS template produced a link; SMS must never carry links`);
  }
  return sms;
}

function contentView(input: RenderInput, catalog: MessageCatalog, urls: Urls): ContentView {
  const vars = input.vars ?? {};
  const caseRef = cleanText(input.caseRef, Number.POSITIVE_INFINITY);
  if (caseRef === undefined) throw new TypeError("caseRef must be a non-empty string");
  if (input.kind === "verification_request" && urls.verifyUrl === false) {
    throw new TypeError("verification_request needs vars.verifyUrl, an https URL");
  }

  const view: ContentView = {
    caseRef,
    provider: cleanText(input.providerName, 60) ?? false,
    incident: catalog.incidentTypes[input.incidentType],
    incidentType: input.incidentType,
    links: { passwordReset: urls.passwordReset, mfa: urls.mfa, support: urls.support, reportFraud: urls.reportFraud },
    verifyUrl: urls.verifyUrl,
    reopenUrl: urls.reopenUrl,
    caseUrl: urls.caseUrl,
    expiresMinutes: minutes(vars.expiresMinutes),
    smsCodeSent: vars.smsCodeSent === true,
    lockRequested: vars.lockRequested === true,
    stillLocked: vars.stillLocked === true,
    seedPhraseRedacted: vars.seedPhraseRedacted === true,
    scopes: scopesPhrase(vars.scopes, catalog),
    // The code only ever reaches the SMS view: an email copy would collapse two channels into one.
    code: false,
    status: statusWord(vars.status, catalog),
    reason: cleanText(vars.reason, 120)?.replace(/[.!?;:,\s]+$/u, "") || false,
    priority:
      typeof vars.priority === "string" && (PRIORITIES as readonly string[]).includes(vars.priority)
        ? vars.priority
        : false,
    clock: clockWords(vars.clock, catalog),
    event: oncallEvent(vars.event),
    message: input.kind === "agent_message" ? requireMessage(input) : [],
    urgent: "",
  };
  view.urgent = fill(catalog.guidance[input.incidentType].urgent, view);
  return view;
}

function collectUrls(input: RenderInput): Urls {
  const vars = input.vars ?? {};
  const links = input.helpLinks ?? {};
  return {
    passwordReset: safeUrl(links.passwordReset),
    mfa: safeUrl(links.mfa),
    support: safeUrl(links.support),
    reportFraud: safeUrl(links.reportFraud),
    verifyUrl: safeUrl(vars.verifyUrl),
    reopenUrl: safeUrl(vars.reopenUrl),
    caseUrl: safeUrl(vars.caseUrl),
  };
}

/** A template block as laid out: none (it came out empty), one, or one per agent paragraph. */
function blockViews(block: BlockTemplate, view: ContentView, urls: Urls): BlockView[] {
  if ("agentMessage" in block) {
    return view.message.map((text) => ({
      paragraph: true,
      callout: false,
      steps: false,
      button: false,
      text,
      link: false,
      items: [],
    }));
  }
  const single = blockView(block, view, urls);
  return single === undefined ? [] : [single];
}

function blockView(
  block: Exclude<BlockTemplate, { agentMessage: true }>,
  view: ContentView,
  urls: Urls,
): BlockView | undefined {
  const base: BlockView = {
    paragraph: false,
    callout: false,
    steps: false,
    button: false,
    text: "",
    link: false,
    items: [],
  };
  if ("paragraph" in block || "callout" in block) {
    const text = fill("paragraph" in block ? block.paragraph : block.callout, view);
    if (text === "") return undefined;
    return {
      ...base,
      paragraph: "paragraph" in block,
      callout: "callout" in block,
      text,
      link: linkView(block.link, view, urls),
    };
  }
  if ("steps" in block) {
    const items = block.steps
      .map((step) => ({ text: fill(step.text, view), link: linkView(step.link, view, urls) }))
      .filter((step) => step.text !== "")
      .map((step, index) => ({ n: index + 1, ...step }));
    return items.length === 0 ? undefined : { ...base, steps: true, items };
  }
  const link = linkView(block.button, view, urls);
  return link === false ? undefined : { ...base, button: true, link };
}

function linkView(link: LinkTemplate | undefined, view: ContentView, urls: Urls): LinkView | false {
  if (link === undefined) return false;
  const url = urls[link.href];
  const label = fill(link.label, view);
  return url === false || label === "" ? false : { label, url };
}

/** Fills a content template without escaping; values were cleaned when the view was built. */
function fill(template: string, view: object): string {
  return Mustache.render(template, view, undefined, PLAIN_OPTIONS).replace(/\s+/g, " ").trim();
}

/** The agent's paragraphs: blank lines separate paragraphs, single line breaks become spaces. */
function requireMessage(input: RenderInput): string[] {
  const message = input.vars?.message;
  const paragraphs =
    typeof message === "string"
      ? message
          .split(/\r?\n\s*\r?\n/)
          .map((paragraph) => cleanText(paragraph, 2000))
          .filter((paragraph): paragraph is string => paragraph !== undefined)
      : [];
  if (!paragraphs.length) throw new TypeError("agent_message needs vars.message, some text");
  return paragraphs;
}

/** A clock name in words; other text as given (cleaned). */
function clockWords(value: unknown, catalog: MessageCatalog): string | false {
  if (typeof value === "string" && (SLA_CLOCKS as readonly string[]).includes(value)) {
    return catalog.clocks[value as SlaClockName];
  }
  return cleanText(value, 80) ?? false;
}

function oncallEvent(value: unknown): ContentView["event"] {
  const event = (ONCALL_EVENTS as readonly unknown[]).includes(value) ? value : "escalation";
  return {
    warning: event === "warning",
    breach: event === "breach",
    repeat: event === "repeat",
    escalation: event === "escalation",
  };
}

function requireCode(input: RenderInput): string {
  const code = input.vars?.code;
  const text = typeof code === "number" ? String(code) : code;
  // The value is never echoed: error messages end up in logs, and codes must not.
  if (typeof text !== "string" || !/^\d{4,10}$/.test(text)) {
    throw new TypeError("verification_code needs vars.code, 4 to 10 digits");
  }
  return text;
}

function isUnsafeCodePoint(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2069) ||
    cp === 0xfeff
  );
}

/** One clean line: control, zero-width and bidi-override characters become spaces; length capped. */
export function cleanText(value: unknown, max: number): string | undefined {
  if (typeof value !== "string" && !(typeof value === "number" && Number.isFinite(value))) return undefined;
  let out = "";
  for (const ch of String(value)) out += isUnsafeCodePoint(ch.codePointAt(0) ?? 0) ? " " : ch;
  out = out.replace(/\s+/g, " ").trim();
  if (out === "") return undefined;
  const chars = [...out];
  return chars.length > max
    ? `${chars
        .slice(0, max - 3)
        .join("")
        .trimEnd()}...`
    : out;
}

function scrubLinks(text: string): string {
  return text.replace(LINK_LIKE, "[link]");
}

/** An absolute `https:` URL without credentials (`http:` only on loopback), normalised. */
function safeUrl(value: unknown): string | false {
  if (typeof value !== "string" || value.trim() === "") return false;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return false;
  }
  const schemeOk = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
  return schemeOk && url.username === "" && url.password === "" ? url.href : false;
}

function minutes(value: unknown): number | false {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n > 0 && n <= 7 * 24 * 60 ? n : false;
}

function scopesPhrase(value: unknown, catalog: MessageCatalog): string | false {
  const raw = typeof value === "string" ? value.split(",") : Array.isArray(value) ? value : [];
  const scopes = LOCK_SCOPES.filter((scope: LockScope) =>
    raw.some((s) => typeof s === "string" && s.trim().toLowerCase() === scope),
  );
  if (scopes.length === 0) return false;
  const words = scopes.map((scope) => catalog.lockScopes[scope]);
  return new Intl.ListFormat(catalog.locale, { style: "long", type: "conjunction" }).format(words);
}

function statusWord(value: unknown, catalog: MessageCatalog): string | false {
  if (typeof value !== "string") return false;
  const key = value.trim().toLowerCase();
  return (STATUS_WORDS as readonly string[]).includes(key) ? catalog.statuses[key as StatusWord] : false;
}
