import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { OUTBOUND_SHARDS } from "../../../src/adapters/dynamodb/keys.js";
import { DynamoDbOutboundQueue } from "../../../src/adapters/dynamodb/outbound-queue.js";
import { FakeClock } from "../../../src/adapters/in-memory/index.js";
import type { QueuedMessage } from "../../../src/ports/outbound-queue.js";

const dynamo = mockClient(DynamoDBClient);

function message(caseId: string, rank: string): QueuedMessage {
  return {
    id: `${caseId}#acknowledgement#1#email`,
    channel: "email",
    caseId,
    key: "acknowledgement#1#email",
    kind: "acknowledgement",
    priority: rank.startsWith("P1") ? "P1" : "P3",
    rank,
    vars: { priority: "P1" },
    enqueuedAt: 1,
    attempts: 0,
    notBefore: 1,
  };
}

describe("DynamoDbOutboundQueue", () => {
  let clock: FakeClock;
  let queue: DynamoDbOutboundQueue;
  beforeEach(() => {
    dynamo.reset();
    clock = new FakeClock();
    queue = new DynamoDbOutboundQueue(new DynamoDBClient({}), "vigil", clock);
  });

  it("keys a message by channel shard and rank, and raises the backlog flag once a second", async () => {
    // Prepare
    dynamo.on(PutItemCommand).resolves({});

    // Act
    await queue.enqueue(message("c_01JA", "P1#0"));
    await queue.enqueue(message("c_01JB", "P3#0"));
    clock.advance(2);
    await queue.enqueue(message("c_01JC", "P3#0"));

    // Assess
    const puts = dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item);
    expect(puts.map((item) => item?.pk?.S)).toEqual([
      expect.stringMatching(/^OUTBOUND#email#\d$/),
      "OUTBOUND#email",
      expect.stringMatching(/^OUTBOUND#email#\d$/),
      expect.stringMatching(/^OUTBOUND#email#\d$/),
      "OUTBOUND#email",
    ]);
    expect(puts[0]?.sk?.S).toBe("P1#0#c_01JA#acknowledgement#1#email");
  });

  it("peeks every shard and merges them in queue order (rank, then the oldest case)", async () => {
    // Prepare: two shards answer, out of order.
    const doc = (m: QueuedMessage) => ({ pk: { S: "x" }, sk: { S: "y" }, doc: { S: JSON.stringify(m) } });
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ":pk": { S: "OUTBOUND#email#0" } } })
      .resolves({ Items: [doc(message("c_01JB", "P3#0"))] })
      .on(QueryCommand, { ExpressionAttributeValues: { ":pk": { S: "OUTBOUND#email#5" } } })
      .resolves({ Items: [doc(message("c_01JC", "P1#3")), doc(message("c_01JA", "P3#0"))] });

    // Act
    const head = await queue.peek("email", 2);

    // Assess
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(OUTBOUND_SHARDS);
    expect(head.map((m) => m.caseId)).toEqual(["c_01JC", "c_01JA"]);
  });

  it("reads every page to staff (rank P0#) of every shard, page by page, in queue order", async () => {
    // Prepare: shard 2 answers in two pages.
    const doc = (m: QueuedMessage) => ({ pk: { S: "x" }, sk: { S: "y" }, doc: { S: JSON.stringify(m) } });
    const page = (caseId: string, rank: string) => ({ ...message(caseId, rank), recipient: "oncall" as const });
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ":pk": { S: "OUTBOUND#email#2" }, ":staff": { S: "P0#" } } })
      .resolves({ Items: [doc(page("c_01JB", "P0#3"))], LastEvaluatedKey: { pk: { S: "x" }, sk: { S: "y" } } })
      .on(QueryCommand, {
        ExpressionAttributeValues: { ":pk": { S: "OUTBOUND#email#2" }, ":staff": { S: "P0#" } },
        ExclusiveStartKey: { pk: { S: "x" }, sk: { S: "y" } },
      })
      .resolves({ Items: [doc(page("c_01JA", "P0#1"))] });

    // Act
    const pages = await queue.peekStaff("email", 100);

    // Assess
    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(OUTBOUND_SHARDS + 1);
    expect(queries.every((q) => q.KeyConditionExpression === "pk = :pk AND begins_with(sk, :staff)")).toBe(true);
    expect(pages.map((m) => [m.caseId, m.recipient])).toEqual([
      ["c_01JA", "oncall"],
      ["c_01JB", "oncall"],
    ]);
  });

  it("removes many in batches of 25 and re-sends the deletes DynamoDB left unprocessed", async () => {
    // Prepare: the first batch leaves one delete unprocessed.
    const messages = Array.from({ length: 30 }, (_, i) => message(`c_01J${String(i).padStart(2, "0")}`, "P0#2"));
    const leftOver = { DeleteRequest: { Key: { pk: { S: "OUTBOUND#email#1" }, sk: { S: "P0#2#left" } } } };
    dynamo
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { vigil: [leftOver] } })
      .resolves({ UnprocessedItems: {} });

    // Act
    await queue.removeMany(messages);

    // Assess
    const batches = dynamo.commandCalls(BatchWriteItemCommand).map((call) => call.args[0].input.RequestItems?.vigil);
    expect(batches.map((batch) => batch?.length)).toEqual([25, 1, 5]);
    expect(batches[1]).toEqual([leftOver]);
  });

  it("reads the backlog flag through a one-second cache and forgets it when cleared", async () => {
    // Prepare
    dynamo.on(GetItemCommand).resolves({ Item: { pk: { S: "OUTBOUND#email" } } });
    dynamo.on(DeleteItemCommand).resolves({});

    // Act
    const first = await queue.hasBacklog("email");
    const cached = await queue.hasBacklog("email");
    await queue.clearBacklog("email");
    const afterClear = await queue.hasBacklog("email");

    // Assess
    expect([first, cached, afterClear]).toEqual([true, true, false]);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(1);
  });
});
