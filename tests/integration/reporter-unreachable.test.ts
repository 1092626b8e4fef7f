import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

const ONCALL = "oncall@vigil.local";

/**
 * Containment rules (v1.1) when no channel to the reporter is left. A runtime (and a file) of its own:
 * the faults below fail the next message on each channel, whoever it is for, so no other case may run.
 */
describe("a reporter no message can reach, on the local runtime", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("locks, escalates and pages the on-call at once when the email and the SMS are both refused", async () => {
    // Prepare: the acknowledgement is the first message on each channel; once refused, nothing else is
    // sent to the reporter (the on-call page still goes out).
    for (const [channel, error] of [
      ["email", "MessageRejected"],
      ["sms", "ValidationException"],
    ] as const) {
      await fetch(`${h.url}/_local/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ channel, count: 1, error }),
      });
    }
    const data = reportData({ incidentType: "unauthorized_access" });

    // Act
    const { body } = await h.report(data);
    const read = async () => (await h.operator(`/v1/cases/${body.caseId}`)).body;
    // The escalation runs in the functions' own execution environments: wait for the case to show it.
    let item = await read();
    for (
      let tries = 0;
      tries < 50 && !item.timeline.some((e: { type: string }) => e.type === "case.escalated");
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await h.settle();
      item = await read();
    }
    const pages = (await h.messages(ONCALL)).filter((m) => m.text.includes(body.caseId));

    // Assess
    expect(item.lock.state).toBe("applied");
    expect(item.channels).toEqual({ email: false, sms: false });
    expect(item.failures.map((f: { error: string }) => f.error)).toEqual(["rejected", "rejected"]);
    expect(item.timeline.map((e: { type: string }) => e.type)).toContain("case.escalated");
    expect(pages).not.toHaveLength(0);
    expect(item.sla.firstResponse.dueAt).toBeDefined();
  });
});
