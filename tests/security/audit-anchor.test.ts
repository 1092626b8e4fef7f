import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_NAME } from "../../local/runtime.js";
import { type AuditEvent, sealEvent } from "../../src/domain/audit-chain.js";
import { type Harness, reportData, startHarness } from "../integration/harness.js";

/**
 * An insider with write access to the table, as the issue describes them: they edit, delete and
 * re-hash items directly, keeping every chain and head consistent so `chainValid` stays true.
 */
class Insider {
  private readonly db = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });

  async items(caseId: string): Promise<Record<string, AttributeValue>[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: `CASE#${caseId}` } },
      }),
    );
    return Items;
  }

  async events(caseId: string): Promise<AuditEvent[]> {
    return (await this.items(caseId))
      .filter((item) => item.sk?.S?.startsWith("AUDIT#"))
      .map((item) => JSON.parse(item.doc?.S ?? "null") as AuditEvent);
  }

  async putEvent(event: AuditEvent): Promise<void> {
    const sk = `AUDIT#${String(event.seq).padStart(10, "0")}`;
    await this.db.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: { pk: { S: `CASE#${event.caseId}` }, sk: { S: sk }, doc: { S: JSON.stringify(event) } },
      }),
    );
  }

  async deleteItem(pk: string, sk: string): Promise<void> {
    await this.db.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: pk }, sk: { S: sk } } }));
  }

  /** Points the case item's head at `last`, with an empty outbox, as if the chain had always ended there. */
  async setHead(caseId: string, last: AuditEvent): Promise<void> {
    const { Item } = await this.db.send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: `CASE#${caseId}` }, sk: { S: "CASE" } } }),
    );
    if (!Item) throw new Error("no case item");
    const doc = JSON.parse(Item.doc?.S ?? "{}");
    doc.audit = { seq: last.seq, head: last.hash };
    doc.pendingEvents = [];
    await this.db.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          ...Item,
          doc: { S: JSON.stringify(doc) },
          auditSeq: { N: String(last.seq) },
          auditHead: { S: last.hash },
        },
      }),
    );
  }

  close() {
    this.db.destroy();
  }
}

describe("tamper evidence beyond the table", () => {
  let h: Harness;
  let insider: Insider;
  const open = async () => {
    const { body } = await h.report(reportData({ incidentType: "other" }));
    // Reading the audit writes the case's outbox out, so every event is an item of its own.
    const audit = (await h.operator(`/v1/cases/${body.caseId}/audit`)).body;
    expect(audit.events.length).toBeGreaterThanOrEqual(2);
    return body.caseId as string;
  };
  const verify = async () => (await h.operator("/v1/audit/verify")).body;
  const findingsOf = (report: { cases: Array<{ caseId: string; findings: Array<{ kind: string }> }> }, id: string) =>
    report.cases.find((c) => c.caseId === id)?.findings.map((f) => f.kind) ?? [];

  beforeAll(async () => {
    h = await startHarness();
    insider = new Insider();
  });
  afterAll(async () => {
    insider.close();
    await h.stop();
  });

  it("detects an edit with recomputed hashes, a deleted last event and a deleted case, and nothing else", async () => {
    // Prepare: four cases, anchored by the 5-minute schedule.
    const [edited, truncated, deleted, untouched] = [await open(), await open(), await open(), await open()];
    await h.advance(301);
    const before = await verify();
    expect(before.valid).toBe(true);
    expect(before.anchors.count).toBeGreaterThanOrEqual(1);
    expect(before.summary.tampered).toBe(0);

    // Act 1: rewrite event 1 of a case and re-hash the whole chain and the head.
    const original = (await insider.events(edited)).sort((a, b) => a.seq - b.seq);
    let prev: string | undefined;
    const rewritten = original.map((event) => {
      const detail = event.seq === 1 ? { ...event.detail, incidentType: "other", forged: true } : event.detail;
      const sealed = sealEvent({ ...event, detail }, prev ?? "0".repeat(64));
      prev = sealed.hash;
      return sealed;
    });
    for (const event of rewritten) await insider.putEvent(event);
    await insider.setHead(edited, rewritten.at(-1) as AuditEvent);

    // Act 2: delete the last event of another case and move its head back, so its chain ends cleanly.
    const events = (await insider.events(truncated)).sort((a, b) => a.seq - b.seq);
    const last = events.at(-1) as AuditEvent;
    await insider.deleteItem(`CASE#${truncated}`, `AUDIT#${String(last.seq).padStart(10, "0")}`);
    await insider.setHead(truncated, events.at(-2) as AuditEvent);

    // Act 3: delete a whole case, every item of it.
    for (const item of await insider.items(deleted)) await insider.deleteItem(item.pk?.S ?? "", item.sk?.S ?? "");

    // Assess: the table's own check is fooled by the first two…
    expect((await h.operator(`/v1/cases/${edited}/audit`)).body.chainValid).toBe(true);
    expect((await h.operator(`/v1/cases/${truncated}/audit`)).body.chainValid).toBe(true);
    expect((await h.operator(`/v1/cases/${deleted}`)).status).toBe(404);
    // …and the verifier finds all three against the anchors, and nothing wrong with the fourth.
    const after = await verify();
    expect(after.valid).toBe(false);
    expect(after.anchors.valid).toBe(true);
    expect(findingsOf(after, edited)).toContain("event_edited");
    expect(findingsOf(after, truncated)).toContain("truncated");
    expect(findingsOf(after, deleted)).toContain("case_deleted");
    expect(after.cases.map((c: { caseId: string }) => c.caseId)).not.toContain(untouched);
    expect(after.summary.tampered).toBe(3);
  });

  it("anchors a case at once when it closes, without waiting for the schedule", async () => {
    // Prepare
    const caseId = await open();
    const anchorsBefore = readdirSync(join(h.dataDir, "audit", "anchors")).length;

    // Act
    const closed = await h.operator(`/v1/cases/${caseId}/actions`, { body: { action: "close", note: "dup" } });

    // Assess
    expect(closed.status).toBe(200);
    expect(readdirSync(join(h.dataDir, "audit", "anchors")).length).toBeGreaterThan(anchorsBefore);
    const report = (await h.operator("/v1/audit/verify?all=true")).body;
    const entry = report.cases.find((c: { caseId: string }) => c.caseId === caseId);
    expect(entry).toMatchObject({ status: "ok", unanchoredEvents: 0 });
    expect(entry.anchoredSeq).toBe(entry.headSeq);
  });

  it("exports the public key that verifies the anchors", async () => {
    // Act
    const response = await fetch(`${h.url}/v1/audit/public-key`, {
      headers: { authorization: `Bearer ${h.runtime.config.operatorToken}` },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-pem-file");
    expect(await response.text()).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
  });

  it("refuses the verifier without an operator token", async () => {
    // Act
    const response = await h.operator("/v1/audit/verify", { token: null });

    // Assess
    expect(response.status).toBe(401);
  });
});
