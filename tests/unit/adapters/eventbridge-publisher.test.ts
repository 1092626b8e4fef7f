import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EventBridgePublisher } from "../../../src/adapters/eventbridge/eventbridge-publisher.js";
import { TransientError } from "../../../src/errors/index.js";

const client = new EventBridgeClient({});
const eventBridge = mockClient(client);
const publisher = new EventBridgePublisher(client, "vigil-bus");
const detail = { caseId: "c_1", accountId: "acct_1", scopes: ["login"], reason: "containment", priority: "P1" };

beforeEach(() => eventBridge.reset());

describe("EventBridgePublisher", () => {
  it("puts one event with source vigil on the configured bus", async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });

    // Act
    await publisher.publish("account.lock.requested", detail);

    // Assess
    expect(eventBridge).toHaveReceivedCommandExactlyOnceWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: "vigil-bus",
          Source: "vigil",
          DetailType: "account.lock.requested",
          Detail: JSON.stringify(detail),
        },
      ],
    });
  });

  it("throws TransientError when EventBridge reports a failed entry", async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] });

    // Act
    const attempt = publisher.publish("account.lock.requested", detail);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  it("throws TransientError when the call fails", async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error("slow"), { name: "ThrottlingException" }));

    // Act
    const attempt = publisher.publish("account.lock.requested", detail);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    await expect(attempt).rejects.toThrow("ThrottlingException");
  });
});
