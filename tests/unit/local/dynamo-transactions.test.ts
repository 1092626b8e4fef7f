import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDynalite } from "../../../local/dynamo-transactions.js";

const TABLE = "transactions";
const key = (pk: string) => ({ pk: { S: pk }, sk: { S: "X" } });
const put = (pk: string, extra: Record<string, { S: string }> = {}, condition = "attribute_not_exists(pk)") => ({
  Put: { TableName: TABLE, Item: { ...key(pk), ...extra }, ConditionExpression: condition },
});

describe("the local DynamoDB's TransactWriteItems", () => {
  let server: Server;
  let client: DynamoDBClient;

  beforeEach(async () => {
    server = createDynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "gpk", AttributeType: "S" },
          { AttributeName: "gsk", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: "byGroup",
            KeySchema: [
              { AttributeName: "gpk", KeyType: "HASH" },
              { AttributeName: "gsk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
  });

  afterEach(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const exists = async (pk: string) =>
    Boolean((await client.send(new GetItemCommand({ TableName: TABLE, Key: key(pk), ConsistentRead: true }))).Item);

  it("writes every item and its index entries when every condition holds", async () => {
    // Act
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [put("a", { gpk: { S: "G" }, gsk: { S: "1" } }), put("b"), put("c")],
      }),
    );

    // Assess
    expect(await Promise.all(["a", "b", "c"].map(exists))).toEqual([true, true, true]);
    const indexed = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: "byGroup",
        KeyConditionExpression: "gpk = :g",
        ExpressionAttributeValues: { ":g": { S: "G" } },
      }),
    );
    expect(indexed.Items?.map((item) => item.pk?.S)).toEqual(["a"]);
  });

  it("writes nothing and names the failed condition, with the old item when asked, when one condition fails", async () => {
    // Prepare
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key("held"), owner: { S: "first" } } }));

    // Act
    const attempt = client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          put("new-1"),
          { Put: { ...put("held").Put, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
          put("new-2"),
        ],
      }),
    );

    // Assess
    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: "None" },
      {
        Code: "ConditionalCheckFailed",
        Message: "The conditional request failed",
        Item: { ...key("held"), owner: { S: "first" } },
      },
      { Code: "None" },
    ]);
    expect(await Promise.all(["new-1", "new-2"].map(exists))).toEqual([false, false]);
  });

  it("lets exactly one of many racing transactions on one item through", async () => {
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        client.send(new TransactWriteItemsCommand({ TransactItems: [put(`case-${i}`), put("account")] })),
      ),
    );

    // Assess
    const won = results.flatMap((result, i) => (result.status === "fulfilled" ? [i] : []));
    expect(won).toHaveLength(1);
    expect(await Promise.all(Array.from({ length: 12 }, (_, i) => exists(`case-${i}`)))).toEqual(
      Array.from({ length: 12 }, (_, i) => i === won[0]),
    );
  });

  it("refuses two actions on one item and an Update action with a ValidationException", async () => {
    // Act
    const twice = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [put("a"), put("a")] }))
      .catch((error: unknown) => error);
    const update = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: key("a"),
                UpdateExpression: "SET v = :v",
                ExpressionAttributeValues: { ":v": { S: "1" } },
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(twice).toMatchObject({ name: "ValidationException" });
    expect(update).toMatchObject({ name: "ValidationException" });
    expect(await exists("a")).toBe(false);
  });
});
