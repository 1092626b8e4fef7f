import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { MessageUndeliverableError, TransientError } from "../../errors/index.js";
import type { SmsSender } from "../../ports/messaging.js";
import { classifySmsError } from "../messaging/classify-send-error.js";

/** `SmsSender` on AWS End User Messaging SMS (`SendTextMessage`, transactional). */
export class EumSmsSender implements SmsSender {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly options: { originationIdentity?: string; protectConfigurationId?: string; maxPrice?: string },
  ) {}

  /**
   * @throws MessageUndeliverableError when the number cannot be reached for good (opted out, blocked
   *   country, invalid…; the reason class only). @throws TransientError for everything worth retrying.
   */
  async send(sms: { to: string; text: string }): Promise<void> {
    try {
      await this.client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: sms.to,
          MessageBody: sms.text,
          MessageType: "TRANSACTIONAL",
          OriginationIdentity: this.options.originationIdentity,
          ProtectConfigurationId: this.options.protectConfigurationId,
          MaxPrice: this.options.maxPrice,
        }),
      );
    } catch (error) {
      const failure = classifySmsError(error);
      if (failure.permanent) throw new MessageUndeliverableError("sms", failure.reason);
      throw new TransientError(`SMS SendTextMessage failed: ${(error as Error).name}`);
    }
  }
}
