import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ThrottlingException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbCaseIntake } from "../../../src/adapters/dynamodb/case-intake.js";
import { DynamoDbAccountIndex, DynamoDbCaseStore } from "../../../src/adapters/dynamodb/case-store.js";
import { DynamoDbIdempotencyStore } from "../../../src/adapters/dynamodb/idempotency-store.js";
import { CASE_QUEUE_SHARDS, keys } from "../../../src/adapters/dynamodb/keys.js";
import { DynamoDbVerificationLinks } from "../../../src/adapters/dynamodb/verification-links.js";
import { GENESIS_HASH, sealEvent } from "../../../src/domain/audit-chain.js";
import { openCase } from "../../../src/domain/case.js";
import { DEFAULT_POLICY } from "../../../src/domain/policy.js";
import { ConflictError, TransientError } from "../../../src/errors/index.js";
import type { WebhookRecord } from "../../../src/ports/idempotency-store.js";
import type { VerificationLink } from "../../../src/ports/verification-links.js";
import type { Case } from "../../../src/schemas/case.js";

const TABLE = "vigil-test";
const NOW = Date.parse("2026-11-25T08:00:00.000Z");
const client = new DynamoDBClient({});
const ddb = mockClient(client);

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
const throttled = () => new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} });

function sampleCase(overrides: Partial<Case> = {}): Case {
  return {
    ...openCase({
      caseId: "c_1",
      webhookId: "msg_1",
      now: NOW,
      policy: DEFAULT_POLICY,
      report: { accountId: "acct_1", incidentType: "unauthorized_access", reporter: { email: "ana@example.com" } },
    }),
    ...overrides,
  };
}

beforeEach(() => {
  ddb.reset();
});

describe("DynamoDbCaseStore", () => {
  const store = new DynamoDbCaseStore(client, TABLE);

  it("creates the case only if its key is absent, as JSON in doc at version 1, listed as pending start", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    const item = sampleCase();

    // Act
    await store.create(item);

    // Assess
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: TABLE,
      ConditionExpression: "attribute_not_exists(pk)",
      Item: expect.objectContaining({
        pk: { S: "CASE#c_1" },
        sk: { S: "CASE" },
        doc: { S: JSON.stringify(item) },
        version: { N: "1" },
        status: { S: "open" },
        priority: { S: "P2" },
        gsi1pk: { S: keys.byStatus("open", "c_1") },
        gsi1sk: { S: `${item.sla.containment?.dueAt}#c_1` },
        gsi2pk: { S: "SWEEP#UNSETTLED" },
        gsi2sk: { S: `${item.openedAt}#c_1` },
      }),
    });
  });

  it("leaves a started case out of the pending-start index and sorts a closed case last", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    const item = sampleCase({ status: "closed", workflow: { ...sampleCase().workflow, started: true } });

    // Act
    await store.update(item, 3);

    // Assess
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.Item?.gsi2pk).toBeUndefined();
    expect(input?.Item?.gsi1sk).toEqual({ S: "9999#c_1" });
  });

  it("throws ConflictError when the case exists already", async () => {
    // Prepare
    ddb.on(PutItemCommand).rejects(conditionFailed());

    // Act
    const attempt = store.create(sampleCase());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
  });

  it("writes the next version on the condition that the version is unchanged", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});

    // Act
    const version = await store.update(sampleCase(), 4);

    // Assess
    expect(version).toBe(5);
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression: "version = :expected",
      ExpressionAttributeValues: { ":expected": { N: "4" } },
      Item: expect.objectContaining({ version: { N: "5" } }),
    });
  });

  it("throws ConflictError when the version moved on (ConditionalCheckFailedException)", async () => {
    // Prepare
    ddb.on(PutItemCommand).rejects(conditionFailed());

    // Act
    const attempt = store.update(sampleCase(), 4);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
  });

  it.each([
    ["ProvisionedThroughputExceededException", throttled()],
    ["ThrottlingException", new ThrottlingException({ message: "slow down", $metadata: {} })],
    ["InternalServerError", new InternalServerError({ message: "oops", $metadata: {} })],
  ])("throws TransientError when DynamoDB answers %s", async (_, error) => {
    // Prepare
    ddb.on(PutItemCommand).rejects(error);

    // Act
    const attempt = store.update(sampleCase(), 1);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    await expect(attempt).rejects.toMatchObject({ cause: error });
  });

  it("lets a non-retryable error through unchanged", async () => {
    // Prepare
    const error = Object.assign(new Error("bad request"), { name: "ValidationException" });
    ddb.on(GetItemCommand).rejects(error);

    // Act
    const attempt = store.get("c_1");

    // Assess
    await expect(attempt).rejects.toBe(error);
  });

  it("reads the case consistently and parses its doc with its version", async () => {
    // Prepare
    const item = sampleCase();
    ddb
      .on(GetItemCommand)
      .resolves({ Item: { pk: { S: "CASE#c_1" }, doc: { S: JSON.stringify(item) }, version: { N: "7" } } });

    // Act
    const found = await store.get("c_1");

    // Assess
    expect(found).toEqual({ case: item, version: 7 });
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: "CASE#c_1" }, sk: { S: "CASE" } },
      ConsistentRead: true,
    });
  });

  it("answers null when the case does not exist", async () => {
    // Prepare
    ddb.on(GetItemCommand).resolves({});

    // Act
    const found = await store.get("c_missing");

    // Assess
    expect(found).toBeNull();
  });

  it("throws TransientError when a read is throttled", async () => {
    // Prepare
    ddb.on(GetItemCommand).rejects(throttled());

    // Act
    const attempt = store.get("c_1");

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  /** Answers gsi1 queries from entries, page by page, as DynamoDB would (per key, sorted by gsi1sk). */
  function fakeQueue(entries: Array<{ item: Case; due: string }>): void {
    ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
      const pk = input.ExpressionAttributeValues?.[":pk"]?.S;
      const wanted = input.ExpressionAttributeValues?.[":priority"]?.S;
      const rows = entries
        .map(({ item, due }) => ({ item, sk: keys.byDue(due, item.caseId) }))
        .filter(({ item }) => keys.byStatus(item.status, item.caseId) === pk)
        .sort((a, b) => a.sk.localeCompare(b.sk));
      // The key condition's lower bound (`gsi1sk > :after`, a queue cursor), then the page's own start key.
      const from = input.ExpressionAttributeValues?.[":after"]?.S ?? "";
      const start = input.ExclusiveStartKey?.gsi1sk?.S ?? "";
      const after = [from, start].sort()[1] ?? "";
      const page = rows.filter((row) => row.sk > after).slice(0, input.Limit ?? rows.length);
      const last = page.at(-1);
      const more = last !== undefined && rows.some((row) => row.sk > last.sk);
      return {
        Items: page
          .filter(({ item }) => !wanted || item.priority === wanted)
          .map(({ item, sk }) => ({ doc: { S: JSON.stringify(item) }, version: { N: "1" }, gsi1sk: { S: sk } })),
        ...(more ? { LastEvaluatedKey: { gsi1sk: { S: last.sk } } } : {}),
      };
    });
  }

  it("spreads a status over its gsi1 shards by case id", () => {
    // Prepare
    const ids = Array.from({ length: 400 }, (_, i) => `c_01JD${String(i).padStart(22, "0")}`);

    // Act
    const used = new Set(ids.map((id) => keys.byStatus("open", id)));

    // Assess
    expect(used).toEqual(new Set(keys.byStatusShards("open")));
    expect(used.size).toBe(CASE_QUEUE_SHARDS);
  });

  it("queries every gsi1 shard of a status and filters on priority when one is asked for", async () => {
    // Prepare
    const item = sampleCase({ priority: "P1" });
    fakeQueue([{ item, due: "2026-11-25T09:00:00.000Z" }]);

    // Act
    const cases = await store.listByStatus("open", { priority: "P1" });

    // Assess
    expect(cases).toEqual([item]);
    const asked = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(asked.map((input) => input.ExpressionAttributeValues?.[":pk"]?.S).sort()).toEqual(
      keys.byStatusShards("open").sort(),
    );
    for (const input of asked) {
      expect(input).toMatchObject({
        TableName: TABLE,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        FilterExpression: "priority = :priority",
        ExpressionAttributeValues: { ":priority": { S: "P1" } },
      });
    }
  });

  it("merges the shards nearest due first, following each shard's pages only as far as the limit needs", async () => {
    // Prepare: 60 cases over the shards, due one minute apart, in a shuffled order.
    const entries = Array.from({ length: 60 }, (_, i) => ({
      item: sampleCase({ caseId: `c_${String((i * 37) % 60).padStart(3, "0")}`, status: "awaiting_verification" }),
      due: new Date(NOW + ((i * 37) % 60) * 60_000).toISOString(),
    }));
    fakeQueue(entries);

    // Act
    const cases = await store.listByStatus("awaiting_verification", { limit: 25 });

    // Assess
    expect(cases.map((item) => item.caseId)).toEqual(
      Array.from({ length: 25 }, (_, i) => `c_${String(i).padStart(3, "0")}`),
    );
    const asked = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(asked.every((input) => input.FilterExpression === undefined)).toBe(true);
    const read = asked.reduce((sum, input) => sum + (input.Limit ?? 0), 0);
    expect(read).toBeLessThan(entries.length + CASE_QUEUE_SHARDS * 4);
  });

  it("starts every shard strictly after a queue key, so the next page continues the merged order", async () => {
    // Prepare: the same 60 cases; the first page ended at c_024.
    const entries = Array.from({ length: 60 }, (_, i) => ({
      item: sampleCase({ caseId: `c_${String((i * 37) % 60).padStart(3, "0")}` }),
      due: new Date(NOW + ((i * 37) % 60) * 60_000).toISOString(),
    }));
    fakeQueue(entries);
    const after = keys.byDue(new Date(NOW + 24 * 60_000).toISOString(), "c_024");

    // Act
    const cases = await store.listByStatus("open", { limit: 25, after });

    // Assess
    expect(cases.map((item) => item.caseId)).toEqual(
      Array.from({ length: 25 }, (_, i) => `c_${String(i + 25).padStart(3, "0")}`),
    );
    for (const call of ddb.commandCalls(QueryCommand)) {
      expect(call.args[0].input).toMatchObject({
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk > :after",
        ExpressionAttributeValues: { ":after": { S: after } },
      });
    }
  });

  it("throws TransientError when the listing is throttled", async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const attempt = store.listByStatus("open");

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  it("lists pending starts from gsi2 opened before a time", async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [{ pk: { S: "CASE#c_1" } }, { pk: { S: "CASE#c_2" } }] });

    // Act
    const ids = await store.listUnsettled("2026-11-25T08:00:00.000Z");

    // Assess
    expect(ids).toEqual(["c_1", "c_2"]);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk AND gsi2sk < :before",
      ExpressionAttributeValues: {
        ":pk": { S: "SWEEP#UNSETTLED" },
        ":before": { S: "2026-11-25T08:00:00.000Z" },
      },
    });
  });

  it("writes audit events under deterministic keys and treats an existing one as written", async () => {
    // Prepare
    const first = sealEvent(
      { caseId: "c_1", seq: 1, at: "2026-11-25T08:00:00.000Z", type: "a", actor: "t", detail: {} },
      GENESIS_HASH,
    );
    const second = sealEvent(
      { caseId: "c_1", seq: 2, at: "2026-11-25T08:00:00.000Z", type: "b", actor: "t", detail: {} },
      first.hash,
    );
    ddb.on(PutItemCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

    // Act
    await store.appendAudit([first, second]);

    // Assess
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression: "attribute_not_exists(pk)",
      Item: { pk: { S: "CASE#c_1" }, sk: { S: "AUDIT#0000000001" }, doc: { S: JSON.stringify(first) } },
    });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ sk: { S: "AUDIT#0000000002" } }),
    });
  });

  it("throws TransientError when an audit write is throttled", async () => {
    // Prepare
    const event = sealEvent(
      { caseId: "c_1", seq: 1, at: "2026-11-25T08:00:00.000Z", type: "a", actor: "t", detail: {} },
      GENESIS_HASH,
    );
    ddb.on(PutItemCommand).rejects(throttled());

    // Act
    const attempt = store.appendAudit([event]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  it("lists a case's audit events by prefix, consistently, across pages", async () => {
    // Prepare
    const first = sealEvent(
      { caseId: "c_1", seq: 1, at: "2026-11-25T08:00:00.000Z", type: "a", actor: "t", detail: {} },
      GENESIS_HASH,
    );
    const second = sealEvent(
      { caseId: "c_1", seq: 2, at: "2026-11-25T08:00:00.000Z", type: "b", actor: "t", detail: {} },
      first.hash,
    );
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ doc: { S: JSON.stringify(first) } }], LastEvaluatedKey: { pk: { S: "x" } } })
      .resolvesOnce({ Items: [{ doc: { S: JSON.stringify(second) } }] });

    // Act
    const events = await store.listAudit("c_1");

    // Assess
    expect(events).toEqual([first, second]);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": { S: "CASE#c_1" }, ":prefix": { S: "AUDIT#" } },
      ConsistentRead: true,
    });
  });
});

describe("DynamoDbAccountIndex", () => {
  const accounts = new DynamoDbAccountIndex(client, TABLE);

  it("claims a free account with a conditional put", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});

    // Act
    const result = await accounts.claim("acct_1", "c_1");

    // Assess
    expect(result).toEqual({ claimed: true });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      Item: { pk: { S: "ACCOUNT#acct_1" }, sk: { S: "OPEN_CASE" }, caseId: { S: "c_1" } },
      ConditionExpression: "attribute_not_exists(pk)",
    });
  });

  it("answers the holding case when the account is taken", async () => {
    // Prepare
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({ Item: { caseId: { S: "c_0" } } });

    // Act
    const result = await accounts.claim("acct_1", "c_1");

    // Assess
    expect(result).toEqual({ claimed: false, caseId: "c_0" });
    expect(ddb).toHaveReceivedCommandWith(GetItemCommand, { ConsistentRead: true });
  });

  it("claims again when the holder released the account between the write and the read", async () => {
    // Prepare
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(GetItemCommand).resolves({});

    // Act
    const result = await accounts.claim("acct_1", "c_1");

    // Assess
    expect(result).toEqual({ claimed: true });
    expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 2);
  });

  it("throws TransientError when the claim is throttled", async () => {
    // Prepare
    ddb.on(PutItemCommand).rejects(throttled());

    // Act
    const attempt = accounts.claim("acct_1", "c_1");

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  it("replaces the holder only if it is still the expected case", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

    // Act
    const replaced = await accounts.replace("acct_1", "c_0", "c_1");
    const lost = await accounts.replace("acct_1", "c_0", "c_2");

    // Assess
    expect([replaced, lost]).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression: "caseId = :expected",
      ExpressionAttributeValues: { ":expected": { S: "c_0" } },
    });
  });

  it("releases the account only for its holder and ignores a lost condition", async () => {
    // Prepare
    ddb.on(DeleteItemCommand).rejects(conditionFailed());

    // Act
    const attempt = accounts.release("acct_1", "c_1");

    // Assess
    await expect(attempt).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandWith(DeleteItemCommand, {
      Key: { pk: { S: "ACCOUNT#acct_1" }, sk: { S: "OPEN_CASE" } },
      ConditionExpression: "caseId = :caseId",
      ExpressionAttributeValues: { ":caseId": { S: "c_1" } },
    });
  });
});

describe("DynamoDbIdempotencyStore", () => {
  const store = new DynamoDbIdempotencyStore(client, TABLE);
  const record: WebhookRecord = {
    webhookId: "msg_1",
    bodyHash: "abc",
    state: "claimed",
    claimedAt: NOW,
    caseId: "c_1",
  };
  const expiresAt = NOW + 7 * 24 * 3_600_000;

  it("claims an id unless a live record holds it, with a TTL in epoch seconds", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});

    // Act
    const result = await store.claim(record, expiresAt);

    // Assess
    expect(result).toEqual({ claimed: true });
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      Item: {
        pk: { S: "WEBHOOK#msg_1" },
        sk: { S: "WEBHOOK" },
        doc: { S: JSON.stringify(record) },
        claimedAt: { N: String(NOW) },
        expiresAt: { N: String(expiresAt / 1000) },
      },
      ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
      ExpressionAttributeValues: { ":now": { N: String(NOW / 1000) } },
    });
  });

  it("answers the existing record when the id is taken", async () => {
    // Prepare
    const existing = {
      ...record,
      state: "done",
      result: { caseId: "c_1", status: "open", priority: "P2", merged: false },
    };
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({ Item: { doc: { S: JSON.stringify(existing) } } });

    // Act
    const result = await store.claim({ ...record, caseId: "c_2" }, expiresAt);

    // Assess
    expect(result).toEqual({ claimed: false, existing });
  });

  it("takes over a stale claim only if it is still the one seen", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

    // Act
    const taken = await store.takeOver({ ...record, claimedAt: NOW + 31_000 }, NOW, expiresAt);
    const lost = await store.takeOver({ ...record, claimedAt: NOW + 32_000 }, NOW, expiresAt);

    // Assess
    expect([taken, lost]).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression: "claimedAt = :stale",
      ExpressionAttributeValues: { ":stale": { N: String(NOW) } },
    });
  });

  it("completes the record with its result", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    const result = { caseId: "c_1", status: "open", priority: "P2", merged: false };

    // Act
    await store.complete(record, result, expiresAt);

    // Assess
    const put = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.Item?.doc?.S ?? "{}")).toEqual({ ...record, state: "done", caseId: "c_1", result });
    expect(ddb).not.toHaveReceivedCommand(GetItemCommand);
  });

  it("throws TransientError when the claim is throttled", async () => {
    // Prepare
    ddb.on(PutItemCommand).rejects(throttled());

    // Act
    const attempt = store.claim(record, expiresAt);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });
});

describe("DynamoDbCaseIntake", () => {
  const intake = new DynamoDbCaseIntake(client, TABLE);
  const claim: WebhookRecord = { webhookId: "msg_1", bodyHash: "abc", state: "claimed", claimedAt: NOW, caseId: "c_1" };
  const expiresAt = NOW + 7 * 24 * 3_600_000;
  const cancelled = (reasons: Array<{ Code: string; Item?: Record<string, { S: string }> }>) =>
    new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {}, CancellationReasons: reasons });

  it("puts the case, the webhook claim and the account claim in one transaction, case first, each conditional", async () => {
    // Prepare
    ddb.on(TransactWriteItemsCommand).resolves({});

    // Act
    const outcome = await intake.open({ claim, expiresAt, item: sampleCase() });

    // Assess
    expect(outcome).toEqual({ opened: true });
    const actions = ddb.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(actions.map((action) => [action.Put?.Item?.pk?.S, action.Put?.ConditionExpression])).toEqual([
      ["CASE#c_1", "attribute_not_exists(pk)"],
      ["WEBHOOK#msg_1", "attribute_not_exists(pk) OR expiresAt < :now"],
      ["ACCOUNT#acct_1", "attribute_not_exists(pk)"],
    ]);
  });

  it("returns the record that holds the webhook id, from the cancellation, when the id is taken", async () => {
    // Prepare
    const held = { ...claim, caseId: "c_0", state: "done" as const };
    ddb
      .on(TransactWriteItemsCommand)
      .rejects(
        cancelled([
          { Code: "None" },
          { Code: "ConditionalCheckFailed", Item: { doc: { S: JSON.stringify(held) } } },
          { Code: "ConditionalCheckFailed", Item: { caseId: { S: "c_0" } } },
        ]),
      );

    // Act
    const outcome = await intake.open({ claim, expiresAt, item: sampleCase() });

    // Assess
    expect(outcome).toEqual({ opened: false, reason: "duplicate", existing: held });
  });

  it("names the case that holds the account when only the account claim fails", async () => {
    // Prepare
    ddb
      .on(TransactWriteItemsCommand)
      .rejects(
        cancelled([
          { Code: "None" },
          { Code: "None" },
          { Code: "ConditionalCheckFailed", Item: { caseId: { S: "c_0" } } },
        ]),
      );

    // Act
    const outcome = await intake.open({ claim, expiresAt, item: sampleCase() });

    // Assess
    expect(outcome).toEqual({ opened: false, reason: "account", caseId: "c_0" });
  });

  it("reports a race, not a failure, when another write conflicts with the transaction", async () => {
    // Prepare
    ddb
      .on(TransactWriteItemsCommand)
      .rejects(cancelled([{ Code: "None" }, { Code: "None" }, { Code: "TransactionConflict" }]));

    // Act
    const outcome = await intake.open({ claim, expiresAt, item: sampleCase() });

    // Assess
    expect(outcome).toEqual({ opened: false, reason: "contended" });
  });

  it("throws TransientError when DynamoDB throttles the transaction", async () => {
    // Prepare
    ddb.on(TransactWriteItemsCommand).rejects(throttled());

    // Act
    const attempt = intake.open({ claim, expiresAt, item: sampleCase() });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });
});

describe("DynamoDbVerificationLinks", () => {
  const links = new DynamoDbVerificationLinks(client, TABLE);
  const link: VerificationLink = {
    tokenHash: "f".repeat(64),
    caseId: "c_1",
    recipient: "ana@example.com",
    purpose: "verify_reporter",
    generation: 1,
    expiresAt: NOW + 30 * 60_000,
    usedAt: null,
  };

  it("stores the link under its hash with a TTL a day past its expiry", async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});

    // Act
    await links.put(link);

    // Assess
    expect(ddb).toHaveReceivedCommandWith(PutItemCommand, {
      Item: {
        pk: { S: `LINK#${link.tokenHash}` },
        sk: { S: "LINK" },
        doc: { S: JSON.stringify(link) },
        expiresAt: { N: String((NOW + 30 * 60_000) / 1000 + 86_400) },
      },
    });
  });

  it("reads usedAt from its own attribute", async () => {
    // Prepare
    ddb.on(GetItemCommand).resolves({ Item: { doc: { S: JSON.stringify(link) }, usedAt: { N: String(NOW) } } });

    // Act
    const found = await links.get(link.tokenHash);

    // Assess
    expect(found).toEqual({ ...link, usedAt: NOW });
  });

  it("answers null for an unknown token", async () => {
    // Prepare
    ddb.on(GetItemCommand).resolves({});

    // Act
    const found = await links.get("0".repeat(64));

    // Assess
    expect(found).toBeNull();
  });

  it("marks a link used once, conditionally, and answers false the second time", async () => {
    // Prepare
    ddb.on(UpdateItemCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

    // Act
    const first = await links.markUsed(link.tokenHash, NOW);
    const second = await links.markUsed(link.tokenHash, NOW + 1);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: { pk: { S: `LINK#${link.tokenHash}` }, sk: { S: "LINK" } },
      UpdateExpression: "SET usedAt = :at",
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(usedAt)",
      ExpressionAttributeValues: { ":at": { N: String(NOW) } },
    });
  });

  it("throws TransientError when marking is throttled", async () => {
    // Prepare
    ddb.on(UpdateItemCommand).rejects(throttled());

    // Act
    const attempt = links.markUsed(link.tokenHash, NOW);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });
});
