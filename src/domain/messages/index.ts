/**
 * Every message Vigil sends (acknowledgement, verification, lock notices, recovery guidance,
 * status changes, closure, on-call escalation) as data templates in English and Spanish, and the
 * pure renderer that turns them into a subject, a plain-text email, an HTML email and an SMS.
 */
import { CATALOGS } from "./templates/index.js";
import type { Locale } from "./types.js";

export { negotiateLocale, resolveLocale } from "./locale.js";
export { renderMessage, SMS_SEGMENT_BUDGET } from "./render.js";
export { foldToGsm7, measureSms, type SmsMeasure } from "./sms.js";
export {
  type BlockTemplate,
  type GuidanceTemplate,
  type HelpLinks,
  type IncidentType,
  type LinkKey,
  type LinkTemplate,
  LOCALES,
  type Locale,
  MESSAGE_KINDS,
  type MessageCatalog,
  type MessageKind,
  type MessageTemplate,
  ONCALL_EVENTS,
  type OncallEvent,
  type RenderedMessage,
  type RenderInput,
  STAFF_KINDS,
  STATUS_WORDS,
  type StatusWord,
  type StepTemplate,
} from "./types.js";

/**
 * The line every email (text and HTML) ends with. Scammers' first move is asking for the seed
 * phrase "to verify the wallet"; saying in every message that we never will is the cheapest
 * defence there is.
 */
export const ANTI_PHISHING_LINE: Readonly<Record<Locale, string>> = {
  en: CATALOGS.en.antiPhishing,
  es: CATALOGS.es.antiPhishing,
};

/** The shorter line every SMS ends with, to keep SMS within one segment. */
export const SMS_ANTI_PHISHING_LINE: Readonly<Record<Locale, string>> = {
  en: CATALOGS.en.smsAntiPhishing,
  es: CATALOGS.es.smsAntiPhishing,
};
