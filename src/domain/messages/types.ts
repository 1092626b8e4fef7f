/**
 * Vocabulary of the message catalogue: what can be rendered, what goes in, what comes out, and
 * the shape of the locale template modules. Pure types and constants; no I/O.
 */
import type { IncidentType, LockScope, SlaClockName } from "../types.js";

export type { IncidentType } from "../types.js";

/** The locales Vigil has templates for. */
export const LOCALES = ["en", "es"] as const;

/** A locale Vigil has templates for; any other requested locale falls back to `"en"`. */
export type Locale = (typeof LOCALES)[number];

/** Every message Vigil sends, in the order a case usually meets them. */
export const MESSAGE_KINDS = [
  "acknowledgement",
  "verification_request",
  "verification_code",
  "lock_requested",
  "lock_applied",
  "unlock_requested",
  "guidance",
  "status_changed",
  "denial_recorded",
  "resolved",
  "closed",
  "unverified_closed",
  "agent_message",
  "oncall_escalation",
] as const;

/** Messages to Vigil's own staff (on-call): no reporter anti-phishing line, no reporter sign-off. */
export const STAFF_KINDS: readonly MessageKind[] = ["oncall_escalation"];

/** What an on-call page is about; each has its own subject. */
export const ONCALL_EVENTS = ["warning", "breach", "repeat", "escalation"] as const;
export type OncallEvent = (typeof ONCALL_EVENTS)[number];

/**
 * A message Vigil sends. Variables each kind reads from {@link RenderInput.vars}:
 *
 * - `acknowledgement` — `lockRequested?: boolean`, `scopes?: string[]`, `smsCodeSent?: boolean`
 *   (a text-message code is part of the coming verification), `seedPhraseRedacted?: boolean` (a
 *   seed phrase was removed from the report: tell the reporter to move their funds, it is burnt).
 * - `verification_request` — `verifyUrl: string` (required), `expiresMinutes?: number`,
 *   `smsCodeSent?: boolean`.
 * - `verification_code` — `code: string` (required, 4–10 digits; only the SMS carries it),
 *   `expiresMinutes?: number`.
 * - `lock_requested`, `lock_applied`, `unlock_requested` — `scopes?: string[]`.
 * - `guidance` — none: the content comes from the incident type and `helpLinks`.
 * - `status_changed` — `status?: string` (a {@link StatusWord}; anything else reads as a generic
 *   update). `note` is deliberately never rendered: agent notes are internal.
 * - `denial_recorded` — none.
 * - `resolved`, `closed`, `unverified_closed` — `reopenUrl?: string`; `resolved` also `stillLocked?: boolean`
 *   (the account lock is still requested or applied: the email says so and how the unlock works).
 * - `agent_message` — `message: string` (required): an agent's own words, up to 2,000 characters,
 *   paragraphs kept; the SMS only says to read the email.
 * - `oncall_escalation` — `reason?: string`, `priority?: "P1" | … | "P4"`, `clock?: string` (a
 *   clock name such as `firstResponse`, shown in words), `event?: OncallEvent` (picks the subject),
 *   `caseUrl?: string` (the console's case page).
 */
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Links to the provider's own help pages, from configuration. Absent links are left out. */
export interface HelpLinks {
  passwordReset?: string;
  mfa?: string;
  support?: string;
  reportFraud?: string;
}

/** What {@link renderMessage} needs to render one message. */
export interface RenderInput {
  kind: MessageKind;
  incidentType: IncidentType;
  /** Any BCP 47-ish tag: `"es-MX"` renders Spanish, an unknown one (`"fr"`) English. */
  locale: string;
  /** The case reference shown to the reader. Required and never empty. */
  caseRef: string;
  /** The wallet provider's name, shown in the header and as the SMS prefix when it fits. */
  providerName?: string;
  /** The provider's help pages; only `http(s)` URLs are used (plain `http` on loopback only). */
  helpLinks?: HelpLinks;
  /** Kind-specific variables; see {@link MessageKind}. */
  vars?: Record<string, string | number | boolean | string[] | undefined>;
}

/** One message, ready for every channel. `subject`/`text`/`sms` are plain text, `html` a document. */
export interface RenderedMessage {
  locale: Locale;
  subject: string;
  text: string;
  html: string;
  sms: string;
}

/** Status words that `status_changed` can show to the reporter. */
export const STATUS_WORDS = [
  "open",
  "awaiting_verification",
  "verified",
  "acknowledged",
  "in_progress",
  "escalated",
  "reopened",
  "resolved",
  "closed",
] as const;

/** A case status or agent action the reporter may be told about, as a single word or phrase. */
export type StatusWord = (typeof STATUS_WORDS)[number];

/** The URLs a template may link to: configured help links and per-message URLs. */
export type LinkKey = keyof HelpLinks | "verifyUrl" | "reopenUrl" | "caseUrl";

/** A link placed by the layout; dropped entirely when its URL is not available. */
export interface LinkTemplate {
  /** Which URL to link to. Templates never build URLs themselves, so an `href` is never empty. */
  href: LinkKey;
  /** Mustache template for the link text. */
  label: string;
}

/** One numbered step. `text` is a Mustache template; an empty rendering drops the step. */
export interface StepTemplate {
  text: string;
  link?: LinkTemplate;
}

/**
 * A block of a message body. Every string is a Mustache template rendered against the message
 * variables; a block whose text renders empty is dropped, which is how optional sentences are
 * written (`{{#var}}…{{/var}}`). The layouts turn blocks into plain text and HTML.
 */
export type BlockTemplate =
  | { paragraph: string; link?: LinkTemplate }
  | { callout: string; link?: LinkTemplate }
  | { steps: readonly StepTemplate[] }
  | { button: LinkTemplate }
  /** The agent's message (`agent_message`), one paragraph per paragraph they wrote; always text. */
  | { agentMessage: true };

/** The templates of one message in one locale. */
export interface MessageTemplate {
  /** Plain-text subject; should carry `{{caseRef}}`. */
  subject: string;
  /** The heading of the email. */
  title: string;
  /** The email body, shared by the text and HTML renderings. */
  blocks: readonly BlockTemplate[];
  /** The SMS body, without the anti-phishing line (the layout appends it). Never a URL. */
  sms: string;
}

/** Recovery guidance for one incident type. */
export interface GuidanceTemplate extends MessageTemplate {
  /** The single most urgent action, quoted in the acknowledgement. */
  urgent: string;
}

/**
 * The words of the reporter's confirmation pages (`GET|POST /v1/verify/{token}`). Mustache templates
 * like the messages: `{{brand}}` is who "we" are, `{{caseRef}}`, `{{incident}}`, `{{email}}`,
 * `{{digits}}`, `{{attemptsLeft}}` (with `{{#one}}` when it is 1), `{{wait}}` and `{{n}}` are filled
 * where each sentence needs them. The page escapes every rendered string.
 */
export interface VerifyPageWords {
  confirmTitle: string;
  intro: string;
  reported: string;
  codeLabel: string;
  codeHint: string;
  confirm: string;
  deny: string;
  denyHint: string;
  resendHint: string;
  resend: string;
  reopenTitle: string;
  reopenIntro: string;
  reopen: string;
  codeRejected: string;
  codeUsedUp: string;
  codeExpired: string;
  locked: string;
  waitSeconds: string;
  waitMinutes: string;
  results: Readonly<
    Record<"verified" | "email_verified" | "denied" | "reopened", { readonly title: string; readonly body: string }>
  >;
  resendTitle: string;
  resendBody: string;
  back: string;
  rateLimitedTitle: string;
  rateLimitedBody: string;
  errorLabel: string;
  /** The one page for every link that cannot act: it never tells whether a case exists. */
  invalidTitle: string;
  invalidBody: string;
  /** The link to the provider's support contact (`VIGIL_SUPPORT_URL`), when one is configured. */
  contactSupport: string;
}

/** Everything a locale must provide. The locale modules are plain data of this shape. */
export interface MessageCatalog {
  locale: Locale;
  /** Last line of every email (text and HTML). */
  antiPhishing: string;
  /** Last sentence of every SMS. */
  smsAntiPhishing: string;
  /** Label before the case reference in the email footer. */
  caseLabel: string;
  /** Closing line above the footer; may use `{{#provider}}`. */
  signOff: string;
  /** Shown under an HTML button: the URL in full, for readers whose client hides buttons. */
  buttonFallback: string;
  /** How the reporter reads an incident type inside a sentence. */
  incidentTypes: Readonly<Record<IncidentType, string>>;
  /** How lock scopes read inside a sentence. */
  lockScopes: Readonly<Record<LockScope, string>>;
  /** How statuses read inside a sentence. */
  statuses: Readonly<Record<StatusWord, string>>;
  /** How SLA clocks read inside a sentence ("first response", not `firstResponse`). */
  clocks: Readonly<Record<SlaClockName, string>>;
  messages: Readonly<Record<Exclude<MessageKind, "guidance">, MessageTemplate>>;
  guidance: Readonly<Record<IncidentType, GuidanceTemplate>>;
  /** The reporter's confirmation pages. */
  verifyPage: VerifyPageWords;
}
