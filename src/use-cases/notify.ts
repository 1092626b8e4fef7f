import { consoleCaseUrl, DEFAULT_BRAND_NAME } from "../config/index.js";
import { distrustChannel } from "../domain/case.js";
import type { MessageFailureReason } from "../domain/message-failure.js";
import { type MessageKind, type OncallEvent, type RenderedMessage, renderMessage } from "../domain/messages/index.js";
import { pacingRank, staffRank } from "../domain/pacing.js";
import type { IncidentType } from "../domain/types.js";
import { MessageUndeliverableError } from "../errors/index.js";
import type { QueuedMessage, StaffRecipient } from "../ports/outbound-queue.js";
import type { Case } from "../schemas/case.js";
import type { AuditEntry, MutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";

export type MessageVars = Record<string, string | number | boolean | string[] | undefined>;

/**
 * Sends a message to every channel the case still trusts, at most once per `key` (default
 * `<kind>#<workflow generation>`) and channel: a retried step finds `<key>#<channel>` in
 * `case.sent` and sends nothing there. A key is recorded before its send (at most once: a crash
 * in between loses that message rather than doubling it). A message the provider throttles, or one
 * behind a backlog, is queued for the pacing drain (ADR 0014). Never fatal to the case: see
 * {@link sendClaimed}.
 */
export function makeNotifyReporter(
  deps: Pick<Deps, "email" | "sms" | "metrics" | "config" | "outbound" | "clock">,
  mutate: MutateCase,
) {
  return async (
    caseId: string,
    kind: MessageKind,
    options: { vars?: MessageVars; key?: string; only?: Channel; incidentType?: IncidentType; locale?: string } = {},
  ): Promise<boolean> => {
    const {
      case: item,
      result: { claimed, keys },
    } = await mutate.deciding(caseId, (current) => {
      const base = options.key ?? `${kind}#${current.workflow.generation}`;
      const keys: Record<Channel, string> = { email: `${base}#email`, sms: `${base}#sms` };
      const claimed = channelsOf(current).filter(
        (channel) => (!options.only || channel === options.only) && !current.sent.includes(keys[channel]),
      );
      return {
        change: claimed.length
          ? {
              case: { ...current, sent: [...current.sent, ...claimed.map((channel) => keys[channel])] },
              events: [{ type: "message.sent", actor: "vigil", detail: { kind, channels: claimed } }],
            }
          : null,
        result: { claimed, keys },
      };
    });
    if (!claimed.length) return false;
    const { vars = {}, incidentType, locale } = options;
    // A closure's reopen link is a secret: the queue keeps the recipe and mints the link when it sends.
    const mint = typeof vars.reopenUrl === "string" ? ("reopen_link" as const) : undefined;
    const queuedVars = mint ? { ...vars, reopenUrl: undefined } : vars;
    const message = (channel: Channel): ChannelMessage => ({
      send: () => sendToChannels(deps, item, kind, vars, channel, { incidentType, locale }),
      queued: { kind, vars: queuedVars, mint, incidentType, locale },
    });
    await sendClaimed(deps, mutate, item, claimed, keys, { email: message("email"), sms: message("sms") });
    return true;
  };
}

type Channel = "email" | "sms";

/** One claimed channel's message: how to send it now, and the recipe the pacing queue keeps (no secret). */
export interface ChannelMessage {
  send: () => Promise<void>;
  queued: Pick<QueuedMessage, "kind" | "vars" | "mint" | "incidentType" | "locale">;
}

/** Whether a message keyed `key` went out on some channel of the case. */
export function wasSent(item: Case, key: string): boolean {
  return item.sent.some((sent) => sent === key || sent.startsWith(`${key}#`));
}

/**
 * Sends each claimed channel, or queues it for the pacing drain (`drain-outbound`, ADR 0014). A
 * message is never fatal to the case and never lost:
 *
 * - behind a backlog (messages already wait on the channel), it is queued without a try, so it
 *   cannot overtake a graver case's message;
 * - throttled or failing (anything but a permanent refusal), it is queued: the drain sends it at the
 *   channel's configured rate, P1 first, retrying with back-off; the key stays claimed, so a retried
 *   step does not send it again; `message.queued` is on the timeline;
 * - a permanent failure (rejected, blocked, opted out…) makes the case stop trusting that channel
 *   (`distrustChannel`), records `message.failed` with the reason class and keeps the key (no resend);
 * - only when the queue itself cannot be written is the key given back and the error rethrown for
 *   the workflow's retry.
 */
export async function sendClaimed(
  deps: Pick<Deps, "metrics" | "outbound" | "clock">,
  mutate: MutateCase,
  item: Case,
  claimed: Channel[],
  keys: Record<Channel, string>,
  messages: Record<Channel, ChannelMessage>,
): Promise<void> {
  const outcomes: Array<{
    channel: Channel;
    reason: MessageFailureReason | "queued" | "lost";
    error?: unknown;
    behind?: boolean;
  }> = [];
  await Promise.all(
    claimed.map(async (channel) => {
      const behind = await deps.outbound.hasBacklog(channel);
      const error = behind ? undefined : await failureOf(messages[channel].send);
      if (error === null) return;
      if (error instanceof MessageUndeliverableError) {
        outcomes.push({ channel, reason: error.reason });
        return;
      }
      const queued = await deps.outbound
        .enqueue(queuedMessage(item, channel, keys[channel], messages[channel], deps.clock.now()))
        .then(
          () => true,
          (failure: unknown) => {
            outcomes.push({ channel, reason: "lost", error: failure });
            return false;
          },
        );
      if (!queued) return;
      outcomes.push({ channel, reason: "queued", behind });
      deps.metrics.count("MessageQueued", 1, { Channel: channel });
    }),
  );
  if (!outcomes.length) return;
  const kind = messages[claimed[0] as Channel].queued.kind;
  const { result: retry } = await mutate.deciding(item.caseId, (current, now) => {
    let retry: unknown;
    let next: Case = current;
    const events: AuditEntry[] = [];
    for (const { channel, reason, error, behind } of outcomes) {
      if (reason === "queued") {
        const why = behind ? "backlog" : "throttled";
        events.push({ type: "message.queued", actor: "vigil", detail: { kind, channel, reason: why } });
      } else if (reason === "lost") {
        // The queue could not take it: give the key back so the step's retry sends this channel again.
        next = { ...next, sent: next.sent.filter((sent) => sent !== keys[channel]) };
        retry ??= error;
        events.push({
          type: "message.failed",
          actor: "vigil",
          detail: { kind, channel, reason: "throttled", retried: true },
        });
      } else {
        next = distrustChannel(next, { channel, reason, kind }, now);
        events.push({ type: "message.failed", actor: "vigil", detail: { kind, channel, reason, retried: false } });
      }
    }
    return { change: { case: next, events }, result: retry };
  });
  if (retry !== undefined) throw retry;
}

/** What a send failed with, or null when it went out. */
function failureOf(send: () => Promise<void>): Promise<unknown> {
  return send().then(
    () => null,
    (failure: unknown) => failure ?? new Error("send failed"),
  );
}

/** The queue entry of one claimed channel's message (ADR 0014). */
export function queuedMessage(
  item: Case,
  channel: Channel,
  key: string,
  message: ChannelMessage,
  now: number,
): QueuedMessage {
  return {
    ...message.queued,
    id: `${item.caseId}#${key}`,
    channel,
    caseId: item.caseId,
    key,
    priority: item.priority,
    rank: pacingRank(item.priority, message.queued.kind),
    enqueuedAt: now,
    attempts: 0,
    notBefore: now,
  };
}

function channelsOf(item: Case): Channel[] {
  return [item.channels.email ? "email" : null, item.channels.sms && item.reporter.phone ? "sms" : null].filter(
    (channel): channel is Channel => channel !== null,
  );
}

/**
 * One message for the case's reporter, as it would be sent: the brand (`VIGIL_BRAND_NAME`), the
 * provider's help links, the reporter's locale unless `locale` overrides it.
 */
export function renderForReporter(
  config: Deps["config"],
  item: Case,
  kind: MessageKind,
  vars: MessageVars,
  locale?: string,
  incidentType: IncidentType = item.incidentType,
): RenderedMessage {
  return renderMessage({
    kind,
    incidentType,
    locale: locale ?? item.reporter.locale,
    caseRef: item.caseId,
    providerName: config.brandName ?? DEFAULT_BRAND_NAME,
    helpLinks: helpLinks(config.helpBaseUrl, config.supportUrl),
    vars,
  });
}

/** Renders one message for the case and sends it on each trusted channel. */
export async function sendToChannels(
  deps: Pick<Deps, "email" | "sms" | "metrics" | "config">,
  item: Case,
  kind: MessageKind,
  vars: MessageVars,
  only?: "email" | "sms",
  extra: { incidentType?: IncidentType; locale?: string; replyTo?: string } = {},
): Promise<void> {
  const message = renderForReporter(deps.config, item, kind, vars, extra.locale, extra.incidentType);
  const sends: Promise<void>[] = [];
  if (item.channels.email && only !== "sms") {
    sends.push(
      deps.email.send({
        to: item.reporter.email,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(extra.replyTo ? { replyTo: extra.replyTo } : {}),
      }),
    );
    deps.metrics.count("EmailSent");
  }
  if (item.channels.sms && item.reporter.phone && message.sms && only !== "email") {
    sends.push(deps.sms.send({ to: item.reporter.phone, text: message.sms }));
    deps.metrics.count("SmsSent");
  }
  await Promise.all(sends);
}

/** A page to staff: what it is about (the on-call template's variables). */
export interface OncallPage {
  reason: string;
  clock?: string;
  event?: OncallEvent;
}

/** The address and number of a staff contact (from the configuration: never stored in the queue). */
export function staffContact(
  config: Deps["config"],
  recipient: StaffRecipient,
): { email: string | undefined; sms: string | undefined } {
  return recipient === "oncall"
    ? { email: config.oncallEmail, sms: config.oncallPhone }
    : { email: config.oncallEscalationEmail, sms: config.oncallEscalationPhone };
}

/** Sends a rendered message to a staff contact's address (`email`) or number (`sms`). */
export function sendToContact(
  deps: Pick<Deps, "email" | "sms">,
  channel: Channel,
  to: string,
  message: RenderedMessage,
): Promise<void> {
  return channel === "email"
    ? deps.email.send({ to, subject: message.subject, text: message.text, html: message.html })
    : deps.sms.send({ to, text: message.sms });
}

/** The single on-call page about one case (the queued one is rendered the same way by the drain). */
export function renderOncallPage(
  config: Deps["config"],
  item: Pick<Case, "caseId" | "incidentType" | "priority">,
  page: OncallPage,
): RenderedMessage {
  return renderMessage({
    kind: "oncall_escalation",
    incidentType: item.incidentType,
    locale: "en",
    caseRef: item.caseId,
    vars: { ...page, priority: item.priority, caseUrl: consoleCaseUrl(config, item.caseId) },
  });
}

/**
 * Pages a staff contact (`recipient`: the on-call by default, or the second contact) by email, and SMS when
 * a number is configured, linking to the case in the console. `page.event` picks the subject (SLA warning,
 * breach, repeat page, or another escalation). Paced like reporter messages (ADR 0014), never dropped:
 *
 * - sent at once when its channel has no backlog;
 * - behind a backlog, or throttled / failing short of a permanent refusal, queued under `<key>#<channel>`
 *   with a rank ahead of every reporter message (a retried enqueue rewrites the same item); the drain sends
 *   the pages that waited as one digest a minute;
 * - refused for good (a rejected on-call address): the other channel is still tried, then the
 *   `MessageUndeliverableError` is thrown for the caller to count (`OncallPageFailed`);
 * - when the queue itself cannot take it, that error is thrown (the caller's step retries).
 *
 * `key` identifies the page (the caller's `case.sent` key, or the SLA milestone) so the queue keeps one
 * entry per page. Returns how each channel went.
 */
export async function notifyOncall(
  deps: Pick<Deps, "email" | "sms" | "metrics" | "config" | "outbound" | "clock">,
  item: Case,
  page: OncallPage,
  options: { key: string; recipient?: StaffRecipient },
): Promise<Partial<Record<Channel, "sent" | "queued">>> {
  const recipient = options.recipient ?? "oncall";
  const contact = staffContact(deps.config, recipient);
  const message = renderOncallPage(deps.config, item, page);
  const channels = (["email", "sms"] as const).filter(
    (channel) => contact[channel] && (channel === "email" || message.sms),
  );
  const outcomes: Partial<Record<Channel, "sent" | "queued">> = {};
  const refusals: unknown[] = [];
  await Promise.all(
    channels.map(async (channel) => {
      const send = () => sendToContact(deps, channel, contact[channel] as string, message);
      const behind = await deps.outbound.hasBacklog(channel);
      if (!behind) {
        const error = await failureOf(send);
        if (error === null) {
          outcomes[channel] = "sent";
          return;
        }
        if (error instanceof MessageUndeliverableError) {
          refusals.push(error);
          return;
        }
      }
      const key = `${options.key}${recipient === "second" ? "#second" : ""}#${channel}`;
      const vars = { reason: page.reason, clock: page.clock, event: page.event };
      const queued = { kind: "oncall_escalation" as const, vars, incidentType: item.incidentType };
      await deps.outbound.enqueue({
        ...queuedMessage(item, channel, key, { send, queued }, deps.clock.now()),
        rank: staffRank(item.priority),
        recipient,
      });
      outcomes[channel] = "queued";
      deps.metrics.count("MessageQueued", 1, { Channel: channel });
    }),
  );
  if (refusals.length) throw refusals[0];
  return outcomes;
}

function helpLinks(base: string | undefined, supportUrl: string | undefined) {
  if (!base) return supportUrl ? { support: supportUrl } : undefined;
  const root = base.replace(/\/$/, "");
  return {
    support: supportUrl ?? root,
    passwordReset: `${root}/password-reset`,
    mfa: `${root}/security/mfa`,
    reportFraud: `${root}/report-fraud`,
  };
}
