import { beforeEach, describe, expect, it, vi } from "vitest";
import { createHandler as createAcknowledgeReport } from "../../functions/acknowledge-report.js";
import { createHandler as createDrainOutbound } from "../../functions/drain-outbound.js";
import { createHandler as createRequestVerification } from "../../functions/request-verification.js";
import { createHandler as createStartPending } from "../../functions/start-pending-workflows.js";
import { logger } from "../../src/adapters/lambda/handlers.js";
import { TransientError } from "../../src/errors/index.js";
import { fakeContext, httpEvent, scheduledEvent, taskEvent } from "../helpers/lambda.js";

const context = fakeContext({ functionName: "vigil-task" });

describe("workflow task handlers (createHandler)", () => {
  beforeEach(() => {
    vi.spyOn(logger, "warn").mockImplementation(() => undefined);
  });

  it("hands the use case the step input Step Functions sends, and returns its result", async () => {
    // Prepare
    const acknowledgeReport = vi.fn(async () => ({ plan: "ok" }) as never);
    const handler = createAcknowledgeReport({ acknowledgeReport });
    const { taskToken: _, ...event } = taskEvent();

    // Act
    const result = await handler(event, context);

    // Assess
    expect(acknowledgeReport).toHaveBeenCalledWith({ caseId: event.caseId, generation: 1 });
    expect(result).toEqual({ plan: "ok" });
  });

  it("hands a callback task its task token", async () => {
    // Prepare
    const requestVerification = vi.fn(async () => undefined as never);
    const handler = createRequestVerification({ requestVerification });
    const event = taskEvent();

    // Act
    await handler(event, context);

    // Assess
    expect(requestVerification).toHaveBeenCalledWith(expect.objectContaining({ taskToken: event.taskToken }));
  });

  it("rejects a malformed input with a ValidationError and never calls the use case", async () => {
    // Prepare
    const acknowledgeReport = vi.fn();
    const handler = createAcknowledgeReport({ acknowledgeReport });

    // Act
    const outcome = handler(taskEvent({ generation: 0 }), context);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "ValidationError" });
    expect(acknowledgeReport).not.toHaveBeenCalled();
  });

  it("lets an error's literal name reach Step Functions (no mapping)", async () => {
    // Prepare
    const handler = createAcknowledgeReport({
      acknowledgeReport: async () => {
        throw new TransientError("the table throttled");
      },
    });

    // Act
    const outcome = handler(taskEvent(), context);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "TransientError" });
  });

  it("runs the scheduled sweep whatever the schedule event carries", async () => {
    // Prepare
    const startPending = vi.fn(async () => ({ started: 2 }) as never);
    const handler = createStartPending({ startPending });

    // Act
    const result = await handler(scheduledEvent(), context);

    // Assess
    expect(startPending).toHaveBeenCalledWith({});
    expect(result).toEqual({ started: 2 });
  });

  it("runs the pacing drain for 50 s from the schedule's event, and never longer than that", async () => {
    // Prepare
    const drain = vi.fn(async () => ({ sent: 0 }) as never);
    const handler = createDrainOutbound(drain);

    // Act
    await handler(scheduledEvent(), context);
    const tooLong = handler({ runForMs: 120_000 }, context);

    // Assess
    expect(drain).toHaveBeenCalledWith(expect.objectContaining({ runForMs: 50_000 }));
    await expect(tooLong).rejects.toBeDefined();
    expect(drain).toHaveBeenCalledTimes(1);
  });
});

describe("a function's production handler", () => {
  it("fails its first invocation with a ConfigError naming the missing variable (no silent empty ARN)", async () => {
    // Prepare
    const { handler } = await import("../../functions/receive-report.js");

    // Act
    const outcome = handler(httpEvent({ route: "POST /v1/reports", body: {} }), context);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "ConfigError" });
    await expect(handler(httpEvent({ route: "POST /v1/reports", body: {} }), context)).rejects.toThrow(
      /VIGIL_TIMER_STATE_MACHINE_ARN.*VIGIL_CASE_STATE_MACHINE_ARN/,
    );
  });
});
