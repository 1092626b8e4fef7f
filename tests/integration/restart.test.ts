import { afterAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

describe("the local runtime across a restart", () => {
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.stop();
  });

  it("keeps the data and the virtual clock and resumes a case waiting on its reporter", async () => {
    // Prepare
    const first = await startHarness();
    const { body } = await first.report(reportData({ incidentType: "phishing", signals: {} }));
    await first.advance(600);
    const clockBefore = first.runtime.clock.offsetSeconds();
    await first.stop({ keepData: true });
    // Act
    h = await startHarness({ dataDir: first.dataDir, ports: first.runtime.ports });
    const view = await h.operator(`/v1/cases/${body.caseId}`);
    const resolved = await h.operator(`/v1/cases/${body.caseId}/actions`, {
      body: { action: "resolve", agent: "ana" },
    });
    // Assess
    expect(h.runtime.clock.offsetSeconds()).toBeGreaterThanOrEqual(clockBefore);
    expect(view.status).toBe(200);
    expect(view.body.status).toBe("awaiting_verification");
    expect(resolved.status).toBe(200);
    await h.settle();
    const after = (await h.operator(`/v1/cases/${body.caseId}`)).body;
    expect(after.timeline.map((event: { type: string }) => event.type)).toContain("case.resolved");
  });
});
