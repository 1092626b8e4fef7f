import { type DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { VerificationLink, VerificationLinks } from "../../ports/verification-links.js";
import { VerificationLinkSchema } from "../../schemas/items.js";
import { n, s } from "./attributes.js";
import { isConditionFailure, rethrow } from "./client.js";
import { keys } from "./keys.js";

/** `VerificationLinks` on the single table, keyed by the token's hash. */
export class DynamoDbVerificationLinks implements VerificationLinks {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private key(tokenHash: string) {
    const key = keys.link(tokenHash);
    return { pk: s(key.pk), sk: s(key.sk) };
  }

  async put(link: VerificationLink): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(link.tokenHash),
            doc: s(JSON.stringify(link)),
            // Kept a day past expiry so a late click still finds the case (and answers "expired").
            expiresAt: n(Math.ceil(link.expiresAt / 1000) + 86_400),
          },
        }),
      )
      .catch((error) => rethrow(error, "PutItem link"));
  }

  async get(tokenHash: string): Promise<VerificationLink | null> {
    const { Item } = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: this.key(tokenHash), ConsistentRead: true }))
      .catch((error) => rethrow(error, "GetItem link"));
    if (!Item?.doc?.S) return null;
    const link = VerificationLinkSchema.parse(JSON.parse(Item.doc.S));
    return { ...link, usedAt: Item.usedAt?.N ? Number(Item.usedAt.N) : null };
  }

  async markUsed(tokenHash: string, at: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(tokenHash),
          UpdateExpression: "SET usedAt = :at",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(usedAt)",
          ExpressionAttributeValues: { ":at": n(at) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      rethrow(error, "UpdateItem link");
    }
  }
}
