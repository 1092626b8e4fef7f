import { SendTaskSuccessCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, loadWorkflow, namedError, removeStateDir, startHarness } from "./sfn-harness.js";

const HOUR = 3600;
const DAY = 24 * HOUR;

interface Call {
  fn: string;
  at: number;
  payload: Record<string, unknown>;
}

describe("SFN emulator with the project workflows", () => {
  let harness: Harness | undefined;
  let calls: Call[];

  afterEach(async () => {
    await harness?.close();
    if (harness) removeStateDir(harness.stateDir);
    harness = undefined;
  });

  /** Starts the emulator with both workflows; `respond` plays the Lambdas. */
  async function start(respond: (call: Call) => unknown): Promise<Harness> {
    calls = [];
    const current = await startHarness({
      machines: { case: loadWorkflow("case.asl.json"), timer: loadWorkflow("timer.asl.json") },
      invoke: async (functionArn, payload) => {
        const call = { fn: functionArn.split(":").at(-1) as string, at: current.clock.now(), payload } as Call;
        calls.push(call);
        return respond(call);
      },
    });
    harness = current;
    return current;
  }

  it("timer: fires at each due time, including a next due time set inside the same advance", async () => {
    // Prepare
    let fires = 0;
    const current = await start(({ payload }) => {
      fires++;
      const next = new Date(Date.parse(payload.at as string) + 30 * 60 * 1000).toISOString();
      return { ...payload, at: next, done: fires === 2 };
    });
    const firstAt = current.clock.now() + HOUR * 1000;
    const input = { kind: "sla", ref: "case-1", generation: 1, at: new Date(firstAt).toISOString() };
    const { executionArn } = await current.sfn.send(
      new StartExecutionCommand({ stateMachineArn: current.arn("timer"), input: JSON.stringify(input) }),
    );

    // Act
    await current.clock.advance(HOUR + 30 * 60);

    // Assess
    expect(calls.map(({ fn, at }) => [fn, at])).toEqual([
      ["FireTimer", firstAt],
      ["FireTimer", firstAt + 30 * 60 * 1000],
    ]);
    expect((await current.describe(executionArn as string)).status).toBe("SUCCEEDED");
  });

  it("timer: backs off 300 s after a failed fire, then fires again", async () => {
    // Prepare
    const current = await start(({ payload }) => {
      if (calls.length === 1) throw namedError("DeliveryFailed", "provider down");
      return { ...payload, done: true };
    });
    const firstAt = current.clock.now() + 60 * 1000;
    const input = { kind: "delivery", ref: "d-1", generation: 1, at: new Date(firstAt).toISOString() };
    const { executionArn } = await current.sfn.send(
      new StartExecutionCommand({ stateMachineArn: current.arn("timer"), input: JSON.stringify(input) }),
    );

    // Act
    await current.clock.advance(60 + 299);
    const duringBackOff = calls.length;
    await current.clock.advance(1);

    // Assess
    expect(duringBackOff).toBe(1);
    expect(calls.map(({ at }) => at)).toEqual([firstAt, firstAt + 300 * 1000]);
    expect((await current.describe(executionArn as string)).status).toBe("SUCCEEDED");
  });

  it("case: runs lock, verification and resolution callbacks to completion", async () => {
    // Prepare
    const plan = {
      lockRequired: true,
      urgentGuidance: false,
      verificationTimeoutSeconds: DAY,
      resolutionTimeoutSeconds: 7 * DAY,
    };
    let transientFailures = 1;
    const current = await start(({ fn }) => {
      if (fn === "ContainIncident" && transientFailures-- > 0) throw namedError("TransientError", "lock service busy");
      return fn === "ContainIncident" || fn === "AcknowledgeReport" || fn === "SendGuidance" ? plan : { ok: true };
    });
    const { executionArn } = await current.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: current.arn("case"),
        name: "case-c1-1",
        input: JSON.stringify({ caseId: "c1", generation: 1 }),
      }),
    );
    await current.emulator.waitIdle();
    // The lock's TransientError retrier waits up to IntervalSeconds (2 s, FULL jitter) before retrying.
    await current.clock.advance(2);

    // Act
    const verificationToken = calls.at(-1)?.payload.taskToken as string;
    await current.clock.advance(2 * HOUR);
    await current.sfn.send(new SendTaskSuccessCommand({ taskToken: verificationToken, output: '{"verified":true}' }));
    await current.emulator.waitIdle();
    const resolutionToken = calls.at(-1)?.payload.taskToken as string;
    await current.sfn.send(new SendTaskSuccessCommand({ taskToken: resolutionToken, output: '{"resolved":true}' }));
    await current.emulator.waitIdle();

    // Assess
    expect(calls.map(({ fn }) => fn)).toEqual([
      "ContainIncident",
      "ContainIncident",
      "AcknowledgeReport",
      "RequestVerification",
      "SendGuidance",
      "AwaitResolution",
      "CompleteCase",
    ]);
    expect(calls[3]?.payload).toEqual({ caseId: "c1", generation: 1, taskToken: verificationToken });
    expect(verificationToken).not.toBe(resolutionToken);
    const result = await current.describe(executionArn as string);
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output as string)).toMatchObject({
      verification: { verified: true },
      outcome: { resolved: true },
    });
    expect(current.emulator.stats()).toMatchObject({ running: 0, pendingTokens: 0 });
  });

  it("case: closes unverified exactly when TimeoutSecondsPath elapses", async () => {
    // Prepare
    const plan = {
      lockRequired: false,
      urgentGuidance: false,
      verificationTimeoutSeconds: DAY,
      resolutionTimeoutSeconds: 7 * DAY,
    };
    const current = await start(({ fn }) =>
      fn === "ContainIncident" || fn === "AcknowledgeReport" ? plan : { ok: true },
    );
    const { executionArn } = await current.sfn.send(
      new StartExecutionCommand({ stateMachineArn: current.arn("case"), input: '{"caseId":"c2","generation":1}' }),
    );
    await current.emulator.waitIdle();
    const history = await current.history(executionArn as string);
    const startedAt = history.find((event) => event.type === "TaskStarted")?.timestamp?.getTime() ?? 0;

    // Act
    await current.clock.advance(DAY - 1);
    const before = calls.map(({ fn }) => fn);
    await current.clock.advance(1);

    // Assess
    expect(before).toEqual(["ContainIncident", "AcknowledgeReport", "RequestVerification"]);
    const closing = calls.at(-1);
    expect(closing?.fn).toBe("CloseUnverified");
    expect(closing?.at).toBe(startedAt + DAY * 1000);
    const result = await current.describe(executionArn as string);
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output as string).failure.Error).toBe("States.Timeout");
  });
});
