import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, lambdaArn, namedError, removeStateDir, startHarness } from "./sfn-harness.js";

const passThrough = { StartAt: "Hold", States: { Hold: { Type: "Wait", Seconds: 3600, End: true } } };

describe("SFN emulator API", () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    if (harness) removeStateDir(harness.stateDir);
    harness = undefined;
  });

  it("returns the same execution for a repeated StartExecution with the same name and input", async () => {
    // Prepare
    harness = await startHarness({ machines: { hold: passThrough } });
    const request = { stateMachineArn: harness.arn("hold"), name: "case-1", input: '{"caseId":"c1"}' };

    // Act
    const first = await harness.sfn.send(new StartExecutionCommand(request));
    const second = await harness.sfn.send(new StartExecutionCommand(request));

    // Assess
    expect(first.executionArn).toBe("arn:aws:states:eu-west-1:000000000000:execution:hold:case-1");
    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate).toEqual(first.startDate);
    const { executions } = await harness.sfn.send(new ListExecutionsCommand({ stateMachineArn: harness.arn("hold") }));
    expect(executions).toHaveLength(1);
  });

  it("answers ExecutionAlreadyExists for the same name with a different input", async () => {
    // Prepare
    harness = await startHarness({ machines: { hold: passThrough } });
    const stateMachineArn = harness.arn("hold");
    await harness.sfn.send(new StartExecutionCommand({ stateMachineArn, name: "case-1", input: '{"v":1}' }));

    // Act
    const reused = harness.sfn.send(new StartExecutionCommand({ stateMachineArn, name: "case-1", input: '{"v":2}' }));

    // Assess
    await expect(reused).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it("answers typed errors for unknown state machines and executions", async () => {
    // Prepare
    harness = await startHarness({ machines: { hold: passThrough } });

    // Act
    const start = harness.sfn.send(new StartExecutionCommand({ stateMachineArn: harness.arn("nope"), input: "{}" }));
    const describeMissing = harness.sfn.send(
      new DescribeExecutionCommand({ executionArn: "arn:aws:states:eu-west-1:000000000000:execution:hold:missing" }),
    );

    // Assess
    await expect(start).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(describeMissing).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it("invokes Lambda tasks, retries them after their intervals and routes a final failure to Catch", async () => {
    // Prepare: the first function fails twice with a retried error; the second always fails.
    const calls: string[] = [];
    let attempts = 0;
    harness = await startHarness({
      machines: {
        tasks: {
          StartAt: "Acknowledge",
          States: {
            Acknowledge: {
              Type: "Task",
              Resource: lambdaArn("Acknowledge"),
              Parameters: { "caseId.$": "$.caseId" },
              ResultPath: "$.ack",
              Retry: [{ ErrorEquals: ["TransientError"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
              Next: "Notify",
            },
            Notify: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke",
              Parameters: { FunctionName: lambdaArn("Notify"), "Payload.$": "$.ack" },
              ResultSelector: { "status.$": "$.StatusCode", "payload.$": "$.Payload" },
              ResultPath: "$.notify",
              Next: "Reject",
            },
            Reject: {
              Type: "Task",
              Resource: lambdaArn("Reject"),
              Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.failure", Next: "Done" }],
              Next: "Done",
            },
            Done: { Type: "Succeed" },
          },
        },
      },
      invoke: async (functionArn, payload) => {
        calls.push(functionArn.split(":").at(-1) as string);
        if (functionArn.endsWith("Acknowledge")) {
          attempts++;
          if (attempts < 3) throw namedError("TransientError", "try again");
          return { caseId: (payload as { caseId: string }).caseId, acknowledged: true };
        }
        if (functionArn.endsWith("Notify")) return { sent: payload };
        throw namedError("BusinessRuleError", "case is closed");
      },
    });

    // Act
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("tasks"), input: '{"caseId":"c9"}' }),
    );
    await harness.emulator.waitIdle();
    await harness.clock.advance(2); // first retry after IntervalSeconds
    await harness.clock.advance(4); // second after IntervalSeconds × BackoffRate
    const result = await harness.describe(executionArn as string);

    // Assess
    expect(result.status).toBe("SUCCEEDED");
    expect(calls).toEqual(["Acknowledge", "Acknowledge", "Acknowledge", "Notify", "Reject"]);
    expect(JSON.parse(result.output as string)).toEqual({
      caseId: "c9",
      ack: { caseId: "c9", acknowledged: true },
      notify: { status: 200, payload: { sent: { caseId: "c9", acknowledged: true } } },
      failure: {
        Error: "BusinessRuleError",
        Cause: JSON.stringify({ errorType: "BusinessRuleError", errorMessage: "case is closed" }),
      },
    });
  });

  it("fails the execution with the Lambda's error when nothing catches it, without crashing", async () => {
    // Prepare
    harness = await startHarness({
      machines: {
        failing: { StartAt: "Boom", States: { Boom: { Type: "Task", Resource: lambdaArn("Boom"), End: true } } },
      },
      invoke: async () => {
        throw namedError("ConfigError", "missing setting");
      },
    });

    // Act
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("failing") }),
    );
    await harness.emulator.waitIdle();
    const result = await harness.describe(executionArn as string);

    // Assess
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("ConfigError");
    expect(JSON.parse(result.cause as string)).toEqual({ errorType: "ConfigError", errorMessage: "missing setting" });
    expect(harness.emulator.stats().running).toBe(0);
  });

  it("fires a TimestampPath Wait exactly at its timestamp on the virtual clock", async () => {
    // Prepare
    harness = await startHarness({
      machines: {
        timer: {
          StartAt: "WaitUntilDue",
          States: { WaitUntilDue: { Type: "Wait", TimestampPath: "$.at", OutputPath: "$.ref", End: true } },
        },
      },
    });
    const at = new Date(harness.clock.now() + 2 * 3600 * 1000).toISOString();
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("timer"), input: JSON.stringify({ at, ref: "r1" }) }),
    );

    // Act
    await harness.clock.advance(2 * 3600 - 1);
    const before = await harness.describe(executionArn as string);
    await harness.clock.advance(1);
    const after = await harness.describe(executionArn as string);

    // Assess
    expect(before.status).toBe("RUNNING");
    expect(after.status).toBe("SUCCEEDED");
    expect(after.output).toBe('"r1"');
    const exited = (await harness.history(executionArn as string)).find((event) => event.type === "WaitStateExited");
    expect(exited?.timestamp?.getTime()).toBe(Date.parse(at));
  });

  it("stops an execution and releases its wait, token and timers", async () => {
    // Prepare
    harness = await startHarness({
      machines: {
        approval: {
          StartAt: "Approve",
          States: {
            Approve: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
              Parameters: { FunctionName: lambdaArn("Ask"), Payload: { "token.$": "$$.Task.Token" } },
              TimeoutSeconds: 3600,
              HeartbeatSeconds: 600,
              End: true,
            },
          },
        },
        hold: passThrough,
      },
    });
    const { executionArn: approvalArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("approval") }),
    );
    const { executionArn: holdArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("hold") }),
    );
    await harness.emulator.waitIdle();
    const pendingBefore = harness.emulator.stats().pendingTokens;

    // Act
    await harness.sfn.send(new StopExecutionCommand({ executionArn: approvalArn, error: "Operator", cause: "test" }));
    await harness.sfn.send(new StopExecutionCommand({ executionArn: holdArn }));
    await harness.emulator.waitIdle();

    // Assess
    expect(pendingBefore).toBe(1);
    const stopped = await harness.describe(approvalArn as string);
    expect(stopped).toMatchObject({ status: "ABORTED", error: "Operator", cause: "test" });
    expect((await harness.describe(holdArn as string)).status).toBe("ABORTED");
    expect(harness.emulator.stats()).toMatchObject({ running: 0, pendingTokens: 0 });
    expect(harness.clock.pending()).toEqual([]);
    const history = await harness.history(approvalArn as string);
    expect(history.at(-1)?.type).toBe("ExecutionAborted");
  });

  it("times the execution out at its top-level TimeoutSeconds of virtual time", async () => {
    // Prepare
    harness = await startHarness({ machines: { bounded: { ...passThrough, TimeoutSeconds: 120 } } });
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("bounded") }),
    );

    // Act
    await harness.clock.advance(119);
    const before = await harness.describe(executionArn as string);
    await harness.clock.advance(1);
    const after = await harness.describe(executionArn as string);
    const { executions } = await harness.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: harness.arn("bounded"), statusFilter: "TIMED_OUT" }),
    );

    // Assess
    expect(before.status).toBe("RUNNING");
    expect(after.status).toBe("TIMED_OUT");
    expect(executions?.map((execution) => execution.executionArn)).toEqual([executionArn]);
    expect(harness.clock.pending()).toEqual([]);
  });

  it("records an AWS-like history whose StateEntered count equals the transitions", async () => {
    // Prepare
    harness = await startHarness({
      machines: {
        flow: {
          StartAt: "Prepare",
          States: {
            Prepare: { Type: "Pass", Result: { go: true }, ResultPath: "$.p", Next: "Decide" },
            Decide: {
              Type: "Choice",
              Choices: [{ Variable: "$.p.go", BooleanEquals: true, Next: "Pause" }],
              Default: "Done",
            },
            Pause: { Type: "Wait", Seconds: 60, Next: "Work" },
            Work: { Type: "Task", Resource: lambdaArn("Work"), ResultPath: "$.work", Next: "Done" },
            Done: { Type: "Succeed" },
          },
        },
      },
      invoke: async () => ({ ok: true }),
    });
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("flow") }),
    );

    // Act
    await harness.clock.advance(60);
    const history = await harness.history(executionArn as string);

    // Assess
    const types = history.map((event) => event.type);
    expect(types).toEqual([
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "ChoiceStateEntered",
      "ChoiceStateExited",
      "WaitStateEntered",
      "WaitStateExited",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionSucceeded",
      "TaskStateExited",
      "SucceedStateEntered",
      "SucceedStateExited",
      "ExecutionSucceeded",
    ]);
    expect(history.map((event) => event.id)).toEqual(history.map((_, index) => index + 1));
    const entered = types.filter((type) => type?.endsWith("StateEntered")).length;
    expect(harness.emulator.stats().transitions[executionArn as string]).toBe(entered);
    expect(entered).toBe(5);
  });

  it("provides the execution and state machine context, with the virtual start time", async () => {
    // Prepare: virtual time runs a day ahead of real time.
    harness = await startHarness({
      machines: {
        context: {
          StartAt: "Read",
          States: {
            Read: {
              Type: "Pass",
              Parameters: {
                "id.$": "$$.Execution.Id",
                "name.$": "$$.Execution.Name",
                "start.$": "$$.Execution.StartTime",
                "input.$": "$$.Execution.Input",
                "machineId.$": "$$.StateMachine.Id",
                "machine.$": "$$.StateMachine.Name",
              },
              End: true,
            },
          },
        },
      },
    });
    await harness.clock.advance(24 * 3600);

    // Act
    const { executionArn, startDate } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("context"), name: "ctx-1", input: '{"a":1}' }),
    );
    await harness.emulator.waitIdle();
    const output = JSON.parse((await harness.describe(executionArn as string)).output as string);

    // Assess
    expect(output).toEqual({
      id: executionArn,
      name: "ctx-1",
      start: startDate?.toISOString(),
      input: { a: 1 },
      machineId: harness.arn("context"),
      machine: "context",
    });
    expect(Date.parse(output.start) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
  });

  it("fails fast at creation when a Task resource has no local handler", async () => {
    // Prepare
    const definition = {
      StartAt: "Put",
      States: { Put: { Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", End: true } },
    };

    // Act
    const creating = startHarness({ machines: { bad: definition } });

    // Assess
    await expect(creating).rejects.toThrow(/state machine "bad", state "Put": no local handler/);
  });
});
