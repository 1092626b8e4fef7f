import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../../bench/lib/lifecycle.js";
import { jsonOf, LoadClient, pool, reportData, signReport } from "../../bench/lib/load-client.js";
import { DEV_DEFAULTS } from "../../local/runtime.js";
import {
  type ChildRuntime,
  eventually,
  freePort,
  httpApi,
  SMS_CODE,
  startChildRuntime,
  VERIFY_LINK,
} from "./support.js";

interface CaseView {
  status: string;
  timeline: Array<{ type: string }>;
}

/**
 * `npm start` killed with SIGKILL while the workflows of a dozen new cases are in flight, then
 * started again on the same data directory: every case must come back and go all the way to
 * resolved (report → verification → agent), with nothing lost and nothing doubled.
 */
describe("the local runtime killed mid-case", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vigil-restart-"));
  let runtime: ChildRuntime | undefined;
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("resumes every case after a SIGKILL and a restart on the same data, and each one resolves", async () => {
    // Prepare
    const port = await freePort();
    const env = { VIGIL_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: "ERROR" };
    runtime = await startChildRuntime({ port, env });
    const api = httpApi(runtime.url, DEV_DEFAULTS.operatorToken);
    const scenarios = [...SCENARIOS, ...SCENARIOS.slice(0, 4)];
    const at = await api.clockNow();
    const reports = scenarios.map((scenario) => ({
      scenario,
      data: reportData({ incidentType: scenario.incidentType, signals: scenario.signals }) as {
        reporter: { email: string; phone: string };
      },
    }));
    const client = new LoadClient(runtime.url, { sources: 4 });
    const answers = await pool(reports, reports.length, (report) =>
      client.send(signReport(DEV_DEFAULTS.webhookSecret, { data: report.data, at })),
    );
    client.close();

    // Act: no clean shutdown while the workflows run; then start again on the same data and port.
    const health = (await (await fetch(`${runtime.url}/_local/health`)).json()) as {
      executions?: { pendingTokens?: number };
    };
    await runtime.kill();
    process.stdout.write(
      `\nrestart: killed with ${health.executions?.pendingTokens ?? "?"} of ${reports.length} cases parked on their reporter, the rest mid-workflow\n`,
    );
    runtime = await startChildRuntime({ port, env });
    // Cases whose workflow start was lost are started by the sweeper (every 5 virtual minutes).
    await api.advance(301);
    const caseIds = answers.map((answer) => jsonOf<{ caseId: string }>(answer)?.caseId as string);
    const waiting = await Promise.all(
      caseIds.map((caseId) =>
        eventually(async () => {
          const item = (await api.operator(`/v1/cases/${caseId}`)).body as CaseView;
          return item.status === "awaiting_verification" ? item : undefined;
        }, `case ${caseId} to await verification after the restart`),
      ),
    );
    for (const [i, { scenario, data }] of reports.entries()) {
      const caseId = caseIds[i] as string;
      const token = (await api.messages(data.reporter.email)).map((m) => VERIFY_LINK.exec(m.text)?.[1]).find(Boolean);
      const code = (await api.messages(data.reporter.phone)).map((m) => SMS_CODE.exec(m.text)?.[1]).find(Boolean);
      const usesSms = scenario.incidentType !== "sim_swap";
      await api.post(
        `/v1/verify/${token}`,
        { decision: "confirm", ...(usesSms ? { code } : {}) },
        { accept: "application/json" },
      );
      if (!usesSms) await api.operator(`/v1/cases/${caseId}/actions`, { action: "verify_identity", agent: "ana" });
      await api.operator(`/v1/cases/${caseId}/actions`, { action: "acknowledge", agent: "ana" });
      await api.operator(`/v1/cases/${caseId}/actions`, { action: "resolve", agent: "ana" });
    }
    const final = await Promise.all(
      caseIds.map((caseId) =>
        eventually(async () => {
          const item = (await api.operator(`/v1/cases/${caseId}`)).body as CaseView;
          return item.status === "resolved" && item.timeline.some((e) => e.type === "case.resolved") ? item : undefined;
        }, `case ${caseId} to resolve`),
      ),
    );

    // Assess
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    expect(new Set(caseIds).size).toBe(scenarios.length);
    expect(waiting).toHaveLength(scenarios.length);
    for (const item of final) {
      const types = item.timeline.map((event) => event.type);
      expect(types.filter((type) => type === "case.opened")).toHaveLength(1);
      expect(types).toContain("verification.completed");
      expect(types).toContain("case.resolved");
    }
  });
});
