import { type MessageKind, renderMessage } from "../domain/messages/index.js";
import type { Case } from "../schemas/case.js";
import type { MutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";

export type MessageVars = Record<string, string | number | boolean | string[] | undefined>;

/**
 * Sends a message to every channel the case still trusts, at most once per `key` (default
 * `<kind>#<workflow generation>`): a retried step finds its key in `case.sent` and sends nothing.
 * The key is recorded before sending; a failed send removes it again so the retry can send.
 */
export function makeNotifyReporter(deps: Pick<Deps, "email" | "sms" | "metrics" | "config">, mutate: MutateCase) {
  return async (
    caseId: string,
    kind: MessageKind,
    options: { vars?: MessageVars; key?: string; only?: "email" | "sms" } = {},
  ): Promise<boolean> => {
    let claimedKey: string | undefined;
    const item = await mutate(caseId, (current) => {
      const key = options.key ?? `${kind}#${current.workflow.generation}`;
      claimedKey = undefined;
      if (current.sent.includes(key)) return null;
      claimedKey = key;
      return {
        case: { ...current, sent: [...current.sent, key] },
        events: [{ type: "message.sent", actor: "vigil", detail: { kind, channels: channelsOf(current) } }],
      };
    });
    const key = claimedKey;
    if (!key) return false;
    try {
      await sendToChannels(deps, item, kind, options.vars ?? {}, options.only);
      return true;
    } catch (error) {
      await mutate(caseId, (current) => ({
        case: { ...current, sent: current.sent.filter((sent) => sent !== key) },
        events: [{ type: "message.failed", actor: "vigil", detail: { kind, error: (error as Error).name } }],
      }));
      throw error;
    }
  };
}

function channelsOf(item: Case): string[] {
  return [item.channels.email ? "email" : null, item.channels.sms && item.reporter.phone ? "sms" : null].filter(
    (channel): channel is string => channel !== null,
  );
}

/** Renders one message for the case and sends it on each trusted channel. */
export async function sendToChannels(
  deps: Pick<Deps, "email" | "sms" | "metrics" | "config">,
  item: Case,
  kind: MessageKind,
  vars: MessageVars,
  only?: "email" | "sms",
): Promise<void> {
  const message = renderMessage({
    kind,
    incidentType: item.incidentType,
    locale: item.reporter.locale,
    caseRef: item.caseId,
    helpLinks: helpLinks(deps.config.helpBaseUrl),
    vars,
    smsSafe: !item.channels.sms || item.incidentType === "sim_swap" || item.signals.simSwapDetected === true,
  });
  const sends: Promise<void>[] = [];
  if (item.channels.email && only !== "sms") {
    sends.push(
      deps.email.send({ to: item.reporter.email, subject: message.subject, text: message.text, html: message.html }),
    );
    deps.metrics.count("EmailSent");
  }
  if (item.channels.sms && item.reporter.phone && message.sms && only !== "email") {
    sends.push(deps.sms.send({ to: item.reporter.phone, text: message.sms }));
    deps.metrics.count("SmsSent");
  }
  await Promise.all(sends);
}

/** Pages the on-call agent (email, and SMS when a number is configured). */
export async function notifyOncall(
  deps: Pick<Deps, "email" | "sms" | "metrics" | "config">,
  item: Case,
  vars: { reason: string; clock?: string },
): Promise<void> {
  const message = renderMessage({
    kind: "oncall_escalation",
    incidentType: item.incidentType,
    locale: "en",
    caseRef: item.caseId,
    vars: { ...vars, priority: item.priority, caseUrl: `${deps.config.publicBaseUrl}/v1/cases/${item.caseId}` },
    smsSafe: true,
  });
  const sends = [
    deps.email.send({ to: deps.config.oncallEmail, subject: message.subject, text: message.text, html: message.html }),
  ];
  if (deps.config.oncallPhone) sends.push(deps.sms.send({ to: deps.config.oncallPhone, text: message.sms }));
  await Promise.all(sends);
}

function helpLinks(base: string | undefined) {
  if (!base) return undefined;
  const root = base.replace(/\/$/, "");
  return {
    support: root,
    passwordReset: `${root}/password-reset`,
    mfa: `${root}/security/mfa`,
    reportFraud: `${root}/report-fraud`,
  };
}
