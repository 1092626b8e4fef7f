import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { IdempotencyStore, WebhookRecord } from "../../ports/idempotency-store.js";
import { WebhookRecordSchema } from "../../schemas/items.js";
import { n, s } from "./attributes.js";
import { isConditionFailure, rethrow } from "./client.js";
import { keys } from "./keys.js";

/** `IdempotencyStore` for webhook ids: one conditional write claims an id. */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private item(record: WebhookRecord, expiresAt: number): Record<string, AttributeValue> {
    return webhookItem(record, expiresAt);
  }

  async claim(
    record: WebhookRecord,
    expiresAt: number,
  ): Promise<{ claimed: true } | { claimed: false; existing: WebhookRecord }> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.item(record, expiresAt),
          // An expired record (TTL not yet swept) counts as absent.
          ConditionExpression: WEBHOOK_FREE,
          ExpressionAttributeValues: { ":now": n(Math.floor(record.claimedAt / 1000)) },
        }),
      );
      return { claimed: true as const };
    } catch (error) {
      if (!isConditionFailure(error)) rethrow(error, "PutItem webhook");
    }
    const { Item } = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: keyOf(record.webhookId), ConsistentRead: true }))
      .catch((error) => rethrow(error, "GetItem webhook"));
    if (!Item) return this.claim(record, expiresAt);
    return { claimed: false as const, existing: parseWebhookItem(Item) };
  }

  async takeOver(record: WebhookRecord, staleClaimedAt: number, expiresAt: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.item(record, expiresAt),
          ConditionExpression: "claimedAt = :stale",
          ExpressionAttributeValues: { ":stale": n(staleClaimedAt) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      rethrow(error, "PutItem webhook");
    }
  }

  async release(webhookId: string, claimedAt: number): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: keyOf(webhookId),
          ConditionExpression: "claimedAt = :claimedAt",
          ExpressionAttributeValues: { ":claimedAt": n(claimedAt) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) rethrow(error, "DeleteItem webhook");
    }
  }

  async complete(claim: WebhookRecord, result: NonNullable<WebhookRecord["result"]>, expiresAt: number): Promise<void> {
    const done: WebhookRecord = { ...claim, state: "done", caseId: result.caseId, result };
    await this.client
      .send(new PutItemCommand({ TableName: this.tableName, Item: this.item(done, expiresAt) }))
      .catch((error) => rethrow(error, "PutItem webhook"));
  }
}

/** The stored webhook record (its document, the claim time the conditions compare, its TTL). */
export function webhookItem(record: WebhookRecord, expiresAt: number): Record<string, AttributeValue> {
  return {
    pk: s(keys.webhook(record.webhookId).pk),
    sk: s(keys.webhook(record.webhookId).sk),
    doc: s(JSON.stringify(record)),
    claimedAt: n(record.claimedAt),
    expiresAt: n(Math.ceil(expiresAt / 1000)),
  };
}

/** Parses a stored webhook record. */
export function parseWebhookItem(item: Record<string, AttributeValue>): WebhookRecord {
  return WebhookRecordSchema.parse(JSON.parse(item.doc?.S ?? "{}"));
}

/** A webhook record counts as held unless it expired (TTL deletion lags): the condition of every claim. */
export const WEBHOOK_FREE = "attribute_not_exists(pk) OR expiresAt < :now";

function keyOf(webhookId: string): Record<string, AttributeValue> {
  const key = keys.webhook(webhookId);
  return { pk: s(key.pk), sk: s(key.sk) };
}
