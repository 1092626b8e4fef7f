import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { TransientError } from "../../errors/index.js";
import type { EventPublisher } from "../../ports/outbound-events.js";

/** `EventPublisher` on an EventBridge bus, source `vigil`. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async publish(detailType: string, detail: Record<string, unknown>): Promise<void> {
    const result = await this.client
      .send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.eventBusName,
              Source: "vigil",
              DetailType: detailType,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      )
      .catch((error) => {
        throw new TransientError(`EventBridge PutEvents failed: ${(error as Error).name}`, { cause: error });
      });
    if (result.FailedEntryCount) throw new TransientError(`EventBridge rejected ${detailType}`);
  }
}
