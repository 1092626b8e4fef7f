import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { ConflictError } from "../../errors/index.js";
import type { CaseIntake, OpenCaseOutcome } from "../../ports/case-intake.js";
import type { WebhookRecord } from "../../ports/idempotency-store.js";
import type { Case } from "../../schemas/case.js";
import { n, s, stringAttributes } from "./attributes.js";
import { caseItem } from "./case-store.js";
import { rethrow } from "./client.js";
import { parseWebhookItem, WEBHOOK_FREE, webhookItem } from "./idempotency-store.js";
import { keys } from "./keys.js";

/**
 * `CaseIntake` as one `TransactWriteItems` of three conditional puts (ADR 0015): the case, the webhook
 * claim, the account claim. One round trip instead of three, twice the write units, and no partial state to
 * recover from. The case comes first and the account claim last: the local DynamoDB applies the actions in
 * order, and a reader that finds a claim must find its case.
 */
export class DynamoDbCaseIntake implements CaseIntake {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async open({
    claim,
    expiresAt,
    item,
  }: {
    claim: WebhookRecord;
    expiresAt: number;
    item: Case;
  }): Promise<OpenCaseOutcome> {
    const TableName = this.tableName;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: caseItem(item, 1), ConditionExpression: "attribute_not_exists(pk)" } },
            {
              Put: {
                TableName,
                Item: webhookItem(claim, expiresAt),
                ConditionExpression: WEBHOOK_FREE,
                ExpressionAttributeValues: { ":now": n(Math.floor(claim.claimedAt / 1000)) },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
            {
              Put: {
                TableName,
                Item: { ...stringAttributes(keys.accountOpenCase(item.accountId)), caseId: s(item.caseId) },
                ConditionExpression: "attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ],
        }),
      );
      return { opened: true };
    } catch (error) {
      if (!isCancellation(error)) rethrow(error, "TransactWriteItems intake");
      const [caseReason, webhookReason, accountReason] = error.CancellationReasons ?? [];
      const failed = (reason: typeof caseReason) => reason?.Code === "ConditionalCheckFailed";
      if (failed(webhookReason)) {
        const stored = webhookReason?.Item ?? (await this.readWebhook(claim.webhookId));
        return stored
          ? { opened: false, reason: "duplicate", existing: parseWebhookItem(stored) }
          : { opened: false, reason: "contended" };
      }
      if (failed(caseReason)) throw new ConflictError(`case ${item.caseId} exists`, { cause: error });
      if (failed(accountReason)) {
        const holder = accountReason?.Item?.caseId?.S;
        return holder ? { opened: false, reason: "account", caseId: holder } : { opened: false, reason: "account" };
      }
      // TransactionConflict (another write on one of the items in flight) and the like: nothing was written.
      return { opened: false, reason: "contended" };
    }
  }

  private async readWebhook(webhookId: string): Promise<Record<string, AttributeValue> | undefined> {
    const { Item } = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: stringAttributes(keys.webhook(webhookId)),
          ConsistentRead: true,
        }),
      )
      .catch((error) => rethrow(error, "GetItem webhook"));
    return Item;
  }
}

function isCancellation(error: unknown): error is TransactionCanceledException {
  return error instanceof TransactionCanceledException || (error as Error)?.name === "TransactionCanceledException";
}
