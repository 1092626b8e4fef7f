import { type SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { MessageUndeliverableError, TransientError } from "../../errors/index.js";
import type { Email, EmailSender } from "../../ports/messaging.js";
import { classifySesError } from "../messaging/classify-send-error.js";

/** `EmailSender` on SES v1 `SendEmail` (text + HTML). */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESClient,
    private readonly options: { from: string; configurationSet?: string; replyTo?: string },
  ) {}

  /**
   * @throws MessageUndeliverableError when SES refuses the message for good (its reason class only:
   *   SES's text can name the recipient). @throws TransientError for everything worth retrying.
   */
  async send(email: Email): Promise<void> {
    const replyTo = email.replyTo ?? this.options.replyTo;
    try {
      await this.client.send(
        new SendEmailCommand({
          Source: this.options.from,
          Destination: { ToAddresses: [email.to] },
          ReplyToAddresses: replyTo ? [replyTo] : undefined,
          ConfigurationSetName: this.options.configurationSet,
          Message: {
            Subject: { Data: email.subject, Charset: "UTF-8" },
            Body: { Text: { Data: email.text, Charset: "UTF-8" }, Html: { Data: email.html, Charset: "UTF-8" } },
          },
        }),
      );
    } catch (error) {
      const failure = classifySesError(error);
      if (failure.permanent) throw new MessageUndeliverableError("email", failure.reason);
      throw new TransientError(`SES SendEmail failed: ${(error as Error).name}`);
    }
  }
}
