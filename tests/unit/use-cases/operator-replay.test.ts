import { beforeEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../../src/errors/index.js";
import { makeActOnCase } from "../../../src/use-cases/act-on-case.js";
import { makeFireDelivery } from "../../../src/use-cases/deliveries.js";
import { makeRequestLock } from "../../../src/use-cases/lock-requests.js";
import { makeTestDeps, seedCase, type TestDeps } from "../../fixtures/deps.js";

describe("makeActOnCase replay_delivery", () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = makeTestDeps();
  });

  async function exhaustedLock() {
    const item = await seedCase(deps, { incidentType: "key_compromise" });
    await makeRequestLock(deps)({ caseId: item.caseId, actor: "vigil", reason: "containment at intake" });
    const [delivery] = [...deps.deliveries.deliveries.values()];
    if (!delivery) throw new Error("no delivery");
    deps.transport.script.push({ status: 410 });
    const timer = deps.workflow.started.find(
      (start) => start.kind === "timer" && start.name.includes(delivery.deliveryId),
    );
    await makeFireDelivery(deps)(timer?.input as never);
    return { item, deliveryId: delivery.deliveryId };
  }

  it("sends a failed lock delivery again under the same webhook-id when an agent replays it", async () => {
    // Prepare
    const { item, deliveryId } = await exhaustedLock();
    expect((await deps.deliveries.get(deliveryId))?.status).toBe("disabled");
    const act = makeActOnCase(deps, { completeVerificationIfSatisfied: async () => false });
    // Act
    const view = await act({
      caseId: item.caseId,
      action: "replay_delivery",
      deliveryId,
      operator: { agent: "ana", groups: ["agents"] },
    });
    // Assess
    expect((await deps.deliveries.get(deliveryId))?.status).toBe("pending");
    expect(view.timeline.map((entry) => entry.type)).toContain("delivery.replayed");
  });

  it("answers not found when the delivery belongs to another case", async () => {
    // Prepare
    const { deliveryId } = await exhaustedLock();
    const other = await seedCase(deps);
    const act = makeActOnCase(deps, { completeVerificationIfSatisfied: async () => false });
    // Act
    const attempt = act({
      caseId: other.caseId,
      action: "replay_delivery",
      deliveryId,
      operator: { agent: "ana", groups: ["agents"] },
    });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
  });
});
