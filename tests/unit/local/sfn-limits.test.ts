import { SendTaskSuccessCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, lambdaArn, removeStateDir, startHarness } from "./sfn-harness.js";

/** Waits until the execution left RUNNING (the engine runs on real time, on microtasks and macrotasks). */
async function finished(harness: Harness, executionArn: string) {
  for (let i = 0; i < 2000; i++) {
    const described = await harness.describe(executionArn);
    if (described.status !== "RUNNING") return described;
    await harness.emulator.waitIdle();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the execution did not finish");
}

describe("SFN emulator quotas", () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    if (harness) removeStateDir(harness.stateDir);
    harness = undefined;
  });

  it("fails an execution when its history reaches 25,000 events", async () => {
    // Prepare: a Map of 7,000 items makes about 28,000 events (4 per item) in one execution.
    const fan = {
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Map",
          ItemsPath: "$.items",
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "Echo",
            States: { Echo: { Type: "Pass", End: true } },
          },
          ResultPath: null,
          End: true,
        },
      },
    };
    harness = await startHarness({ machines: { fan } });
    const input = JSON.stringify({ items: Array.from({ length: 7000 }, (_, i) => i) });

    // Act
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("fan"), input }),
    );
    const described = await finished(harness, executionArn as string);

    // Assess
    expect(described.status).toBe("FAILED");
    expect(described.error).toBe("States.Runtime");
    const record = harness.emulator.stats();
    expect(record.running).toBe(0);
  });

  it("refuses an execution input over 256 KiB", async () => {
    // Prepare
    const hold = { StartAt: "Hold", States: { Hold: { Type: "Wait", Seconds: 60, End: true } } };
    harness = await startHarness({ machines: { hold } });
    const input = JSON.stringify({ blob: "x".repeat(262_144) });

    // Act
    const start = harness.sfn.send(new StartExecutionCommand({ stateMachineArn: harness.arn("hold"), input }));

    // Assess
    await expect(start).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("fails with States.DataLimitExceeded, past a States.ALL catcher, when a task returns over 256 KiB", async () => {
    // Prepare
    const big = {
      StartAt: "Fetch",
      States: {
        Fetch: {
          Type: "Task",
          Resource: lambdaArn("fetch"),
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Recovered" }],
          End: true,
        },
        Recovered: { Type: "Succeed" },
      },
    };
    harness = await startHarness({ machines: { big }, invoke: async () => ({ blob: "x".repeat(300_000) }) });

    // Act
    const { executionArn } = await harness.sfn.send(new StartExecutionCommand({ stateMachineArn: harness.arn("big") }));
    const described = await finished(harness, executionArn as string);

    // Assess
    expect(described.status).toBe("FAILED");
    expect(described.error).toBe("States.DataLimitExceeded");
  });

  it("refuses a callback output over 256 KiB", async () => {
    // Prepare
    let token = "";
    const wait = {
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          Parameters: { FunctionName: lambdaArn("ask"), Payload: { "token.$": "$$.Task.Token" } },
          TimeoutSeconds: 60,
          End: true,
        },
      },
    };
    harness = await startHarness({
      machines: { wait },
      invoke: async (_arn, payload) => {
        token = (payload as { token: string }).token;
        return {};
      },
    });
    await harness.sfn.send(new StartExecutionCommand({ stateMachineArn: harness.arn("wait") }));
    await harness.emulator.waitIdle();

    // Act
    const send = harness.sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ blob: "x".repeat(262_144) }) }),
    );

    // Assess
    await expect(send).rejects.toMatchObject({ name: "ValidationException" });
  });
});
