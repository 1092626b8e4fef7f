import { setTimeout as sleep } from "node:timers/promises";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import * as z from "zod";
import { MESSAGE_KINDS } from "../../domain/messages/index.js";
import { compareOutbound, type OutboundChannel, STAFF_RANK_PREFIX } from "../../domain/pacing.js";
import { INCIDENT_TYPES, PRIORITIES } from "../../domain/types.js";
import { TransientError } from "../../errors/index.js";
import type { Clock } from "../../ports/clock.js";
import type { OutboundQueue, QueuedMessage } from "../../ports/outbound-queue.js";
import { n, s, stringAttributes } from "./attributes.js";
import { rethrow } from "./client.js";
import { keys } from "./keys.js";

const QueuedMessageSchema = z.object({
  id: z.string().min(1),
  channel: z.enum(["email", "sms"]),
  caseId: z.string().min(1),
  key: z.string().min(1),
  kind: z.enum(MESSAGE_KINDS),
  priority: z.enum(PRIORITIES),
  rank: z.string().min(1),
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional()),
  mint: z.enum(["reopen_link", "verification_link", "verification_code"]).optional(),
  incidentType: z.enum(INCIDENT_TYPES).optional(),
  locale: z.string().optional(),
  enqueuedAt: z.number(),
  attempts: z.number().int().nonnegative(),
  notBefore: z.number(),
  recipient: z.enum(["oncall", "second"]).optional(),
}) satisfies z.ZodType<QueuedMessage>;

/** How long a sender trusts its last read of a backlog flag. */
const BACKLOG_CACHE_MS = 1000;
/** BatchWriteItem's maximum of requests per call. */
const BATCH_WRITE_MAX = 25;
/** Rounds of `UnprocessedItems` (throttled deletes) re-sent before giving up with a `TransientError`. */
const BATCH_WRITE_ROUNDS = 5;

/**
 * `OutboundQueue` on the single table: `pk = OUTBOUND#<channel>#<shard>`, `sk = <rank>#<caseId>#<key>`
 * (keys.ts), the message as JSON in `doc`. Sparse and short-lived: an entry lives from a throttle to
 * its send. The backlog flag is one item per channel, read by senders through a one-second cache.
 */
export class DynamoDbOutboundQueue implements OutboundQueue {
  private readonly flags = new Map<OutboundChannel, { value: boolean; at: number }>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  private key(message: QueuedMessage) {
    return keys.outbound(message.channel, message.caseId, message.rank, message.id);
  }

  async enqueue(message: QueuedMessage): Promise<void> {
    await this.put(message);
    const flag = this.flags.get(message.channel);
    if (flag?.value && this.clock.now() - flag.at < BACKLOG_CACHE_MS) return;
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...stringAttributes(keys.outboundBacklog(message.channel)), since: n(this.clock.now()) },
        }),
      )
      .catch((error) => rethrow(error, "PutItem outbound backlog"));
    this.flags.set(message.channel, { value: true, at: this.clock.now() });
  }

  private async put(message: QueuedMessage): Promise<void> {
    const item: Record<string, AttributeValue> = {
      ...stringAttributes(this.key(message)),
      doc: s(JSON.stringify(message)),
    };
    await this.client
      .send(new PutItemCommand({ TableName: this.tableName, Item: item }))
      .catch((error) => rethrow(error, "PutItem outbound"));
  }

  async peek(channel: OutboundChannel, limit: number): Promise<QueuedMessage[]> {
    const shards = await Promise.all(
      keys.outboundShards(channel).map((pk) =>
        this.client
          .send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": s(pk) },
              Limit: limit,
            }),
          )
          .catch((error) => rethrow(error, "Query outbound")),
      ),
    );
    return shards
      .flatMap((page) => page.Items ?? [])
      .map((item) => QueuedMessageSchema.parse(JSON.parse(item.doc?.S ?? "null")))
      .sort(compareOutbound)
      .slice(0, limit);
  }

  async update(message: QueuedMessage): Promise<void> {
    await this.put(message);
  }

  async remove(message: QueuedMessage): Promise<void> {
    await this.client
      .send(new DeleteItemCommand({ TableName: this.tableName, Key: stringAttributes(this.key(message)) }))
      .catch((error) => rethrow(error, "DeleteItem outbound"));
  }

  /** Each shard's `P0#` range (the pages sort first), page by page until `limit` or the end; then merged. */
  async peekStaff(channel: OutboundChannel, limit: number): Promise<QueuedMessage[]> {
    const shards = await Promise.all(
      keys.outboundShards(channel).map(async (pk) => {
        const items: Array<Record<string, AttributeValue>> = [];
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await this.client
            .send(
              new QueryCommand({
                TableName: this.tableName,
                KeyConditionExpression: "pk = :pk AND begins_with(sk, :staff)",
                ExpressionAttributeValues: { ":pk": s(pk), ":staff": s(STAFF_RANK_PREFIX) },
                Limit: Math.min(limit, 1000),
                ...(start ? { ExclusiveStartKey: start } : {}),
              }),
            )
            .catch((error) => rethrow(error, "Query outbound staff"));
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start && items.length < limit);
        return items;
      }),
    );
    return shards
      .flat()
      .map((item) => QueuedMessageSchema.parse(JSON.parse(item.doc?.S ?? "null")))
      .sort(compareOutbound)
      .slice(0, limit);
  }

  /** BatchWriteItem deletes, 25 a call, re-sending the deletes DynamoDB left unprocessed (throttled). */
  async removeMany(messages: QueuedMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH_WRITE_MAX) {
      let requests = messages
        .slice(i, i + BATCH_WRITE_MAX)
        .map((message) => ({ DeleteRequest: { Key: stringAttributes(this.key(message)) } }));
      for (let round = 0; requests.length; round++) {
        if (round === BATCH_WRITE_ROUNDS)
          throw new TransientError("DynamoDB BatchWriteItem outbound left deletes unprocessed");
        if (round > 0) await sleep(50 * 2 ** round);
        const result = await this.client
          .send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: requests } }))
          .catch((error) => rethrow(error, "BatchWriteItem outbound"));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []).flatMap((request) =>
          request.DeleteRequest?.Key ? [{ DeleteRequest: { Key: request.DeleteRequest.Key } }] : [],
        );
      }
    }
  }

  async hasBacklog(channel: OutboundChannel): Promise<boolean> {
    const cached = this.flags.get(channel);
    const now = this.clock.now();
    if (cached && now - cached.at < BACKLOG_CACHE_MS) return cached.value;
    const found = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: stringAttributes(keys.outboundBacklog(channel)),
          ProjectionExpression: "pk",
        }),
      )
      .catch((error) => rethrow(error, "GetItem outbound backlog"));
    const value = found.Item !== undefined;
    this.flags.set(channel, { value, at: now });
    return value;
  }

  async clearBacklog(channel: OutboundChannel): Promise<void> {
    await this.client
      .send(new DeleteItemCommand({ TableName: this.tableName, Key: stringAttributes(keys.outboundBacklog(channel)) }))
      .catch((error) => rethrow(error, "DeleteItem outbound backlog"));
    this.flags.set(channel, { value: false, at: this.clock.now() });
  }
}
