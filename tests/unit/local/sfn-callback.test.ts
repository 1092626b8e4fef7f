import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, lambdaArn, namedError, removeStateDir, startHarness } from "./sfn-harness.js";

const HOUR = 3600;

/** A machine whose `Approve` state waits for a token, with Catch routes for timeouts and rejections. */
function approvalMachine(task: Record<string, unknown>): object {
  return {
    StartAt: "Approve",
    States: {
      Approve: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: {
          FunctionName: lambdaArn("Ask"),
          Payload: { "caseId.$": "$.caseId", "taskToken.$": "$$.Task.Token" },
        },
        ResultPath: "$.approval",
        Catch: [
          { ErrorEquals: ["States.Timeout"], ResultPath: "$.timeout", Next: "TimedOut" },
          { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.failure", Next: "Failed" },
        ],
        End: true,
        ...task,
      },
      TimedOut: { Type: "Pass", End: true },
      Failed: { Type: "Pass", End: true },
    },
  };
}

describe("SFN emulator callback tasks", () => {
  let harness: Harness | undefined;
  let tokens: string[];

  afterEach(async () => {
    await harness?.close();
    if (harness) removeStateDir(harness.stateDir);
    harness = undefined;
  });

  async function start(task: Record<string, unknown>, invoke?: (payload: unknown) => Promise<unknown>) {
    tokens = [];
    const current = await startHarness({
      machines: { approval: approvalMachine(task) },
      invoke: async (_functionArn, payload) => {
        tokens.push((payload as { taskToken: string }).taskToken);
        return invoke ? invoke(payload) : { emailed: true };
      },
    });
    harness = current;
    const { executionArn } = await current.sfn.send(
      new StartExecutionCommand({ stateMachineArn: current.arn("approval"), input: '{"caseId":"c1"}' }),
    );
    await current.emulator.waitIdle();
    return { current, executionArn: executionArn as string };
  }

  it("passes a minted token to the Lambda and completes with the SendTaskSuccess output", async () => {
    // Prepare
    const { current, executionArn } = await start({ TimeoutSeconds: HOUR });

    // Act
    await current.sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"approved":true}' }));
    await current.emulator.waitIdle();

    // Assess
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const result = await current.describe(executionArn);
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output as string)).toEqual({ caseId: "c1", approval: { approved: true } });
    expect(current.emulator.stats().pendingTokens).toBe(0);
    expect(current.clock.pending()).toEqual([]);
    const types = (await current.history(executionArn)).map((event) => event.type);
    expect(types).toContain("TaskSubmitted");
    expect(types).toContain("TaskSucceeded");
  });

  it("routes SendTaskFailure to the matching Catch", async () => {
    // Prepare
    const { current, executionArn } = await start({ TimeoutSeconds: HOUR });

    // Act
    await current.sfn.send(new SendTaskFailureCommand({ taskToken: tokens[0], error: "Rejected", cause: "by agent" }));
    await current.emulator.waitIdle();

    // Assess
    const result = await current.describe(executionArn);
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output as string).failure).toEqual({ Error: "Rejected", Cause: "by agent" });
  });

  it("times out at exactly TimeoutSeconds of virtual time, then answers TaskTimedOut to a late send", async () => {
    // Prepare
    const { current, executionArn } = await start({ TimeoutSeconds: HOUR });

    // Act
    await current.clock.advance(HOUR - 1);
    const atOneSecondBefore = await current.describe(executionArn);
    await current.clock.advance(1);
    const atTimeout = await current.describe(executionArn);
    const lateSend = current.sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: "{}" }));

    // Assess
    expect(atOneSecondBefore.status).toBe("RUNNING");
    expect(atTimeout.status).toBe("SUCCEEDED");
    expect(JSON.parse(atTimeout.output as string).timeout.Error).toBe("States.Timeout");
    await expect(lateSend).rejects.toBeInstanceOf(TaskTimedOut);
    const history = await current.history(executionArn);
    expect(history.some((event) => event.type === "TaskTimedOut")).toBe(true);
  });

  it("times out on a missed heartbeat, caught by a States.Timeout catcher", async () => {
    // Prepare
    const { current, executionArn } = await start({ TimeoutSeconds: 10 * HOUR, HeartbeatSeconds: 600 });

    // Act: a heartbeat at 500 s moves the deadline to 1100 s.
    await current.clock.advance(500);
    await current.sfn.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
    await current.clock.advance(599);
    const justBefore = await current.describe(executionArn);
    await current.clock.advance(1);
    const after = await current.describe(executionArn);

    // Assess
    expect(justBefore.status).toBe("RUNNING");
    expect(after.status).toBe("SUCCEEDED");
    expect(JSON.parse(after.output as string).timeout.Error).toBe("States.HeartbeatTimeout");
  });

  it("does not let States.TaskFailed catch a timeout", async () => {
    // Prepare: only a TaskFailed catcher; a timeout must fail the execution, as in AWS.
    const { current, executionArn } = await start({
      TimeoutSeconds: 60,
      Catch: [
        { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.failure", Next: "Failed" },
        { ErrorEquals: ["NeverRaised"], Next: "TimedOut" },
      ],
    });

    // Act
    await current.clock.advance(60);

    // Assess
    const result = await current.describe(executionArn);
    expect(result).toMatchObject({ status: "FAILED", error: "States.Timeout" });
  });

  it("answers InvalidToken for a token it never issued", async () => {
    // Prepare
    const { current } = await start({ TimeoutSeconds: HOUR });

    // Act
    const sending = current.sfn.send(new SendTaskSuccessCommand({ taskToken: "not-a-token", output: "{}" }));
    const beating = current.sfn.send(new SendTaskHeartbeatCommand({ taskToken: "not-a-token" }));

    // Assess
    await expect(sending).rejects.toBeInstanceOf(InvalidToken);
    await expect(beating).rejects.toBeInstanceOf(InvalidToken);
  });

  it("fails the task with the Lambda's error when the callback Lambda itself throws", async () => {
    // Prepare
    const { current, executionArn } = await start({ TimeoutSeconds: HOUR }, async () => {
      throw namedError("EmailRejected", "bad address");
    });

    // Assess
    const result = await current.describe(executionArn);
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output as string).failure.Error).toBe("EmailRejected");
    expect(current.emulator.stats().pendingTokens).toBe(0);
    expect(current.clock.pending()).toEqual([]);
  });

  it("keeps durations beyond 24.8 days on the virtual clock (no timer overflow)", async () => {
    // Prepare
    const days30 = 30 * 24 * HOUR;
    const { current, executionArn } = await start({ TimeoutSeconds: days30 });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 30));
    const afterRealWait = await current.describe(executionArn);
    await current.clock.advance(days30);

    // Assess
    expect(afterRealWait.status).toBe("RUNNING");
    expect(JSON.parse((await current.describe(executionArn)).output as string).timeout.Error).toBe("States.Timeout");
  });
});
