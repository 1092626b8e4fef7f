import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_NAME } from "../../local/runtime.js";
import { type Harness, reportData, startHarness } from "../integration/harness.js";

/** A 12-word BIP-39 phrase (a published test vector: never a real wallet). */
const PHRASE = "legal winner thank year wave sausage worth useful legal winner thank yellow";
/** Three words of it in a row: no stored or sent text may hold any of its runs. */
const FRAGMENT = /sausage worth useful/i;

/** Every file under the data dir except DynamoDB's own (checked item by item through the API). */
function dataFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "dynamodb") return [];
    return statSync(path).isDirectory() ? dataFiles(path) : [path];
  });
}

describe("seed phrases in a report's description", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("are removed before anything is written, and the reporter is told to move the funds", async () => {
    // Prepare
    const data = reportData({
      incidentType: "phishing",
      reporter: { email: "seed@example.com", locale: "en" },
      description: `A site asked for my words, I typed:\n${PHRASE.toUpperCase().split(" ").join(", ")}\nmy funds are gone`,
    });

    // Act
    const { status, body } = await h.report(data);

    // Assess: the case keeps the rest of the description and records the redaction.
    expect(status).toBe(202);
    const view = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    expect(view.description).toBe("A site asked for my words, I typed:\n[seed phrase removed]\nmy funds are gone");
    expect(view.seedPhraseRedacted).toBe(true);
    const audit = (await h.operator(`/v1/cases/${body.caseId}/audit`)).body;
    expect(JSON.stringify(audit)).not.toMatch(FRAGMENT);
    const [ack] = (await h.messages("seed@example.com")).filter((m) => /received your report/.test(m.subject ?? ""));
    expect(ack?.text).toContain("treat it as burnt");
    // Nothing stored anywhere holds the phrase: every table item, every file of the runtime.
    const dynamo = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: TABLE_NAME }));
    dynamo.destroy();
    expect(Items.length).toBeGreaterThan(0);
    expect(JSON.stringify(Items)).not.toMatch(FRAGMENT);
    for (const file of dataFiles(h.dataDir)) expect(readFileSync(file, "utf8"), file).not.toMatch(FRAGMENT);
  });

  it("are removed from a report that joins an open case, which then records the redaction", async () => {
    // Prepare
    const first = reportData({ incidentType: "phishing", reporter: { email: "seed2@example.com", locale: "es" } });
    const opened = (await h.report(first)).body;

    // Act
    const joined = await h.report({ ...first, description: `palabras: ${PHRASE}` });

    // Assess
    expect(joined.body).toMatchObject({ caseId: opened.caseId, merged: true });
    const view = (await h.operator(`/v1/cases/${opened.caseId}`)).body;
    expect(view.seedPhraseRedacted).toBe(true);
    const audit = (await h.operator(`/v1/cases/${opened.caseId}/audit`)).body;
    expect(audit.events.map((e: { type: string }) => e.type)).toContain("report.merged");
    expect(JSON.stringify(audit)).not.toMatch(FRAGMENT);
  });

  it("leave a description of ordinary words alone", async () => {
    // Act
    const { body } = await h.report(reportData({ description: "legal winner thank year wave sausage" }));

    // Assess
    const view = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    expect(view.description).toBe("legal winner thank year wave sausage");
    expect(view.seedPhraseRedacted).toBe(false);
  });
});
