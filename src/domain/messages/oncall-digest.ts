/**
 * The on-call digest (ADR 0014): when several pages to one contact waited in the pacing queue, the drain
 * sends this one message instead of one per case. Pure: the pages, the console's links and the time in;
 * subject, plain text, HTML and SMS out. Staff read it in English, as the single on-call page.
 */
import { PRIORITIES, type Priority, type SlaClockName } from "../types.js";
import { html } from "./html.js";
import { cleanText } from "./render.js";
import { measureSms } from "./sms.js";
import { CATALOGS } from "./templates/index.js";
import type { OncallEvent, RenderedMessage } from "./types.js";

/** One page that waited: what it was about. */
export interface DigestPage {
  caseId: string;
  priority: Priority;
  event: OncallEvent;
  clock?: string;
  reason?: string;
  /** Epoch ms it was queued. */
  queuedAt: number;
}

/** What {@link renderOncallDigest} needs. */
export interface DigestInput {
  pages: DigestPage[];
  /** The console page of a case (`consoleCaseUrl`). */
  caseUrl: (caseId: string) => string;
  /** The console's queue, where every waiting case is. */
  queueUrl: string;
  /** How many of the gravest pages are listed one by one (the rest are counted). */
  worst?: number;
}

/** The graver the event, the earlier in the digest: an agent is needed, then breaches, repeats, warnings. */
const EVENT_ORDER: readonly OncallEvent[] = ["escalation", "breach", "repeat", "warning"];
const EVENT_WORDS: Record<OncallEvent, [string, string]> = {
  escalation: ["escalation", "escalations"],
  breach: ["SLA breach", "SLA breaches"],
  repeat: ["repeat page", "repeat pages"],
  warning: ["SLA warning", "SLA warnings"],
};
const DEFAULT_WORST = 5;

/** The digest's order: priority, then event, then the oldest page. */
function graver(a: DigestPage, b: DigestPage): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  const events = EVENT_ORDER.indexOf(a.event) - EVENT_ORDER.indexOf(b.event);
  return events !== 0 ? events : a.queuedAt - b.queuedAt;
}

const plural = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`;

/**
 * Renders one digest of `pages` (at least one). The subject carries the gravest priority and the counts by
 * event; the body the counts by event and priority, the gravest cases with their console links, and the
 * queue's link. The SMS carries no link (no SMS does) and stays within one GSM-7 segment whatever the counts.
 */
export function renderOncallDigest(input: DigestInput): RenderedMessage {
  const pages = [...input.pages].sort(graver);
  const total = pages.length;
  const top = pages[0];
  if (!top) throw new TypeError("a digest needs at least one page");
  const byEvent = EVENT_ORDER.map((event) => ({
    event,
    n: pages.filter((page) => page.event === event).length,
  })).filter(({ n }) => n > 0);
  const byPriority = PRIORITIES.map((priority) => ({
    priority,
    n: pages.filter((page) => page.priority === priority).length,
  })).filter(({ n }) => n > 0);
  const worst = pages.slice(0, input.worst ?? DEFAULT_WORST);
  const since = `${new Date(Math.min(...pages.map((page) => page.queuedAt))).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const events = byEvent.map(({ event, n }) => plural(n, EVENT_WORDS[event])).join(", ");
  const priorities = byPriority.map(({ priority, n }) => `${priority} ${n}`).join(", ");
  const line = (page: DigestPage) => {
    const clock = CATALOGS.en.clocks[page.clock as SlaClockName] ?? cleanText(page.clock, 40);
    const reason = cleanText(page.reason, 120);
    return `[${page.priority}] ${EVENT_WORDS[page.event][0]}${clock ? ` (${clock})` : ""}: case ${page.caseId}${reason ? ` - ${reason}` : ""}`;
  };
  const more = total - worst.length;

  const subject = `[${top.priority}] ${plural(total, ["on-call page", "on-call pages"])} in one digest: ${events}`;
  const text = [
    `${plural(total, ["page", "pages"])} to you waited for the email or SMS send rate during a message backlog (the oldest queued at ${since}). They come as this one message instead of one each.`,
    "",
    `By event: ${events}.`,
    `By priority: ${priorities}.`,
    "",
    more > 0 ? `The ${worst.length} gravest:` : "The cases:",
    ...worst.flatMap((page) => [`- ${line(page)}`, `  ${input.caseUrl(page.caseId)}`]),
    ...(more > 0 ? [`- and ${more} more`] : []),
    "",
    `Every waiting case, gravest first: ${input.queueUrl}`,
    "Acknowledge a case in the console to stop its further escalations.",
  ].join("\n");
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:system-ui,sans-serif;color:#1f2328;max-width:640px;margin:0 auto;padding:16px">
<h1 style="font-size:20px">${plural(total, ["on-call page", "on-call pages"])} in one digest</h1>
<p>${plural(total, ["page", "pages"])} to you waited for the email or SMS send rate during a message backlog (the oldest queued at ${since}). They come as this one message instead of one each.</p>
<p>By event: ${events}.<br>By priority: ${priorities}.</p>
<ul>${worst.map((page) => html`<li><a href="${input.caseUrl(page.caseId)}">${line(page)}</a></li>`)}${more > 0 ? html`<li>and ${more} more</li>` : ""}</ul>
<p><a href="${input.queueUrl}">Open the queue in the console</a> (every waiting case, gravest first).</p>
<p>Acknowledge a case in the console to stop its further escalations.</p>
</body></html>`.value;
  return { locale: "en", subject, text, html: body, sms: digestSms(total, byEvent, byPriority, top) };
}

/** The SMS: counts and the gravest case, shed part by part until it fits one GSM-7 segment (160). */
function digestSms(
  total: number,
  byEvent: Array<{ event: OncallEvent; n: number }>,
  byPriority: Array<{ priority: Priority; n: number }>,
  top: DigestPage,
): string {
  const head = `Vigil: ${total} on-call pages (${byPriority.map(({ priority, n }) => `${n} ${priority}`).join(", ")})`;
  const counts = byEvent.map(({ event, n }) => `${n} ${event}`).join(", ");
  const gravest = `Worst: ${top.priority} ${top.event} ${top.caseId}`;
  const tail = "See email/console.";
  const candidates = [
    `${head}: ${counts}. ${gravest}. ${tail}`,
    `${head}. ${gravest}. ${tail}`,
    `${head}. ${tail}`,
    `Vigil: ${total} on-call pages. ${tail}`,
  ];
  return candidates.find((sms) => measureSms(sms).segments === 1) ?? `Vigil: ${total} on-call pages.`;
}
