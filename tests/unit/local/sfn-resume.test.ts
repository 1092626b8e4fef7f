import { SendTaskSuccessCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, lambdaArn, makeStateDir, removeStateDir, startHarness } from "./sfn-harness.js";

const HOUR = 3600;

const machines = {
  cooldown: {
    StartAt: "Record",
    States: {
      Record: { Type: "Pass", Result: "recorded", ResultPath: "$.step", Next: "Cooldown" },
      Cooldown: { Type: "Wait", Seconds: HOUR, Next: "Finish" },
      Finish: {
        Type: "Task",
        Resource: lambdaArn("Finish"),
        Parameters: { "original.$": "$$.Execution.Input", "step.$": "$.step" },
        End: true,
      },
    },
  },
  approval: {
    StartAt: "Approve",
    States: {
      Approve: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: { FunctionName: lambdaArn("Ask"), Payload: { "taskToken.$": "$$.Task.Token" } },
        TimeoutSeconds: 2 * HOUR,
        ResultPath: "$.approval",
        End: true,
      },
    },
  },
};

describe("SFN emulator resume after restart", () => {
  const stateDir = makeStateDir();
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    removeStateDir(stateDir);
  });

  it("continues a Wait at its original due time and a callback with its original token", async () => {
    // Prepare: process A starts both executions and is shut down while they wait.
    const calls: Array<{ fn: string; payload: unknown }> = [];
    const invoke = async (functionArn: string, payload: unknown) => {
      calls.push({ fn: functionArn.split(":").at(-1) as string, payload });
      return { done: true };
    };
    const first = await startHarness({ machines, invoke, stateDir });
    const { executionArn: cooldownArn } = await first.sfn.send(
      new StartExecutionCommand({ stateMachineArn: first.arn("cooldown"), name: "c-1", input: '{"caseId":"c1"}' }),
    );
    const { executionArn: approvalArn } = await first.sfn.send(
      new StartExecutionCommand({ stateMachineArn: first.arn("approval"), name: "a-1", input: '{"caseId":"c2"}' }),
    );
    await first.clock.advance(10 * 60);
    const waitEntered = (await first.history(cooldownArn as string)).find((event) => event.type === "WaitStateEntered");
    const token = (calls[0]?.payload as { taskToken?: string } | undefined)?.taskToken as string;
    await first.close();

    // Act: process B on the same state dir resumes, then time passes and the approval arrives.
    harness = await startHarness({ machines, invoke, stateDir });
    const resumed = harness;
    await resumed.emulator.resumeAll();
    const statsAfterResume = resumed.emulator.stats();
    await resumed.clock.advance(HOUR - 10 * 60 - 1);
    const beforeDue = await resumed.describe(cooldownArn as string);
    await resumed.clock.advance(1);
    await resumed.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    await resumed.emulator.waitIdle();

    // Assess
    expect(statsAfterResume).toMatchObject({ running: 2, pendingTokens: 1 });
    expect(calls.map((call) => call.fn)).toEqual(["Ask", "Finish"]);
    expect(calls[1]?.payload).toEqual({ original: { caseId: "c1" }, step: "recorded" });
    expect(beforeDue.status).toBe("RUNNING");
    const cooldown = await resumed.describe(cooldownArn as string);
    expect(cooldown.status).toBe("SUCCEEDED");
    const history = await resumed.history(cooldownArn as string);
    const waitExited = history.find((event) => event.type === "WaitStateExited");
    expect(waitExited?.timestamp?.getTime()).toBe((waitEntered?.timestamp?.getTime() ?? 0) + HOUR * 1000);
    const entered = history.filter((event) => event.type?.endsWith("StateEntered")).map((event) => event.type);
    expect(entered).toEqual(["PassStateEntered", "WaitStateEntered", "TaskStateEntered"]);
    expect(resumed.emulator.stats().transitions[cooldownArn as string]).toBe(3);
    const approval = await resumed.describe(approvalArn as string);
    expect(approval.status).toBe("SUCCEEDED");
    expect(JSON.parse(approval.output as string)).toEqual({ caseId: "c2", approval: { approved: true } });
    expect(resumed.emulator.stats()).toMatchObject({ running: 0, pendingTokens: 0 });
  });

  it("keeps a resumed callback's original timeout deadline", async () => {
    // Prepare
    const invoke = async () => ({});
    const first = await startHarness({ machines, invoke, stateDir });
    const { executionArn } = await first.sfn.send(
      new StartExecutionCommand({ stateMachineArn: first.arn("approval"), name: "a-2" }),
    );
    await first.clock.advance(HOUR);
    await first.close();

    // Act
    harness = await startHarness({ machines, invoke, stateDir });
    const resumed = harness;
    await resumed.emulator.resumeAll();
    await resumed.clock.advance(HOUR - 1);
    const before = await resumed.describe(executionArn as string);
    await resumed.clock.advance(1);
    const after = await resumed.describe(executionArn as string);

    // Assess
    expect(before.status).toBe("RUNNING");
    expect(after).toMatchObject({ status: "FAILED", error: "States.Timeout" });
  });
});
