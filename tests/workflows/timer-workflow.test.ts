import { readFileSync } from "node:fs";
import { type HistoryEvent, ListExecutionsCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { SfnWorkflowClient } from "../../src/adapters/sfn/sfn-workflow-client.js";
import { TIMER_LIMITS } from "../../src/domain/timer.js";
import type { TimerInput } from "../../src/ports/workflow-client.js";
import { countWake, makeHandOverTimer } from "../../src/use-cases/timer-execution.js";
import { type Harness, loadWorkflow, namedError, removeStateDir, startHarness } from "../unit/local/sfn-harness.js";

const MINUTE = 60;
const ASL = JSON.parse(readFileSync(new URL("../../workflows/timer.asl.json", import.meta.url), "utf8"));

type Fire = (timer: TimerInput, call: number) => TimerInput | Promise<TimerInput>;
type HandOver = (input: { timer: TimerInput & { segment: number }; executionName: string }, call: number) => unknown;

/** A fire that always finds one more milestone a minute after the current one. */
const everyMinute: Fire = (timer) => countWake(timer, { ...timer, at: plus(timer.at, MINUTE), done: false });

function plus(at: string, seconds: number): string {
  return new Date(Date.parse(at) + seconds * 1000).toISOString();
}

/**
 * The real definition with its wake bounds scaled down 10×, for tests that must reach the second
 * bound (200 wakes of real history cost seconds of file writes in the emulator). The literals
 * themselves are checked against TIMER_LIMITS above.
 */
function scaledDefinition(): string {
  const definition = JSON.parse(loadWorkflow("timer.asl.json"));
  definition.States.CheckNextTimer.Choices[1].And[1].NumericGreaterThanEquals = TIMER_LIMITS.wakesPerExecution / 10;
  definition.States.CheckHandOverDeadline.Choices[0].NumericGreaterThanEquals =
    TIMER_LIMITS.wakesBeforeHandOverFails / 10;
  return JSON.stringify(definition);
}

/**
 * The longest the retriers can wait in one entry of a task (FULL jitter draws retry n's wait in
 * [0, IntervalSeconds × 2^(n-1)]): 5 TransientError retries from 2 s, then 3 Lambda service retries from 1 s.
 */
const EVERY_RETRY_SECONDS = 2 + 4 + 8 + 16 + 32 + (1 + 2 + 4);

/** Errors that use every retry of both retriers (5 TransientError, then 3 Lambda.Unknown) before the Catch: 9 attempts. */
const EVERY_RETRY = [...Array(5).fill("TransientError"), ...Array(4).fill("Lambda.Unknown")] as string[];

const entered = (events: HistoryEvent[]) =>
  events.filter((event) => event.type?.endsWith("StateEntered")).map((event) => event.stateEnteredEventDetails?.name);

describe("workflows/timer.asl.json in aws-local-stepfunctions", () => {
  let h: Harness | undefined;
  let fires: Array<{ at: number; input: TimerInput }> = [];
  let handOvers = 0;

  afterEach(async () => {
    if (!h) return;
    await h.close();
    removeStateDir(h.stateDir);
    h = undefined;
  });

  /**
   * Runs the timer machine with `fire` playing FireTimer and, by default, the real hand-over use
   * case playing HandOverTimer: it starts the successor through the WorkflowClient port, on the
   * emulator's own Step Functions API, as the Lambda does on AWS.
   */
  async function run(fire: Fire, options: { handOver?: HandOver; definition?: string } = {}) {
    if (h) {
      await h.close();
      removeStateDir(h.stateDir);
    }
    fires = [];
    handOvers = 0;
    const current = await startHarness({
      machines: { timer: options.definition ?? loadWorkflow("timer.asl.json") },
      invoke: async (arn, payload) => {
        if (arn.endsWith(":FireTimer")) {
          fires.push({ at: current.clock.now(), input: payload as TimerInput });
          return fire(payload as TimerInput, fires.length);
        }
        handOvers += 1;
        if (options.handOver) return options.handOver(payload as never, handOvers);
        return realHandOver(payload as never);
      },
    });
    h = current;
    const timerClient = new SfnWorkflowClient(current.sfn, {
      caseStateMachineArn: "",
      timerStateMachineArn: current.arn("timer"),
    });
    const realHandOver = makeHandOverTimer({
      workflow: timerClient,
      metrics: { count: () => undefined, duration: () => undefined },
    });
    const name = "c_01JTIMER0000000000000000000-sla-1";
    const input = {
      kind: "sla",
      ref: "c_01JTIMER0000000000000000000",
      generation: 1,
      at: new Date(current.clock.now() + MINUTE * 1000).toISOString(),
    };
    const { executionArn } = await current.sfn.send(
      new StartExecutionCommand({ stateMachineArn: current.arn("timer"), name, input: JSON.stringify(input) }),
    );
    await current.emulator.waitIdle();
    return { harness: current, executionArn: executionArn as string };
  }

  async function executions(harness: Harness) {
    const listed = await harness.sfn.send(new ListExecutionsCommand({ stateMachineArn: harness.arn("timer") }));
    return (listed.executions ?? []).map((execution) => ({
      name: execution.name as string,
      status: execution.status as string,
      arn: execution.executionArn as string,
    }));
  }

  it("holds the bounds of src/domain/timer.ts as its literals", () => {
    // Prepare
    const rule = (state: string) => JSON.stringify(ASL.States[state].Choices);
    // Assess
    expect(rule("CheckNextTimer")).toContain(`"NumericGreaterThanEquals":${TIMER_LIMITS.wakesPerExecution}`);
    expect(rule("CheckHandOverDeadline")).toContain(
      `"NumericGreaterThanEquals":${TIMER_LIMITS.wakesBeforeHandOverFails}`,
    );
    expect(rule("CheckFailedFires")).toContain(`"NumericGreaterThanEquals":${TIMER_LIMITS.failedFiresInARow}`);
    expect(ASL.States.BackOffAfterFailure.Seconds).toBe(TIMER_LIMITS.backOffSeconds);
  });

  it("hands over to a fresh execution after 100 wakes, which carries on at the next due time", async () => {
    // Prepare
    const { harness, executionArn } = await run(everyMinute);
    // Act
    await harness.clock.advance((TIMER_LIMITS.wakesPerExecution + 5) * MINUTE);
    // Assess
    const all = await executions(harness);
    const events = await harness.history(executionArn);
    expect(all.map(({ name, status }) => `${name} ${status}`).sort()).toEqual([
      "c_01JTIMER0000000000000000000-sla-1 SUCCEEDED",
      "c_01JTIMER0000000000000000000-sla-1-s1 RUNNING",
    ]);
    // One fire a minute, without a gap at the hand-over.
    expect(fires).toHaveLength(TIMER_LIMITS.wakesPerExecution + 5);
    expect(fires.map(({ at }) => at - (fires[0]?.at ?? 0))).toEqual(fires.map((_, i) => i * MINUTE * 1000));
    // The successor starts from zero and knows its segment.
    expect(fires[TIMER_LIMITS.wakesPerExecution]?.input).toMatchObject({ wakes: 0, failures: 0, segment: 1 });
    expect(entered(events).slice(-3)).toEqual(["CheckNextTimer", "HandOverTimer", "TimerHandedOver"]);
    // 9 events a wake, 100 wakes, then the hand-over: 909 events, 4 % of the limit.
    expect(events).toHaveLength(909);
  });

  it("fails with TimerFireFailedRepeatedly after 12 failed fires in a row, 300 s apart, the first one without counters", async () => {
    // Prepare
    const { harness, executionArn } = await run(() => {
      throw namedError("ValidationError", "bad timer");
    });
    // Act
    await harness.clock.advance(MINUTE + TIMER_LIMITS.failedFiresInARow * TIMER_LIMITS.backOffSeconds);
    const description = await harness.describe(executionArn);
    // Assess
    expect(description.status).toBe("FAILED");
    expect(description.error).toBe("TimerFireFailedRepeatedly");
    expect(fires).toHaveLength(TIMER_LIMITS.failedFiresInARow);
    const gaps = fires.slice(1).map(({ at }, i) => at - (fires[i]?.at ?? 0));
    expect(new Set(gaps)).toEqual(new Set([TIMER_LIMITS.backOffSeconds * 1000]));
    // The cause names no data of the case.
    expect(description.cause).not.toMatch(/@|\+\d|c_01J/);
  });

  it("starts the failure count again after a successful fire", async () => {
    // Prepare: 11 failures, one success, 11 failures, then successes.
    const failing = (call: number) => (call >= 1 && call <= 11) || (call >= 13 && call <= 23);
    const { harness, executionArn } = await run((timer, call) => {
      if (failing(call)) throw namedError("DeliveryFailed", "provider down");
      return countWake(timer, { ...timer, at: plus(timer.at, 0), done: call >= 24 });
    });
    // Act
    await harness.clock.advance(MINUTE + 24 * TIMER_LIMITS.backOffSeconds);
    // Assess
    expect((await harness.describe(executionArn)).status).toBe("SUCCEEDED");
    expect(fires).toHaveLength(24);
    expect(fires[11]?.input).toMatchObject({ failures: 11, wakes: 11, lastError: "DeliveryFailed" });
    expect(fires[12]?.input).toMatchObject({ failures: 0, wakes: 12 });
  });

  it("retries Lambda.Unknown, Lambda.ClientExecutionTimeoutException and Sandbox.Timedout within one fire, each after its interval", async () => {
    // Prepare
    const errors = ["Lambda.Unknown", "Lambda.ClientExecutionTimeoutException", "Sandbox.Timedout"];
    const { harness, executionArn } = await run((timer, call) => {
      if (call <= errors.length) throw namedError(errors[call - 1] as string, "lambda trouble");
      return countWake(timer, { ...timer, done: true });
    });
    // Act: the due minute, then the retries' longest waits (1 + 2 + 4 s with FULL jitter).
    await harness.clock.advance(MINUTE);
    await harness.clock.advance(1 + 2 + 4);
    // Assess
    expect((await harness.describe(executionArn)).status).toBe("SUCCEEDED");
    const gaps = fires.slice(1).map(({ at }, index) => at - (fires[index]?.at ?? 0));
    expect(gaps).toHaveLength(3);
    gaps.forEach((gap, index) => {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(1000 * 2 ** index);
    });
    expect(entered(await harness.history(executionArn))).toEqual([
      "WaitUntilDue",
      "FireTimer",
      "CheckNextTimer",
      "TimerDone",
    ]);
  });

  it("names one successor even when the hand-over task is retried after it started it", async () => {
    // Prepare
    let realCalls = 0;
    const { harness } = await run(everyMinute, {
      definition: scaledDefinition(),
      handOver: async (input, call) => {
        const client = new SfnWorkflowClient(harness.sfn, {
          caseStateMachineArn: "",
          timerStateMachineArn: harness.arn("timer"),
        });
        const result = await makeHandOverTimer({
          workflow: client,
          metrics: { count: () => undefined, duration: () => undefined },
        })(input);
        realCalls += 1;
        if (call === 1) throw namedError("Lambda.Unknown", "the answer was lost");
        return result;
      },
    });
    // Act
    await harness.clock.advance(15 * MINUTE);
    // Assess
    const all = await executions(harness);
    expect(realCalls).toBe(2);
    expect(all.map(({ name, status }) => `${name} ${status}`).sort()).toEqual([
      "c_01JTIMER0000000000000000000-sla-1 SUCCEEDED",
      "c_01JTIMER0000000000000000000-sla-1-s1 RUNNING",
    ]);
    expect(fires).toHaveLength(15);
  });

  it("keeps running when the hand-over fails, tries again at each wake, and fails with TimerHandOverFailed at the second bound", async () => {
    // Prepare: bounds scaled 10× down (10 and 20 wakes).
    const { harness, executionArn } = await run(everyMinute, {
      definition: scaledDefinition(),
      handOver: () => {
        throw namedError("TransientError", "Step Functions StartExecution failed: ThrottlingException");
      },
    });
    // Act
    await harness.clock.advance(30 * MINUTE);
    const description = await harness.describe(executionArn);
    // Assess
    const attemptsPerHandOver = 1 + 5;
    expect(description.status).toBe("FAILED");
    expect(description.error).toBe("TimerHandOverFailed");
    expect(fires).toHaveLength(20);
    expect(handOvers).toBe((20 - 10 + 1) * attemptsPerHandOver);
  });

  it("stays below half of the 25,000-event history limit in the worst case its bounds allow (each step measured)", async () => {
    // Prepare: every fire fails after all its retries; then every hand-over does.
    const failingFires = await run((_, call) => {
      throw namedError(EVERY_RETRY[(call - 1) % EVERY_RETRY.length] as string, "down");
    });
    await failingFires.harness.clock.advance(MINUTE + 2 * (EVERY_RETRY_SECONDS + TIMER_LIMITS.backOffSeconds));
    const fireEvents = await failingFires.harness.history(failingFires.executionArn);
    const normal = await run(everyMinute, {
      definition: scaledDefinition(),
      handOver: (_, call) => {
        throw namedError(EVERY_RETRY[(call - 1) % EVERY_RETRY.length] as string, "down");
      },
    });
    await normal.harness.clock.advance(12 * MINUTE + EVERY_RETRY_SECONDS);
    const wakeEvents = await normal.harness.history(normal.executionArn);

    // Act: events from one entry of a state to the next entry of another (or the same) state.
    const entries = (events: HistoryEvent[], name: string) =>
      events.flatMap((event, index) => (event.stateEnteredEventDetails?.name === name ? [index] : []));
    const [fire1, fire2, fire3] = entries(fireEvents, "FireTimer") as [number, number, number];
    const waits = entries(wakeEvents, "WaitUntilDue");
    const handOver = entries(wakeEvents, "HandOverTimer")[0] as number;
    const perWake = (waits[2] as number) - (waits[1] as number);
    const firstFailedFire = fire2 - fire1;
    const perFailedFire = fire3 - fire2;
    const perFailedHandOver = (waits.find((index) => index > handOver) as number) - handOver;
    const { wakesPerExecution, wakesBeforeHandOverFails, failedFiresInARow, historyEventLimit } = TIMER_LIMITS;
    // Every fire counts as a wake, so at most (200 + 12 - 1) fires; hand-overs are tried from wake 100 to 200.
    const fireBound =
      (wakesBeforeHandOverFails + failedFiresInARow - 1) * Math.max(perWake, perFailedFire) +
      (firstFailedFire - perFailedFire);
    const handOverBound = (wakesBeforeHandOverFails - wakesPerExecution + 1) * perFailedHandOver;
    const worstCase = 1 + fireBound + handOverBound + 3;

    // Assess
    expect({ perWake, firstFailedFire, perFailedFire, perFailedHandOver }).toEqual({
      perWake: 9,
      firstFailedFire: 39,
      perFailedFire: 37,
      perFailedHandOver: 31,
    });
    expect(worstCase).toBe(10_944);
    expect(worstCase).toBeLessThan(historyEventLimit / 2);
  });
});
