import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { StateMachine } from "../../../local/sfn/engine.js";
import { planStateMachine } from "../../../local/sfn/transform.js";
import { type Harness, lambdaArn, removeStateDir, startHarness } from "./sfn-harness.js";

const input = { a: { b: 1, keep: "x" }, c: 2 };

describe("SFN definition transform", () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    if (harness) removeStateDir(harness.stateDir);
    harness = undefined;
  });

  it("gives a transformed Wait the same output as the engine's native Wait", async () => {
    // Prepare
    const definition = {
      StartAt: "Pause",
      States: { Pause: { Type: "Wait", Seconds: 5, InputPath: "$.a", OutputPath: "$.keep", End: true } },
    };
    const native = new StateMachine(definition as never).run(input, { overrides: { waitTimeOverrides: { Pause: 0 } } });
    harness = await startHarness({ machines: { pause: definition } });
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("pause"), input: JSON.stringify(input) }),
    );

    // Act
    await harness.clock.advance(5);
    const emulated = await harness.describe(executionArn as string);

    // Assess
    expect(JSON.parse(emulated.output as string)).toEqual(await native.result);
  });

  it('replaces the state input with the result for ResultPath "$", as AWS does', async () => {
    // Prepare
    harness = await startHarness({
      machines: {
        replace: {
          StartAt: "Fire",
          States: { Fire: { Type: "Task", Resource: lambdaArn("Fire"), ResultPath: "$", End: true } },
        },
      },
      invoke: async () => ({ replaced: true }),
    });
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("replace"), input: JSON.stringify(input) }),
    );

    // Act
    await harness.emulator.waitIdle();

    // Assess
    expect(JSON.parse((await harness.describe(executionArn as string)).output as string)).toEqual({ replaced: true });
  });

  it.each([
    // Built by concatenation so the literal does not read as a mistyped template string.
    ["an unsubstituted placeholder", { Type: "Task", Resource: "$" + "{FireFunctionArn}", End: true }, /placeholder/],
    ["Assign", { Type: "Pass", Assign: { x: 1 }, End: true }, /"Assign"/],
    ["JSONata", { Type: "Pass", QueryLanguage: "JSONata", End: true }, /JSONata/],
    [
      "a resource without a local handler",
      { Type: "Task", Resource: "arn:aws:states:::sns:publish", End: true },
      /no local handler/,
    ],
  ])("rejects a definition with %s", (_label, state, message) => {
    // Prepare
    const definition = JSON.stringify({ StartAt: "S", States: { S: state } });

    // Act + Assess
    expect(() => planStateMachine({ name: "bad", definition })).toThrow(message);
  });
});
