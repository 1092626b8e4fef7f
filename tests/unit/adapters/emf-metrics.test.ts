import { describe, expect, it } from "vitest";
import { EmfMetrics } from "../../../src/adapters/system/emf-metrics.js";

describe("EmfMetrics", () => {
  it("writes one EMF line in the Vigil namespace when enabled", () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfMetrics((line) => lines.push(line), true);

    // Act
    metrics.count("SmsSent", 2);

    // Assess
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? "{}");
    expect(record).toMatchObject({
      SmsSent: 2,
      _aws: {
        CloudWatchMetrics: [{ Namespace: "Vigil", Dimensions: [[]], Metrics: [{ Name: "SmsSent", Unit: "Count" }] }],
      },
    });
    expect(typeof record._aws.Timestamp).toBe("number");
  });

  it("emits a dimensioned point as well as the dimensionless one the alarms match", () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfMetrics(
      (line) => lines.push(line),
      true,
      () => 1_700_000_000_000,
    );

    // Act
    metrics.count("SlaBreached", 1, { Priority: "P1" });
    metrics.duration("TimeToLock", 1250, { Priority: "P2" });

    // Assess
    expect(JSON.parse(lines[0] ?? "{}")).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          { Namespace: "Vigil", Dimensions: [[], ["Priority"]], Metrics: [{ Name: "SlaBreached", Unit: "Count" }] },
        ],
      },
      Priority: "P1",
      SlaBreached: 1,
    });
    expect(JSON.parse(lines[1] ?? "{}")).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: "TimeToLock", Unit: "Milliseconds" }] }] },
      TimeToLock: 1250,
    });
  });

  it("drops a dimension the metric does not declare", () => {
    // Prepare
    const lines: string[] = [];

    // Act
    new EmfMetrics((line) => lines.push(line), true).count("EmailSent", 1, { Priority: "P1" });

    // Assess
    const record = JSON.parse(lines[0] ?? "{}");
    expect(record._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
    expect(record.Priority).toBeUndefined();
  });

  it("counts one by default", () => {
    // Prepare
    const lines: string[] = [];

    // Act
    new EmfMetrics((line) => lines.push(line), true).count("WorkflowStartDeferred");

    // Assess
    expect(JSON.parse(lines[0] ?? "{}").WorkflowStartDeferred).toBe(1);
  });

  it("writes nothing outside Lambda", () => {
    // Prepare
    const previous = process.env.AWS_LAMBDA_FUNCTION_NAME;
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    const lines: string[] = [];
    const metrics = new EmfMetrics((line) => lines.push(line));
    if (previous !== undefined) process.env.AWS_LAMBDA_FUNCTION_NAME = previous;

    // Act
    metrics.count("EmailSent");

    // Assess
    expect(lines).toEqual([]);
  });

  it("is enabled by default inside Lambda", () => {
    // Prepare
    const previous = process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.AWS_LAMBDA_FUNCTION_NAME = "vigil-receive-report";
    const lines: string[] = [];
    const metrics = new EmfMetrics((line) => lines.push(line));
    if (previous === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = previous;

    // Act
    metrics.count("EmailSent");

    // Assess
    expect(lines).toHaveLength(1);
  });
});
