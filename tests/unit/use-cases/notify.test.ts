import { beforeEach, describe, expect, it } from "vitest";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeNotifyReporter } from "../../../src/use-cases/notify.js";
import { makeTestDeps, seedCase, type TestDeps } from "../../fixtures/deps.js";

describe("makeNotifyReporter", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps();
  });

  it("re-sends only the channel that failed when the step is retried", async () => {
    // Prepare
    const item = await seedCase(deps);
    const notify = makeNotifyReporter(deps, makeMutateCase(deps));
    deps.sms.failNext = 1;
    // Act
    await expect(notify(item.caseId, "acknowledgement")).rejects.toThrow("SMS down");
    const retried = await notify(item.caseId, "acknowledgement");
    const again = await notify(item.caseId, "acknowledgement");
    // Assess
    expect(retried).toBe(true);
    expect(again).toBe(false);
    expect(deps.email.sent).toHaveLength(1);
    expect(deps.sms.sent).toHaveLength(1);
    const events = (await deps.cases.listAudit(item.caseId)).map((event) => event.type);
    expect(events).toContain("message.failed");
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
