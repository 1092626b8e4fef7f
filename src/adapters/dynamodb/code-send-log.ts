import { type DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import * as z from "zod";
import type { CodeSendLog } from "../../ports/code-send-log.js";
import { n, s } from "./attributes.js";
import { isConditionFailure, rethrow } from "./client.js";
import { keys, TTL_ATTRIBUTE } from "./keys.js";

const SendsSchema = z.array(z.number());

/** `CodeSendLog` on the single table: one small item per destination, written with an optimistic version. */
export class DynamoDbCodeSendLog implements CodeSendLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private key(destinationKey: string) {
    const key = keys.codeSends(destinationKey);
    return { pk: s(key.pk), sk: s(key.sk) };
  }

  async get(destinationKey: string) {
    const { Item } = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: this.key(destinationKey), ConsistentRead: true }))
      .catch((error) => rethrow(error, "GetItem code sends"));
    if (!Item?.sends?.S) return { sends: [], version: 0 };
    return { sends: SendsSchema.parse(JSON.parse(Item.sends.S)), version: Number(Item.version?.N ?? 0) };
  }

  async put(destinationKey: string, sends: number[], expectedVersion: number, expiresAt: number) {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(destinationKey),
            sends: s(JSON.stringify(sends)),
            version: n(expectedVersion + 1),
            [TTL_ATTRIBUTE]: n(Math.ceil(expiresAt / 1000)),
          },
          ConditionExpression: expectedVersion === 0 ? "attribute_not_exists(pk)" : "version = :version",
          ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ":version": n(expectedVersion) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      rethrow(error, "PutItem code sends");
    }
  }
}
