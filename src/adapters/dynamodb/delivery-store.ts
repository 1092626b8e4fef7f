import { type AttributeValue, type DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import * as z from "zod";
import { TransientError } from "../../errors/index.js";
import type { Delivery, DeliveryStore } from "../../ports/delivery-store.js";
import { n, s } from "./attributes.js";
import { isConditionFailure, rethrow } from "./client.js";
import { keys } from "./keys.js";

/** The stored delivery document (`doc`), checked on every read. */
const DeliverySchema = z.object({
  deliveryId: z.string().min(1),
  caseId: z.string().min(1),
  type: z.enum(["account.lock.requested", "account.unlock.requested", "case.updated"]),
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(["pending", "delivered", "disabled", "exhausted"]),
  attempts: z.array(z.object({ at: z.string(), status: z.number().int().nullable(), error: z.string().optional() })),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int().positive(),
}) satisfies z.ZodType<Delivery>;

/**
 * `DeliveryStore` on the single table: one item per delivery, keyed by its id (the `webhook-id`),
 * the document as JSON in `doc` beside an optimistic `version`. `gsi1` lists deliveries by status
 * (`DELIVERY#exhausted`, `DELIVERY#disabled`, …) in creation order, so an operator can find and
 * replay the ones that failed for good. Kept without TTL: the failed ones are the dead-letter queue.
 */
export class DynamoDbDeliveryStore implements DeliveryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private item(delivery: Delivery): Record<string, AttributeValue> {
    const key = keys.delivery(delivery.deliveryId);
    return {
      pk: s(key.pk),
      sk: s(key.sk),
      doc: s(JSON.stringify(delivery)),
      version: n(delivery.version),
      gsi1pk: s(keys.deliveriesByStatus(delivery.status)),
      gsi1sk: s(keys.deliveryOrder(delivery.createdAt, delivery.deliveryId)),
    };
  }

  async createIfAbsent(delivery: Delivery): Promise<Delivery> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.item(delivery),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return delivery;
    } catch (error) {
      if (!isConditionFailure(error)) rethrow(error, "PutItem delivery");
    }
    const stored = await this.get(delivery.deliveryId);
    // Only possible if the item was deleted between the two calls: let the workflow retry.
    if (!stored) throw new TransientError(`delivery ${delivery.deliveryId} vanished after a conflicting write`);
    return stored;
  }

  async get(deliveryId: string): Promise<Delivery | null> {
    const key = keys.delivery(deliveryId);
    const { Item } = await this.client
      .send(
        new GetItemCommand({ TableName: this.tableName, Key: { pk: s(key.pk), sk: s(key.sk) }, ConsistentRead: true }),
      )
      .catch((error) => rethrow(error, "GetItem delivery"));
    if (!Item?.doc?.S) return null;
    const delivery = DeliverySchema.parse(JSON.parse(Item.doc.S));
    // The attribute is what the conditional writes compare; the document follows it.
    return { ...delivery, version: Number(Item.version?.N ?? delivery.version) };
  }

  /** Writes the next version of the delivery if nobody wrote one since it was read. */
  async update(delivery: Delivery): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: this.item({ ...delivery, version: delivery.version + 1 }),
          ConditionExpression: "version = :expected",
          ExpressionAttributeValues: { ":expected": n(delivery.version) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      rethrow(error, "PutItem delivery");
    }
  }
}
