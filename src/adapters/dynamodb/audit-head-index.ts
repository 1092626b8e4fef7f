import type { AttributeValue, DynamoDBClient, QueryCommandInput } from "@aws-sdk/client-dynamodb";
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import type { AuditHeadEntry, AuditHeadIndex } from "../../ports/audit-anchor.js";
import { s } from "./attributes.js";
import { rethrow } from "./client.js";
import { keys } from "./keys.js";

/** The GSI that lists case audit heads by last change (see `keys.auditHeadShard`). */
export const AUDIT_HEAD_INDEX = "gsi5";

/** `AuditHeadIndex` on the table's sparse `gsi5`: one query per shard, no scan, no case document read. */
export class DynamoDbAuditHeadIndex implements AuditHeadIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async changedSince(since: string | null): Promise<AuditHeadEntry[]> {
    const shards = await Promise.all(keys.auditHeadShards().map((shard) => this.shard(shard, since)));
    return shards.flat();
  }

  private async shard(shard: string, since: string | null): Promise<AuditHeadEntry[]> {
    const entries: AuditHeadEntry[] = [];
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: AUDIT_HEAD_INDEX,
      KeyConditionExpression: since === null ? "gsi5pk = :pk" : "gsi5pk = :pk AND gsi5sk >= :since",
      ExpressionAttributeValues: { ":pk": s(shard), ...(since === null ? {} : { ":since": s(since) }) },
    };
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client
        .send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }))
        .catch((error) => rethrow(error, "Query audit heads"));
      for (const item of page.Items ?? []) {
        const order = item.gsi5sk?.S ?? "";
        const split = order.lastIndexOf("#");
        entries.push({
          caseId: order.slice(split + 1),
          updatedAt: order.slice(0, split),
          seq: Number(item.auditSeq?.N ?? 0),
          head: item.auditHead?.S ?? "",
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }
}
