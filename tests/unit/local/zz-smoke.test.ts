import { StartExecutionCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { it, expect } from "vitest";
import { startHarness, lambdaArn } from "./sfn-harness.js";

it("smoke", async () => {
  let token = "";
  const h = await startHarness({
    machines: {
      m: {
        StartAt: "P",
        States: {
          P: { Type: "Pass", Next: "W" },
          W: { Type: "Wait", Seconds: 3600, Next: "T" },
          T: { Type: "Task", Resource: lambdaArn("Fn"), Next: "C" },
          C: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", Parameters: { FunctionName: lambdaArn("Cb"), Payload: { "token.$": "$$.Task.Token" } }, TimeoutSeconds: 60, End: true },
        },
      },
    },
    invoke: async (fn, payload) => { if (fn.endsWith("Cb")) token = (payload as {token: string}).token; return { fn }; },
  });
  const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn: h.arn("m"), name: "e1", input: "{\"a\":1}" }));
  await h.emulator.waitIdle();
  console.log((await h.describe(executionArn!)).status, h.clock.pending());
  await h.clock.advance(3600);
  console.log((await h.describe(executionArn!)).status, h.clock.pending(), token);
  await h.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: "{\"ok\":true}" }));
  await h.emulator.waitIdle();
  const d = await h.describe(executionArn!);
  console.log(d.status, d.output, d.startDate, d.stopDate);
  console.log(JSON.stringify((await h.history(executionArn!)).map(e => [e.id, e.type, e.timestamp])));
  await h.close();
});
