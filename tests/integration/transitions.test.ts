import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

const LINK = /\/v1\/verify\/([A-Za-z0-9_-]{40,})/;

const CASES = [
  ["unauthorized_access", { fundsAtRisk: false }, "P2"],
  ["unauthorized_access", { drainObserved: true }, "P1"],
  ["key_compromise", {}, "P1"],
  ["sim_swap", {}, "P1"],
  ["malware", {}, "P2"],
  ["malware", { drainObserved: true }, "P1"],
  ["phishing", {}, "P3"],
  ["other", {}, "P4"],
] as const;

/**
 * State transitions per case on the happy path (report → verified → acknowledged → resolved), counted
 * from every execution the case started: the case workflow, its SLA timer and its lock deliveries.
 * Standard workflows bill per transition; the README quotes these figures.
 */
describe("state transitions per case", () => {
  let h: Harness;
  const rows: string[] = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    process.stdout.write(`\ntransitions per case (happy path):\n${rows.join("\n")}\n`);
    await h.stop();
  });

  it.each(CASES)(
    "keeps a %s case with signals %j (%s) within 25 transitions end to end",
    async (incidentType, signals, priority) => {
      // Prepare
      const data = reportData({ incidentType, signals });
      const email = (data.reporter as { email: string }).email;
      const { body } = await h.report(data);
      const caseId = body.caseId as string;
      // Act
      const token = (await h.messages(email)).map((m) => LINK.exec(m.text)?.[1]).find(Boolean) as string;
      const code = (await h.messages("+14155550100")).map((m) => /\b(\d{6,8})\b/.exec(m.text)?.[1]).find(Boolean);
      await fetch(`${h.url}/v1/verify/${token}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ decision: "confirm", ...(incidentType === "sim_swap" ? {} : { code }) }),
      });
      await h.settle();
      if (incidentType === "sim_swap")
        await h.operator(`/v1/cases/${caseId}/actions`, { body: { action: "verify_identity", agent: "ana" } });
      await h.operator(`/v1/cases/${caseId}/actions`, { body: { action: "acknowledge", agent: "ana" } });
      await h.operator(`/v1/cases/${caseId}/actions`, { body: { action: "resolve", agent: "ana" } });
      await h.settle();
      // Assess
      const perExecution = Object.entries(h.runtime.sfn.stats().transitions).filter(([arn]) => arn.includes(caseId));
      const total = perExecution.reduce((sum, [, count]) => sum + count, 0);
      const caseWorkflow = perExecution.find(([arn]) => arn.endsWith(`:vigil-case:${caseId}`))?.[1];
      rows.push(
        `  ${incidentType.padEnd(20)} ${JSON.stringify(signals).padEnd(24)} ${priority}  case ${caseWorkflow}  all ${total}  (${perExecution.length} executions)`,
      );
      expect(body.priority).toBe(priority);
      expect((await h.operator(`/v1/cases/${caseId}`)).body.status).toBe("resolved");
      expect(total).toBeLessThanOrEqual(25);
    },
  );
});
