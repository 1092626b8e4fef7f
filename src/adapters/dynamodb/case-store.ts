import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { encodeTime } from "ulid";
import { queueDue, unsettled } from "../../domain/case.js";
import { CASE_STATUSES } from "../../domain/types.js";
import { ConflictError } from "../../errors/index.js";
import type { AccountIndex } from "../../ports/account-index.js";
import type { CaseStore, ListByStatusOptions, VersionedCase } from "../../ports/case-store.js";
import { type AuditEvent, AuditEventSchema, type Case, CaseSchema } from "../../schemas/case.js";
import { n, s, stringAttributes } from "./attributes.js";
import { isConditionFailure, rethrow } from "./client.js";
import { keys } from "./keys.js";

/** The case document is stored as JSON in `doc`; the attributes beside it exist only for keys and queries. */
export function caseItem(item: Case, version: number): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {
    ...stringAttributes(keys.case(item.caseId)),
    doc: s(JSON.stringify(item)),
    version: n(version),
    status: s(item.status),
    priority: s(item.priority),
    gsi1pk: s(keys.byStatus(item.status, item.caseId)),
    gsi1sk: s(keys.byDue(queueDue(item), item.caseId)),
    // The audit anchor finds changed heads here (gsi5), without reading the case document.
    gsi5pk: s(keys.auditHeadShard(item.caseId)),
    gsi5sk: s(keys.auditHeadOrder(item.updatedAt, item.caseId)),
    auditSeq: n(item.audit.seq),
    auditHead: s(item.audit.head),
  };
  attributes.gsi3pk = s(keys.byAccount(item.accountId));
  attributes.gsi3sk = s(keys.byOpened(item.openedAt, item.caseId));
  if (item.reporterEmailHash) {
    attributes.gsi4pk = s(keys.byEmailHash(item.reporterEmailHash));
    attributes.gsi4sk = s(keys.byOpened(item.openedAt, item.caseId));
  }
  if (unsettled(item)) {
    attributes.gsi2pk = s(keys.unsettled);
    attributes.gsi2sk = s(keys.unsettledOrder(item.openedAt, item.caseId));
  }
  return attributes;
}

function parseCase(item: Record<string, AttributeValue>): VersionedCase {
  return { case: CaseSchema.parse(JSON.parse(item.doc?.S ?? "null")), version: Number(item.version?.N ?? 0) };
}

/** `CaseStore` on the single DynamoDB table. */
export class DynamoDbCaseStore implements CaseStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(caseId: string): Promise<VersionedCase | null> {
    try {
      const { Item } = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: stringAttributes(keys.case(caseId)),
          ConsistentRead: true,
        }),
      );
      return Item ? parseCase(Item) : null;
    } catch (error) {
      rethrow(error, "GetItem case");
    }
  }

  async create(item: Case): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: caseItem(item, 1),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(`case ${item.caseId} exists`, { cause: error });
      rethrow(error, "PutItem case");
    }
  }

  async update(item: Case, expectedVersion: number): Promise<number> {
    const version = expectedVersion + 1;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: caseItem(item, version),
          ConditionExpression: "version = :expected",
          ExpressionAttributeValues: { ":expected": n(expectedVersion) },
        }),
      );
      return version;
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(`case ${item.caseId} changed meanwhile`, { cause: error });
      rethrow(error, "PutItem case");
    }
  }

  async appendAudit(events: AuditEvent[]): Promise<void> {
    await Promise.all(
      events.map(async (event) => {
        try {
          await this.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: { ...stringAttributes(keys.auditEvent(event.caseId, event.seq)), doc: s(JSON.stringify(event)) },
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          );
        } catch (error) {
          // The event is already there: a retried step rewrote the same deterministic key.
          if (!isConditionFailure(error)) rethrow(error, "PutItem audit");
        }
      }),
    );
  }

  async hasAuditEvent(caseId: string, seq: number): Promise<boolean> {
    const { Item } = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: stringAttributes(keys.auditEvent(caseId, seq)),
          ProjectionExpression: "pk",
          ConsistentRead: true,
        }),
      )
      .catch((error) => rethrow(error, "GetItem audit"));
    return Boolean(Item);
  }

  async listAudit(caseId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    const query = {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": s(keys.case(caseId).pk), ":prefix": s(keys.auditPrefix) },
      ConsistentRead: true,
    };
    for await (const item of this.query(query, "Query audit")) {
      events.push(AuditEventSchema.parse(JSON.parse(item.doc?.S ?? "null")));
    }
    return events;
  }

  /**
   * The queue of one status, nearest due first: the status is sharded over several `gsi1` keys
   * (see `keys.byStatus`), each sorted by `gsi1sk`; the shards are read page by page and merged, so
   * a reader reads about `limit` entries in all, not `limit` per shard. With `after` (a queue key),
   * every shard starts strictly after it (`gsi1sk > :after`): the next page of the merged queue.
   */
  async listByStatus(status: Case["status"], options: ListByStatusOptions = {}): Promise<Case[]> {
    const limit = options.limit ?? 100;
    const shards = keys.byStatusShards(status);
    const pageSize = Math.max(4, Math.ceil((2 * limit) / shards.length));
    const streams = shards.map((shard) =>
      this.query(
        {
          TableName: this.tableName,
          IndexName: "gsi1",
          KeyConditionExpression: options.after === undefined ? "gsi1pk = :pk" : "gsi1pk = :pk AND gsi1sk > :after",
          Limit: pageSize,
          ...(options.priority ? { FilterExpression: "priority = :priority" } : {}),
          ExpressionAttributeValues: {
            ":pk": s(shard),
            ...(options.after === undefined ? {} : { ":after": s(options.after) }),
            ...(options.priority ? { ":priority": s(options.priority) } : {}),
          },
        },
        "Query cases",
      ),
    );
    const cases: Case[] = [];
    for await (const item of mergeBy(streams, (entry) => entry.gsi1sk?.S ?? "")) {
      cases.push(parseCase(item).case);
      if (cases.length >= limit) break;
    }
    await Promise.all(streams.map((stream) => stream.return(undefined)));
    return cases;
  }

  /** Every item a query matches, page after page (a caller that has enough stops early). */
  private async *query(input: QueryCommandInput, what: string): AsyncGenerator<Record<string, AttributeValue>> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client
        .send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }))
        .catch((error) => rethrow(error, what));
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async findByAccount(accountId: string, limit = 20): Promise<Case[]> {
    return this.findThrough("gsi3", keys.byAccount(accountId), limit);
  }

  async findByEmailHash(hash: string, limit = 20): Promise<Case[]> {
    return this.findThrough("gsi4", keys.byEmailHash(hash), limit);
  }

  /** A keys-only index gives the case keys, newest first; each case is then read from the table. */
  private async findThrough(index: "gsi3" | "gsi4", pk: string, limit: number): Promise<Case[]> {
    const page = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: `${index}pk = :pk`,
          ExpressionAttributeValues: { ":pk": s(pk) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      )
      .catch((error) => rethrow(error, `Query ${index}`));
    const ids = (page.Items ?? []).map((item) => (item.pk?.S ?? "").replace(/^CASE#/, ""));
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((entry): entry is VersionedCase => entry !== null).map((entry) => entry.case);
  }

  /**
   * Cases opened in `[from, to)`: the active ones from their status buckets (the queue, small), the
   * concluded ones from a range of their status buckets (their sort key is the time-ordered case id).
   */
  async listOpenedBetween(from: string, to: string): Promise<Case[]> {
    const [low, high] = keys.concludedOpenedRange(
      encodeTime(Math.max(0, Date.parse(from) - 1000), 10),
      encodeTime(Date.parse(to) + 1000, 10),
    );
    const lists = await Promise.all(
      CASE_STATUSES.flatMap((status) => keys.byStatusShards(status).map((shard) => ({ status, shard }))).map(
        async ({ status, shard }) => {
          const active = status !== "resolved" && status !== "closed";
          const query: QueryCommandInput = {
            TableName: this.tableName,
            IndexName: "gsi1",
            KeyConditionExpression: active ? "gsi1pk = :pk" : "gsi1pk = :pk AND gsi1sk BETWEEN :low AND :high",
            ExpressionAttributeValues: active
              ? { ":pk": s(shard) }
              : { ":pk": s(shard), ":low": s(low), ":high": s(high) },
          };
          const cases: Case[] = [];
          for await (const item of this.query(query, "Query opened")) cases.push(parseCase(item).case);
          return cases;
        },
      ),
    );
    const seen = new Set<string>();
    return lists
      .flat()
      .filter((item) => item.openedAt >= from && item.openedAt < to)
      .filter((item) => !seen.has(item.caseId) && seen.add(item.caseId));
  }

  async listUnsettled(openedBefore: string, limit = 100): Promise<string[]> {
    const page = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: "gsi2",
          KeyConditionExpression: "gsi2pk = :pk AND gsi2sk < :before",
          ExpressionAttributeValues: { ":pk": s(keys.unsettled), ":before": s(openedBefore) },
          Limit: limit,
        }),
      )
      .catch((error) => rethrow(error, "Query unsettled cases"));
    return (page.Items ?? []).map((item) => (item.pk?.S ?? "").replace(/^CASE#/, ""));
  }
}

/**
 * Merges sorted streams into one sorted stream, pulling from each only as far as the output goes:
 * a stream is advanced only when its head was taken.
 */
async function* mergeBy<T>(streams: AsyncGenerator<T>[], order: (item: T) => string): AsyncGenerator<T> {
  const heads = await Promise.all(streams.map((stream) => stream.next()));
  while (true) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (!head || head.done) continue;
      const current = heads[best];
      if (best < 0 || (current && !current.done && order(head.value) < order(current.value))) best = i;
    }
    const taken = heads[best];
    if (best < 0 || !taken || taken.done) return;
    yield taken.value;
    heads[best] = await (streams[best] as AsyncGenerator<T>).next();
  }
}

/** `AccountIndex` on the single table: one item per account that has an open case. */
export class DynamoDbAccountIndex implements AccountIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async claim(accountId: string, caseId: string): Promise<{ claimed: true } | { claimed: false; caseId: string }> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...stringAttributes(keys.accountOpenCase(accountId)), caseId: s(caseId) },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailure(error)) rethrow(error, "PutItem account");
    }
    const { Item } = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: stringAttributes(keys.accountOpenCase(accountId)),
          ConsistentRead: true,
        }),
      )
      .catch((error) => rethrow(error, "GetItem account"));
    // Released between our write and our read: try once more rather than report a phantom case.
    if (!Item?.caseId?.S) return this.claim(accountId, caseId);
    return { claimed: false, caseId: Item.caseId.S };
  }

  async replace(accountId: string, expectedCaseId: string, caseId: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...stringAttributes(keys.accountOpenCase(accountId)), caseId: s(caseId) },
          ConditionExpression: "caseId = :expected",
          ExpressionAttributeValues: { ":expected": s(expectedCaseId) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      rethrow(error, "PutItem account");
    }
  }

  async release(accountId: string, caseId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: stringAttributes(keys.accountOpenCase(accountId)),
          ConditionExpression: "caseId = :caseId",
          ExpressionAttributeValues: { ":caseId": s(caseId) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) rethrow(error, "DeleteItem account");
    }
  }
}
