import { type AttributeValue, type DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { Delivery, DeliveryStore } from "../../ports/delivery-store.js";
import { isConditionFailure, rethrow } from "./client.js";
import { keys } from "./keys.js";

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

/** `DeliveryStore` on the single table. Exhausted deliveries stay listable (gsi1) for replay. */
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
      gsi1pk: s(`DELIVERY#${delivery.status}`),
      gsi1sk: s(`${delivery.createdAt}#${delivery.deliveryId}`),
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
      return (await this.get(delivery.deliveryId)) as Delivery;
    }
  }

  async get(deliveryId: string): Promise<Delivery | null> {
    const key = keys.delivery(deliveryId);
    const { Item } = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: { pk: s(key.pk), sk: s(key.sk) }, ConsistentRead: true }))
      .catch((error) => rethrow(error, "GetItem delivery"));
    return Item?.doc?.S ? (JSON.parse(Item.doc.S) as Delivery) : null;
  }

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
