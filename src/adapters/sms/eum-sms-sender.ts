import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { TransientError } from "../../errors/index.js";
import type { SmsSender } from "../../ports/messaging.js";

/** `SmsSender` on AWS End User Messaging SMS (`SendTextMessage`, transactional). */
export class EumSmsSender implements SmsSender {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly options: { originationIdentity?: string; protectConfigurationId?: string; maxPrice?: string },
  ) {}

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
      const name = (error as Error).name;
      if (name === "ValidationException" || name === "AccessDeniedException") throw error;
      throw new TransientError(`SMS SendTextMessage failed: ${name}`, { cause: error });
    }
  }
}
