import { ActionNotAllowedError, NotFoundError } from "../errors/index.js";
import { type MessagePreviewBody, MessagePreviewBodySchema } from "../schemas/operator.js";
import { parseJson, parseWith } from "../schemas/parse.js";
import type { Deps } from "./deps.js";
import { assertCaseId } from "./get-case.js";
import { renderForReporter } from "./notify.js";

/** What `message_reporter` would send, per channel, and where. */
export interface MessagePreview {
  locale: string;
  /** The channels it would go to: every channel the case still trusts. */
  channels: { email: boolean; sms: boolean };
  email: { subject: string; text: string; html: string } | null;
  /** The SMS is a short notice to read the email; the agent's words never go by SMS. */
  sms: string | null;
}

/**
 * Validates the body of `POST /v1/cases/{caseId}/messages/preview` (400 with `errors`).
 *
 * @throws ValidationError invalid JSON, a message that is empty, over 2,000 characters or holds control characters.
 */
export function parseMessagePreview(rawBody: string): MessagePreviewBody {
  return parseWith(MessagePreviewBodySchema, parseJson(rawBody));
}

/**
 * `POST /v1/cases/{caseId}/messages/preview`: the message an agent is writing, exactly as
 * `message_reporter` would send it, so the console can show it before sending. Sends nothing,
 * writes nothing.
 *
 * Input: the case id and `{ message, locale? }`. Output: {@link MessagePreview}.
 * 1. Read the case (404 when absent); refuse as the action would when the email is untrusted (409).
 * 2. Render the branded template with the same function the send uses.
 *
 * @throws NotFoundError unknown case. @throws ActionNotAllowedError `email_untrusted`.
 */
export function makePreviewReporterMessage(deps: Pick<Deps, "cases" | "config">) {
  return async (caseId: string | undefined, body: MessagePreviewBody): Promise<MessagePreview> => {
    const id = assertCaseId(caseId);
    const found = await deps.cases.get(id);
    if (!found) throw new NotFoundError(`case ${id} not found`);
    const item = found.case;
    if (!item.channels.email) {
      throw new ActionNotAllowedError(
        "the reporter's email address is no longer trusted for this case; reach them through the provider",
        "email_untrusted",
      );
    }
    const rendered = renderForReporter(deps.config, item, "agent_message", { message: body.message }, body.locale);
    const sms = item.channels.sms && Boolean(item.reporter.phone);
    return {
      locale: rendered.locale,
      channels: { email: true, sms },
      email: { subject: rendered.subject, text: rendered.text, html: rendered.html },
      sms: sms ? rendered.sms : null,
    };
  };
}
