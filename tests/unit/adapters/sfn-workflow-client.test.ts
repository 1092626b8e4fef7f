import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SfnWorkflowClient } from "../../../src/adapters/sfn/sfn-workflow-client.js";
import { TransientError } from "../../../src/errors/index.js";

const ARNS = {
  caseStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-case",
  timerStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-timer",
};
const client = new SFNClient({});
const sfn = mockClient(client);
const workflow = new SfnWorkflowClient(client, ARNS);
const meta = { $metadata: {} };

beforeEach(() => sfn.reset());

describe("SfnWorkflowClient", () => {
  it("starts the case state machine with the name and JSON input", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:x", startDate: new Date() });

    // Act
    await workflow.startCase("c_1", { caseId: "c_1", generation: 1 });

    // Assess
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: ARNS.caseStateMachineArn,
      name: "c_1",
      input: JSON.stringify({ caseId: "c_1", generation: 1 }),
    });
  });

  it("starts a timer on the timer state machine", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({});
    const timer = { kind: "sla" as const, ref: "c_1", generation: 2, at: "2026-11-25T08:07:30.000Z" };

    // Act
    await workflow.startTimer("c_1-sla-2", timer);

    // Assess
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: ARNS.timerStateMachineArn,
      name: "c_1-sla-2",
      input: JSON.stringify(timer),
    });
  });

  it("treats ExecutionAlreadyExists as the start it wanted", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: "exists", ...meta }));

    // Act
    const attempt = workflow.startCase("c_1", { caseId: "c_1", generation: 1 });

    // Assess
    await expect(attempt).resolves.toBe("existed");
  });

  it("throws TransientError when a start fails otherwise", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionLimitExceeded({ message: "limit", ...meta }));

    // Act
    const attempt = workflow.startCase("c_1", { caseId: "c_1", generation: 1 });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    await expect(attempt).rejects.toThrow("StartExecution failed: ExecutionLimitExceeded");
  });

  it("stops a timer by its execution ARN and ignores one that no longer exists", async () => {
    // Prepare
    sfn.on(StopExecutionCommand).rejects(new ExecutionDoesNotExist({ message: "gone", ...meta }));

    // Act
    const attempt = workflow.stopTimer("c_1-sla-1");

    // Assess
    await expect(attempt).resolves.toBeUndefined();
    expect(sfn).toHaveReceivedCommandWith(StopExecutionCommand, {
      executionArn: "arn:aws:states:eu-west-1:123456789012:execution:vigil-timer:c_1-sla-1",
    });
  });

  it("throws TransientError when a stop fails otherwise", async () => {
    // Prepare
    sfn.on(StopExecutionCommand).rejects(Object.assign(new Error("slow"), { name: "ThrottlingException" }));

    // Act
    const attempt = workflow.stopTimer("c_1-sla-1");

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  it("resumes a task with its JSON output", async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});

    // Act
    const resumed = await workflow.sendTaskSuccess("token-1", { outcome: "verified" });

    // Assess
    expect(resumed).toBe(true);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: "token-1",
      output: '{"outcome":"verified"}',
    });
  });

  it.each([
    ["TaskTimedOut", new TaskTimedOut({ message: "timed out", ...meta })],
    ["TaskDoesNotExist", new TaskDoesNotExist({ message: "gone", ...meta })],
    ["InvalidToken", new InvalidToken({ message: "bad", ...meta })],
  ])("answers false when the token is gone (%s)", async (_, error) => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(error);
    sfn.on(SendTaskFailureCommand).rejects(error);

    // Act
    const success = await workflow.sendTaskSuccess("token-1", {});
    const failure = await workflow.sendTaskFailure("token-1", "VerificationDenied", "denied");

    // Assess
    expect([success, failure]).toEqual([false, false]);
  });

  it("throws TransientError when a resume fails otherwise", async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error("slow"), { name: "ThrottlingException" }));

    // Act
    const attempt = workflow.sendTaskSuccess("token-1", {});

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  it("fails a task with its error name and cause", async () => {
    // Prepare
    sfn.on(SendTaskFailureCommand).resolves({});

    // Act
    const failed = await workflow.sendTaskFailure("token-1", "VerificationDenied", "the reporter denied");

    // Assess
    expect(failed).toBe(true);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: "token-1",
      error: "VerificationDenied",
      cause: "the reporter denied",
    });
  });
});
