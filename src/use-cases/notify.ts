import { consoleCaseUrl, DEFAULT_BRAND_NAME } from "../config/index.js";
import { distrustChannel } from "../domain/case.js";
import type { MessageFailureReason } from "../domain/message-failure.js";
import { type MessageKind, type OncallEvent, type RenderedMessage, renderMessage } from "../domain/messages/index.js";
import type { IncidentType } from "../domain/types.js";
import { MessageUndeliverableError } from "../errors/index.js";
import type { Case } from "../schemas/case.js";
import type { AuditEntry, MutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";

export type MessageVars = Record<string, string | number | boolean | string[] | undefined>;

/**
 * Sends a message to every channel the case still trusts, at most once per `key` (default
 * `<kind>#<workflow generation>`) and channel: a retried step finds `<key>#<channel>` in
 * `case.sent` and sends nothing there. A key is recorded before its send (at most once: a crash
 * in between loses that message rather than doubling it); a send that failed and is worth retrying
 * gives its key back. Never fatal to the case: see {@link sendClaimed}.
 */
export function makeNotifyReporter(deps: Pick<Deps, "email" | "sms" | "metrics" | "config">, mutate: MutateCase) {
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
    const send = (channel: Channel) => () =>
      sendToChannels(deps, item, kind, options.vars ?? {}, channel, {
        incidentType: options.incidentType,
        locale: options.locale,
      });
    await sendClaimed(deps, mutate, caseId, claimed, keys, { email: send("email"), sms: send("sms") }, kind);
    return true;
  };
}

type Channel = "email" | "sms";

/** Whether a message keyed `key` went out on some channel of the case. */
export function wasSent(item: Case, key: string): boolean {
  return item.sent.some((sent) => sent === key || sent.startsWith(`${key}#`));
}

/**
 * Failed attempts of one message on one channel before the step gives up on it (`throttled_out`).
 * Fewer than the workflow's `TransientError` retries (5), so a message that keeps failing never
 * fails its step: the step records it and the workflow goes on.
 */
export const MAX_SEND_ATTEMPTS = 4;

/**
 * Sends each claimed channel. A message is never fatal to the case:
 *
 * - a permanent failure (rejected, blocked, opted out…) makes the case stop trusting that channel
 *   (`distrustChannel`), records `message.failed` with the reason class and keeps the key (no resend);
 * - a failure worth retrying gives the key back and is rethrown for the workflow's retry, up to
 *   {@link MAX_SEND_ATTEMPTS} per message and channel; then it is recorded as `throttled_out` and the
 *   step goes on.
 */
export async function sendClaimed(
  _deps: Pick<Deps, "metrics">,
  mutate: MutateCase,
  caseId: string,
  claimed: Array<"email" | "sms">,
  keys: Record<"email" | "sms", string>,
  sends: Record<"email" | "sms", () => Promise<void>>,
  kind: string,
): Promise<void> {
  const failed: Array<{ channel: "email" | "sms"; error: unknown }> = [];
  await Promise.all(
    claimed.map((channel) => sends[channel]().catch((error: unknown) => failed.push({ channel, error }))),
  );
  if (!failed.length) return;
  const { result: retry } = await mutate.deciding(caseId, (current, now) => {
    let retry: unknown;
    let next: Case = current;
    const events: AuditEntry[] = [];
    const attempts = { ...(current.sendAttempts ?? {}) };
    for (const { channel, error } of failed) {
      const key = keys[channel];
      const reason = error instanceof MessageUndeliverableError ? error.reason : undefined;
      attempts[key] = (attempts[key] ?? 0) + 1;
      if (reason) {
        next = distrustChannel(next, { channel, reason, kind }, now);
      } else if (attempts[key] >= MAX_SEND_ATTEMPTS) {
        next = { ...next, failures: [...next.failures.slice(-9), failureEntry(kind, channel, "throttled_out", now)] };
      } else {
        // Worth another try: give the key back so the step's retry sends this channel again.
        next = { ...next, sent: next.sent.filter((sent) => sent !== key) };
        retry ??= error;
      }
      events.push({
        type: "message.failed",
        actor: "vigil",
        detail: {
          kind,
          channel,
          reason: reason ?? (retry === error ? "throttled" : "throttled_out"),
          retried: retry === error,
        },
      });
    }
    return { change: { case: { ...next, sendAttempts: attempts }, events }, result: retry };
  });
  if (retry !== undefined) throw retry;
}

function failureEntry(kind: string, channel: Channel, reason: MessageFailureReason, now: number) {
  return { at: new Date(now).toISOString(), step: `message.${kind}.${channel}`, error: reason };
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

/**
 * Pages the on-call agent (email, and SMS when a number is configured), linking to the case in the
 * console. `event` picks the subject (SLA warning, breach, repeat page, or another escalation).
 */
export async function notifyOncall(
  deps: Pick<Deps, "email" | "sms" | "metrics" | "config">,
  item: Case,
  vars: { reason: string; clock?: string; event?: OncallEvent },
): Promise<void> {
  const message = renderMessage({
    kind: "oncall_escalation",
    incidentType: item.incidentType,
    locale: "en",
    caseRef: item.caseId,
    vars: { ...vars, priority: item.priority, caseUrl: consoleCaseUrl(deps.config, item.caseId) },
  });
  const sends = [
    deps.email.send({ to: deps.config.oncallEmail, subject: message.subject, text: message.text, html: message.html }),
  ];
  if (deps.config.oncallPhone) sends.push(deps.sms.send({ to: deps.config.oncallPhone, text: message.sms }));
  await Promise.all(sends);
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
