import { beforeEach, describe, expect, it } from "vitest";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeNotifyReporter } from "../../../src/use-cases/notify.js";
import { makeTestDeps, seedCase, type TestDeps } from "../../fixtures/deps.js";

describe("makeNotifyReporter", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps();
  });

  it("queues only the channel that failed, and a retried step sends nothing more", async () => {
    // Prepare
    const item = await seedCase(deps);
    const notify = makeNotifyReporter(deps, makeMutateCase(deps));
    deps.sms.failNext = 1;
    // Act
    const first = await notify(item.caseId, "acknowledgement");
    const again = await notify(item.caseId, "acknowledgement");
    // Assess
    expect(first).toBe(true);
    expect(again).toBe(false);
    expect(deps.email.sent).toHaveLength(1);
    expect(deps.sms.sent).toHaveLength(0);
    expect([...deps.outbound.items.values()].map((message) => message.key)).toEqual(["acknowledgement#1#sms"]);
    const events = (await deps.cases.listAudit(item.caseId)).map((event) => event.type);
    expect(events).toContain("message.queued");
  });

  it("gives the key back and fails the step when the queue cannot take a failed message", async () => {
    // Prepare
    const item = await seedCase(deps);
    const notify = makeNotifyReporter(deps, makeMutateCase(deps));
    deps.sms.failNext = 1;
    deps.outbound.enqueue = async () => {
      throw new Error("table unavailable");
    };
    // Act
    const sent = notify(item.caseId, "acknowledgement");
    // Assess
    await expect(sent).rejects.toThrow("table unavailable");
    const stored = await deps.cases.get(item.caseId);
    expect(stored?.case.sent).toEqual(["acknowledgement#1#email"]);
  });

  it("keeps no reopen link in the queue: it is minted when the closure goes out", async () => {
    // Prepare
    const item = await seedCase(deps, { reporter: { email: "ana@example.com", locale: "en" } });
    const notify = makeNotifyReporter(deps, makeMutateCase(deps));
    deps.email.failNext = 1;
    // Act
    await notify(item.caseId, "resolved", { vars: { reopenUrl: "https://vigil.test/v1/verify/secret-token" } });
    // Assess
    const [queued] = [...deps.outbound.items.values()];
    expect(queued).toMatchObject({ kind: "resolved", mint: "reopen_link" });
    expect(JSON.stringify(queued)).not.toContain("secret-token");
  });

  it("sends nothing by SMS when the case does not trust it", async () => {
    // Prepare
    const item = await seedCase(deps, { incidentType: "sim_swap" });
    const notify = makeNotifyReporter(deps, makeMutateCase(deps));
    // Act
    await notify(item.caseId, "status_changed", { vars: { status: "acknowledged" } });
    // Assess
    expect(deps.email.sent).toHaveLength(1);
    expect(deps.sms.sent).toHaveLength(0);
  });
});
