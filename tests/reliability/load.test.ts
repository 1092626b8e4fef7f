import { randomUUID } from "node:crypto";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IN_PROCESS_FUNCTIONS, TaskGate } from "../../bench/lib/hold.js";
import { jsonOf, LoadClient, pool, reportData, type SignedReport, signReport } from "../../bench/lib/load-client.js";
import { type Harness, startHarness } from "../integration/harness.js";
import { eventually, existingCases, TABLE, tableClient } from "./support.js";

const REPORTS = 5_000;
const CONCURRENCY = 64;
const RESENT = 250;

/**
 * A burst of 5,000 distinct reports at concurrency 64, with 250 of them resent (same webhook-id and
 * body, as a sender retries) in the middle of the burst and again after it.
 *
 * The case workflows' first task is held during the burst (bench/lib/hold.ts): in the local runtime
 * every workflow step runs in this one process (on AWS, in other Lambda instances), and running
 * 5,000 whole workflows here would take several minutes of CPU. Every execution is still started
 * — that is part of intake — and a sample of them is released afterwards to show they go on.
 */
describe("POST /v1/reports under a burst of 5,000 reports", () => {
  let h: Harness;
  let gate: TaskGate;
  beforeAll(async () => {
    h = await startHarness({ env: { ...IN_PROCESS_FUNCTIONS } });
    gate = await TaskGate.install(h.runtime);
  });
  afterAll(async () => {
    await h.stop();
  });

  it("answers 202 to every report, with one case and one started workflow each, and collapses resent webhook-ids", async () => {
    // Prepare
    const secret = h.runtime.config.webhookSecrets[0] as string;
    const reports = Array.from({ length: REPORTS }, () => {
      const at = h.runtime.clock.now();
      return {
        id: `msg_${randomUUID()}`,
        body: JSON.stringify({ type: "incident.reported", timestamp: new Date(at).toISOString(), data: reportData() }),
      };
    });
    const resent = reports.slice(0, RESENT);
    // The resends go out in the second half of the burst, after their originals were answered.
    const burst = [...reports];
    resent.forEach((report, i) => {
      burst.splice(REPORTS / 2 + i * 8, 0, report);
    });
    // A retry is the same id and body with a fresh timestamp and signature (Standard Webhooks).
    const sign = (report: { id: string; body: string }): SignedReport =>
      signReport(secret, { id: report.id, body: report.body, at: h.runtime.clock.now() });
    const client = new LoadClient(h.url, { sources: 32 });
    gate.close();

    // Act
    const started = Date.now();
    const answers = await pool(burst, CONCURRENCY, (report) =>
      client.send(sign(report)).then((exchange) => ({ id: report.id, exchange })),
    );
    const burstSeconds = (Date.now() - started) / 1000;
    const heldAfterBurst = gate.held();
    const replays = await pool(resent, 16, (report) =>
      client.send(sign(report)).then((exchange) => ({ id: report.id, exchange })),
    );
    client.close();

    // Assess
    const statuses = new Map<number, number>();
    for (const { exchange } of [...answers, ...replays])
      statuses.set(exchange.status, (statuses.get(exchange.status) ?? 0) + 1);
    const caseOf = new Map<string, string>();
    const firstAnswers = new Set<string>();
    const duplicatesInBurst: Array<{ id: string; status: number; caseId?: string; duplicate?: boolean }> = [];
    for (const { id, exchange } of answers) {
      const body = jsonOf<{ caseId?: string; duplicate?: boolean }>(exchange) ?? {};
      if (!firstAnswers.has(id)) {
        firstAnswers.add(id);
        expect(exchange.status, exchange.body).toBe(202);
        expect(body.duplicate).toBe(false);
        caseOf.set(id, body.caseId as string);
      } else {
        duplicatesInBurst.push({ id, status: exchange.status, caseId: body.caseId, duplicate: body.duplicate });
      }
    }
    const caseIds = [...caseOf.values()];
    const db = tableClient();
    const found = await existingCases(db, caseIds);
    const caseItems = await countCaseItems(db);
    const executions = new Set(
      Object.keys(h.runtime.sfn.stats().transitions)
        .filter((arn) => arn.includes(":execution:vigil-case:"))
        .map((arn) => arn.split(":").pop()),
    );
    const withExecution = caseIds.filter((caseId) => executions.has(caseId));
    // Released: a sample of held workflows goes on to wait for the reporter's verification.
    const sample = caseIds.filter((_, i) => i % 250 === 0);
    gate.release(sample);
    const sampleStatuses = await Promise.all(sample.map((caseId) => statusOnceSettled(h, caseId)));
    await gate.quiesce();
    db.destroy();

    process.stdout.write(
      `\nload: ${REPORTS} reports + ${RESENT} resent during and ${RESENT} after the burst at concurrency ${CONCURRENCY}, ` +
        `burst ${burstSeconds.toFixed(1)} s (${((REPORTS + RESENT) / burstSeconds).toFixed(0)} req/s); statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `${new Set(caseIds).size} distinct cases, ${found.size} case items found, ${caseItems} case items in the table, ${withExecution.length} with a started workflow\n`,
    );
    // The gate held the workflows (were it bypassed, 5,000 whole workflows would run here).
    expect(heldAfterBurst).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(new Set(caseIds).size).toBe(REPORTS);
    expect(found.size).toBe(REPORTS);
    expect(caseItems).toBe(REPORTS);
    expect(withExecution.length).toBe(REPORTS);
    for (const duplicate of duplicatesInBurst) {
      // In the burst, a resend is answered as a duplicate of its case (or 429 if its original were still in flight).
      expect([202, 429]).toContain(duplicate.status);
      if (duplicate.status === 202)
        expect(duplicate).toMatchObject({ caseId: caseOf.get(duplicate.id), duplicate: true });
    }
    for (const { id, exchange } of replays) {
      expect(exchange.status).toBe(202);
      expect(jsonOf(exchange)).toMatchObject({ caseId: caseOf.get(id), duplicate: true });
    }
    expect(sampleStatuses.every((status) => status === "awaiting_verification")).toBe(true);
  });
});

async function countCaseItems(db: ReturnType<typeof tableClient>): Promise<number> {
  let count = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: TABLE,
        Select: "COUNT",
        FilterExpression: "sk = :case AND begins_with(pk, :prefix)",
        ExpressionAttributeValues: { ":case": { S: "CASE" }, ":prefix": { S: "CASE#" } },
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return count;
}

/** The case's status once its released workflow parked on the reporter (the harness's helpers would wait for the held ones too). */
async function statusOnceSettled(h: Harness, caseId: string): Promise<string> {
  return eventually(async () => {
    const response = await fetch(`${h.url}/v1/cases/${caseId}`, {
      headers: { authorization: `Bearer ${h.runtime.config.operatorToken}` },
    });
    const status = ((await response.json()) as { status?: string }).status;
    return status === "awaiting_verification" ? status : undefined;
  }, `case ${caseId} to await verification`);
}
