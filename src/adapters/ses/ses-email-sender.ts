import { type SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { TransientError } from "../../errors/index.js";
import type { Email, EmailSender } from "../../ports/messaging.js";

const PERMANENT = new Set([
  "MessageRejected",
  "MailFromDomainNotVerifiedException",
  "ConfigurationSetDoesNotExistException",
  "InvalidParameterValue",
]);

/** `EmailSender` on SES v1 `SendEmail` (text + HTML). */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESClient,
    private readonly options: { from: string; configurationSet?: string; replyTo?: string },
  ) {}

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
      // A misconfiguration or a rejected message will not heal by retrying; everything else may.
      if (PERMANENT.has((error as Error).name)) throw error;
      throw new TransientError(`SES SendEmail failed: ${(error as Error).name}`, { cause: error });
    }
  }
}
