import { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, loadWorkflow, namedError, removeStateDir, startHarness } from "../unit/local/sfn-harness.js";

/**
 * The longest the TransientError retrier (IntervalSeconds 2, BackoffRate 2, MaxAttempts 5, FULL jitter) can wait in
 * all: FULL jitter draws each wait in [0, 2 × 2^(n-1)] s.
 */
const TRANSIENT_RETRY_SECONDS = 2 + 4 + 8 + 16 + 32;

const HOUR = 3600;
const DAY = 24 * HOUR;

interface Call {
  fn: string;
  payload: Record<string, unknown>;
}
type Behaviour = (call: Call) => unknown;

const plans = {
  p2Lock: {
    lockRequired: true,
    urgentGuidance: false,
    verificationTimeoutSeconds: DAY,
    resolutionTimeoutSeconds: 2 * DAY,
    escalationSeq: 0,
  },
  p1LockUrgent: {
    lockRequired: true,
    urgentGuidance: true,
    verificationTimeoutSeconds: DAY,
    resolutionTimeoutSeconds: 8 * HOUR,
    escalationSeq: 0,
  },
  p1UrgentNoLock: {
    lockRequired: false,
    urgentGuidance: true,
    verificationTimeoutSeconds: DAY,
    resolutionTimeoutSeconds: 8 * HOUR,
    escalationSeq: 0,
  },
  p3Plain: {
    lockRequired: false,
    urgentGuidance: false,
    verificationTimeoutSeconds: DAY,
    resolutionTimeoutSeconds: 6 * DAY,
    escalationSeq: 0,
  },
};

/** The tasks whose output is the case's plan (`$.plan`). */
const PLANNING_TASKS = ["ContainIncident", "ReadCasePlan", "AcknowledgeReport", "SendGuidance", "EscalateCase"];

describe("workflows/case.asl.json in aws-local-stepfunctions", () => {
  let h: Harness | undefined;
  let calls: Call[] = [];

  afterEach(async () => {
    if (!h) return;
    await h.close();
    removeStateDir(h.stateDir);
    h = undefined;
  });

  async function run(behaviour: Behaviour) {
    calls = [];
    h = await startHarness({
      machines: { case: loadWorkflow("case.asl.json") },
      invoke: async (arn, payload) => {
        const call = { fn: arn.split(":").at(-1) as string, payload: payload as Record<string, unknown> };
        calls.push(call);
        return behaviour(call);
      },
    });
    const { executionArn } = await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.arn("case"),
        name: "c1",
        input: JSON.stringify({ caseId: "c1", generation: 1 }),
      }),
    );
    await h.emulator.waitIdle();
    return executionArn as string;
  }

  const tokenOf = (fn: string) => calls.filter((call) => call.fn === fn).at(-1)?.payload.taskToken as string;
  const succeed = async (fn: string, output: unknown) => {
    await h?.sfn.send(new SendTaskSuccessCommand({ taskToken: tokenOf(fn), output: JSON.stringify(output) }));
    await h?.emulator.waitIdle();
  };
  const fail = async (fn: string, error: string) => {
    await h?.sfn.send(new SendTaskFailureCommand({ taskToken: tokenOf(fn), error, cause: "test" }));
    await h?.emulator.waitIdle();
  };
  const entered = async (arn: string) =>
    (await h?.history(arn))
      ?.filter((event) => event.type?.endsWith("StateEntered"))
      .map((event) => event.stateEnteredEventDetails?.name) ?? [];
  const planned =
    (plan: object): Behaviour =>
    ({ fn }) =>
      PLANNING_TASKS.includes(fn) ? plan : {};

  it.each([
    [
      "a P1 case (urgent guidance before verification)",
      plans.p1LockUrgent,
      [
        "ContainIncident",
        "AcknowledgeReport",
        "DecideGuidanceTiming",
        "SendUrgentGuidance",
        "RequestVerification",
        "SendRecoveryGuidance",
        "AwaitResolution",
        "CompleteCase",
      ],
    ],
    [
      "a P2–P4 case (guidance after verification)",
      plans.p2Lock,
      [
        "ContainIncident",
        "AcknowledgeReport",
        "DecideGuidanceTiming",
        "RequestVerification",
        "SendRecoveryGuidance",
        "AwaitResolution",
        "CompleteCase",
      ],
    ],
  ])("walks the happy path of %s", async (_, plan, expected) => {
    // Prepare
    const arn = await run(planned(plan));
    // Act
    await succeed("RequestVerification", { verified: true });
    await succeed("AwaitResolution", { outcome: "resolved" });
    // Assess
    expect((await h?.describe(arn))?.status).toBe("SUCCEEDED");
    expect(await entered(arn)).toEqual(expected);
  });

  it("closes the case unverified exactly at the verification timeout when the reporter never answers", async () => {
    // Prepare
    const arn = await run(planned(plans.p3Plain));
    // Act
    await h?.clock.advance(DAY - 1);
    const before = (await h?.describe(arn))?.status;
    await h?.clock.advance(1);
    // Assess
    expect(before).toBe("RUNNING");
    expect((await h?.describe(arn))?.status).toBe("SUCCEEDED");
    expect(calls.map((call) => call.fn).at(-1)).toBe("CloseUnverified");
  });

  it("escalates to an agent and then waits for one when the reporter says it was not them", async () => {
    // Prepare
    const arn = await run(planned(plans.p2Lock));
    // Act
    await fail("RequestVerification", "VerificationDenied");
    await succeed("AwaitResolution", { outcome: "closed" });
    // Assess
    const escalate = calls.find((call) => call.fn === "EscalateCase");
    expect(escalate?.payload.failure).toMatchObject({ Error: "VerificationDenied" });
    expect(await entered(arn)).toEqual(expect.arrayContaining(["EscalateCase", "AwaitResolution", "CompleteCase"]));
    expect((await h?.describe(arn))?.status).toBe("SUCCEEDED");
  });

  it("completes the case when an agent concludes it while the reporter has not verified", async () => {
    // Prepare
    const arn = await run(planned(plans.p2Lock));
    // Act
    await fail("RequestVerification", "CaseConcluded");
    // Assess
    expect(calls.map((call) => call.fn).slice(-1)).toEqual(["CompleteCase"]);
    expect(calls.some((call) => call.fn === "SendGuidance" || call.fn === "EscalateCase")).toBe(false);
    expect((await h?.describe(arn))?.status).toBe("SUCCEEDED");
  });

  it("escalates and waits again each time no agent resolves the case within the plan's timeout", async () => {
    // Prepare
    const arn = await run(planned(plans.p3Plain));
    await succeed("RequestVerification", { verified: true });
    // Act
    await h?.clock.advance(6 * DAY);
    await h?.clock.advance(6 * DAY);
    await succeed("AwaitResolution", { outcome: "resolved" });
    // Assess
    expect(calls.filter((call) => call.fn === "EscalateCase")).toHaveLength(2);
    expect(calls.find((call) => call.fn === "EscalateCase")?.payload.failure).toMatchObject({
      Error: "States.Timeout",
    });
    expect((await h?.describe(arn))?.status).toBe("SUCCEEDED");
  });

  it("escalates with the stored case's plan when containment keeps failing past its retries", async () => {
    // Prepare
    let attempts = 0;
    // Act
    const arn = await run((call) => {
      if (call.fn === "ContainIncident") {
        attempts += 1;
        throw namedError("TransientError", "table down");
      }
      return planned(plans.p2Lock)(call);
    });
    await h?.clock.advance(TRANSIENT_RETRY_SECONDS);
    // Assess
    expect(attempts).toBe(6);
    expect(calls.map((call) => call.fn).slice(attempts)).toEqual(["ReadCasePlan", "EscalateCase", "AwaitResolution"]);
    expect(calls.find((call) => call.fn === "EscalateCase")?.payload).toMatchObject({
      failure: { Error: "TransientError" },
      escalationSeq: 0,
    });
    expect((await h?.describe(arn))?.status).toBe("RUNNING");
  });

  it("contains before any message, and goes on to verification when the acknowledgement keeps failing", async () => {
    // Prepare / Act
    const arn = await run((call) => {
      if (call.fn === "AcknowledgeReport") throw namedError("TransientError", "SES throttled");
      return planned(plans.p1LockUrgent)(call);
    });
    await h?.clock.advance(TRANSIENT_RETRY_SECONDS);
    // Assess
    const order = calls.map((call) => call.fn);
    expect(order[0]).toBe("ContainIncident");
    expect(order.filter((fn) => fn === "AcknowledgeReport")).toHaveLength(6);
    expect(order.slice(-2)).toEqual(["SendGuidance", "RequestVerification"]);
    expect(order).not.toContain("EscalateCase");
    expect((await h?.describe(arn))?.status).toBe("RUNNING");
  });

  it.each([
    ["SendUrgentGuidance", 1, "RequestVerification"],
    ["SendRecoveryGuidance", 2, "AwaitResolution"],
  ])("goes on from %s to the next state when guidance cannot be sent", async (_, failingCall, next) => {
    // Prepare
    let guidanceCalls = 0;
    const arn = await run((call) => {
      if (call.fn === "SendGuidance" && ++guidanceCalls === failingCall) throw namedError("Error", "unexpected");
      return planned(plans.p1LockUrgent)(call);
    });
    // Act
    await succeed("RequestVerification", { verified: true });
    // Assess
    const states = await entered(arn);
    expect(states.at(-1)).toBe("AwaitResolution");
    expect(states).toContain(next);
    expect(states).not.toContain("EscalateCase");
  });

  it.each(["AcknowledgeReport", "SendGuidance", "RequestVerification"])(
    "escalates at once when %s finds the reporter unreachable",
    async (failing) => {
      // Prepare / Act
      const arn = await run((call) => {
        if (call.fn === failing) throw namedError("ReporterUnreachable", "no channel left");
        return planned(plans.p1LockUrgent)(call);
      });
      // Assess
      expect(calls.find((call) => call.fn === "EscalateCase")?.payload.failure).toMatchObject({
        Error: "ReporterUnreachable",
      });
      expect(calls.at(-1)?.fn).toBe("AwaitResolution");
      expect(calls[0]?.fn).toBe("ContainIncident");
      expect((await h?.describe(arn))?.status).toBe("RUNNING");
    },
  );

  it("ends after escalating when the closing step fails on a concluded case, instead of waiting again", async () => {
    // Prepare
    const arn = await run(({ fn }) => {
      if (fn === "CompleteCase") throw namedError("MessageRejected", "closure email rejected");
      if (fn === "EscalateCase") return { ...plans.p3Plain, escalationSeq: 1, concluded: true };
      return planned(plans.p3Plain)({ fn, payload: {} });
    });
    await succeed("RequestVerification", { verified: true });
    // Act
    await succeed("AwaitResolution", { outcome: "resolved" });
    // Assess
    expect(calls.map((call) => call.fn).slice(-2)).toEqual(["CompleteCase", "EscalateCase"]);
    expect((await entered(arn)).slice(-3)).toEqual(["EscalateCase", "DecideAfterEscalation", "CaseEnded"]);
    expect((await h?.describe(arn))?.status).toBe("SUCCEEDED");
  });

  it("fails the execution visibly when escalation itself fails", async () => {
    // Prepare / Act
    const arn = await run(({ fn }) => {
      if (fn === "ContainIncident") throw namedError("ValidationError", "bad input");
      if (fn === "EscalateCase") throw namedError("ValidationError", "still bad");
      return PLANNING_TASKS.includes(fn) ? plans.p3Plain : {};
    });
    // Assess
    const result = await h?.describe(arn);
    expect(result?.status).toBe("FAILED");
    expect(result?.error).toBe("CaseWorkflowFailed");
  });
});

describe("workflows/timer.asl.json in aws-local-stepfunctions", () => {
  it("wakes exactly at each due time and stops when the fire says done", async () => {
    // Prepare
    const fires: number[] = [];
    const h = await startHarness({
      machines: { timer: loadWorkflow("timer.asl.json") },
      invoke: async (_, payload) => {
        const input = payload as { at: string };
        fires.push(Date.parse(input.at));
        return fires.length < 3
          ? { ...input, at: new Date(Date.parse(input.at) + 900_000).toISOString(), done: false }
          : { ...input, done: true };
      },
    });
    const start = h.clock.now() + 60_000;
    await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.arn("timer"),
        name: "t1",
        input: JSON.stringify({ kind: "sla", ref: "c1", generation: 1, at: new Date(start).toISOString() }),
      }),
    );
    // Act
    await h.clock.advance(59);
    const early = fires.length;
    await h.clock.advance(1 + 1800);
    // Assess
    expect(early).toBe(0);
    expect(fires).toEqual([start, start + 900_000, start + 1_800_000]);
    expect(h.emulator.stats().running).toBe(0);
    await h.close();
    removeStateDir(h.stateDir);
  });
});
