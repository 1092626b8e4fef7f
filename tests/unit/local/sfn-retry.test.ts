import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import {
  errorMatches,
  matchRetrier,
  nextRetry,
  parseRetriers,
  type Retrier,
  retryDelayMs,
} from "../../../local/sfn/retry.js";
import { type Harness, lambdaArn, makeStateDir, namedError, removeStateDir, startHarness } from "./sfn-harness.js";

const retrier = (overrides: Partial<Retrier> = {}): Retrier => ({
  errorEquals: ["States.ALL"],
  intervalSeconds: 1,
  maxAttempts: 3,
  backoffRate: 2,
  maxDelaySeconds: undefined,
  jitter: "NONE",
  ...overrides,
});

const timeoutError = (name: string) => namedError(name, "timed out");
const terminal = (name: string) => Object.assign(namedError(name, "terminal"), { isRetryable: false });

describe("Retry delays", () => {
  it("applies the AWS defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, no cap, no jitter", () => {
    // Prepare
    const [parsed] = parseRetriers([{ ErrorEquals: ["TransientError"] }]);
    // Act
    const delays = [1, 2, 3].map((retry) => retryDelayMs(parsed as Retrier, retry));
    // Assess
    expect(parsed).toEqual(retrier({ errorEquals: ["TransientError"] }));
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it("waits IntervalSeconds × BackoffRate^(retry-1)", () => {
    // Prepare
    const rule = retrier({ intervalSeconds: 5, backoffRate: 2 });
    // Act
    const delays = [1, 2, 3, 4].map((retry) => retryDelayMs(rule, retry));
    // Assess
    expect(delays).toEqual([5000, 10_000, 20_000, 40_000]);
  });

  it("caps the wait at MaxDelaySeconds", () => {
    // Prepare
    const rule = retrier({ intervalSeconds: 10, backoffRate: 3, maxDelaySeconds: 15 });
    // Act
    const delays = [1, 2, 3].map((retry) => retryDelayMs(rule, retry));
    // Assess
    expect(delays).toEqual([10_000, 15_000, 15_000]);
  });

  it("with FULL jitter draws uniformly between 0 and the capped delay", () => {
    // Prepare
    const rule = retrier({ intervalSeconds: 8, backoffRate: 2, maxDelaySeconds: 12, jitter: "FULL" });
    // Act
    const low = retryDelayMs(rule, 1, () => 0);
    const half = retryDelayMs(rule, 1, () => 0.5);
    const capped = retryDelayMs(rule, 2, () => 0.5);
    // Assess
    expect([low, half, capped]).toEqual([0, 4000, 6000]);
  });
});

describe("Retrier matching", () => {
  it("matches exact names, States.ALL, and States.TaskFailed for everything but timeouts", () => {
    // Prepare
    const failure = namedError("TransientError", "busy");
    // Act / Assess
    expect(errorMatches("TransientError", failure)).toBe(true);
    expect(errorMatches("OtherError", failure)).toBe(false);
    expect(errorMatches("States.ALL", failure)).toBe(true);
    expect(errorMatches("States.ALL", timeoutError("States.Timeout"))).toBe(true);
    expect(errorMatches("States.TaskFailed", failure)).toBe(true);
    expect(errorMatches("States.TaskFailed", timeoutError("States.Timeout"))).toBe(false);
    expect(errorMatches("States.TaskFailed", timeoutError("States.HeartbeatTimeout"))).toBe(false);
    expect(errorMatches("States.Timeout", timeoutError("States.HeartbeatTimeout"))).toBe(true);
  });

  it("never matches a terminal error, not even with States.ALL", () => {
    // Prepare
    const errors = [terminal("States.DataLimitExceeded"), terminal("States.Runtime")];
    // Act
    const matches = errors.map((error) => matchRetrier([retrier()], error));
    // Assess
    expect(matches).toEqual([undefined, undefined]);
  });

  it("lets the first matching retrier decide, and an exhausted one sends the error to Catch", () => {
    // Prepare
    const retriers = [
      retrier({ errorEquals: ["TransientError"], maxAttempts: 2 }),
      retrier({ errorEquals: ["States.ALL"], maxAttempts: 5 }),
    ];
    const transient = namedError("TransientError", "busy");
    const other = namedError("OtherError", "boom");
    // Act
    const first = nextRetry(retriers, [0, 0], transient);
    const exhausted = nextRetry(retriers, [2, 0], transient);
    const second = nextRetry(retriers, [2, 1], other);
    // Assess
    expect(first).toEqual({ index: 0, retry: 1 });
    expect(exhausted).toBeUndefined();
    expect(second).toEqual({ index: 1, retry: 2 });
  });

  it("never retries with MaxAttempts 0", () => {
    // Prepare
    const retriers = [retrier({ maxAttempts: 0 })];
    // Act
    const decision = nextRetry(retriers, [0], namedError("TransientError", "busy"));
    // Assess
    expect(decision).toBeUndefined();
  });
});

/** A machine whose Task "Work" has `retry` and catches what is left in "Recover". */
function machine(retry: object[]): object {
  return {
    StartAt: "Work",
    States: {
      Work: {
        Type: "Task",
        Resource: lambdaArn("Work"),
        Retry: retry,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Recover" }],
        End: true,
      },
      Recover: { Type: "Pass", End: true },
    },
  };
}

describe("SFN emulator Retry on the virtual clock", () => {
  let harness: Harness | undefined;
  const dirs: string[] = [];

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    for (const dir of dirs.splice(0)) removeStateDir(dir);
  });

  /** Starts one execution of `machine(retry)` whose Lambda fails `failures` times with TransientError. */
  async function run(
    retry: object[],
    failures: number,
    options: { random?: () => number; retryTiming?: boolean; stateDir?: string } = {},
  ): Promise<{ calls: () => number; executionArn: string }> {
    let calls = 0;
    harness = await startHarness({
      machines: { flow: machine(retry) },
      invoke: async () => {
        calls++;
        if (calls <= failures) throw namedError("TransientError", "busy");
        return { ok: true };
      },
      ...options,
    });
    const { executionArn } = await harness.sfn.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn("flow"), name: "run-1" }),
    );
    await harness.emulator.waitIdle();
    return { calls: () => calls, executionArn: executionArn as string };
  }

  it("retries a task that failed twice after 5 s, then after 10 s more, and succeeds", async () => {
    // Prepare
    const { calls, executionArn } = await run(
      [{ ErrorEquals: ["TransientError"], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 3 }],
      2,
    );
    const h = harness as Harness;
    const seen: number[] = [calls()];
    // Act
    await h.clock.advance(4);
    seen.push(calls());
    await h.clock.advance(1);
    seen.push(calls());
    await h.clock.advance(9);
    seen.push(calls());
    await h.clock.advance(1);
    seen.push(calls());
    // Assess
    expect(seen).toEqual([1, 1, 2, 2, 3]);
    expect((await h.describe(executionArn)).status).toBe("SUCCEEDED");
    const history = await h.history(executionArn);
    const types = history.map((event) => event.type);
    expect(types.filter((type) => type === "TaskStateEntered")).toHaveLength(1);
    expect(types.filter((type) => type === "LambdaFunctionScheduled")).toHaveLength(3);
    expect(types.filter((type) => type === "LambdaFunctionStarted")).toHaveLength(3);
    expect(types.filter((type) => type === "LambdaFunctionFailed")).toHaveLength(2);
    const failed = history.filter((event) => event.type === "LambdaFunctionFailed");
    const scheduled = history.filter((event) => event.type === "LambdaFunctionScheduled");
    const gap = (from: number, to: number) =>
      (scheduled[to]?.timestamp?.getTime() ?? 0) - (failed[from]?.timestamp?.getTime() ?? 0);
    expect(gap(0, 1)).toBeGreaterThanOrEqual(5000);
    expect(gap(1, 2)).toBeGreaterThanOrEqual(10_000);
    // One transition for the state entry, one per retry.
    expect(h.emulator.stats().transitions[executionArn]).toBe(3);
  });

  it("caps the wait at MaxDelaySeconds", async () => {
    // Prepare
    const { calls } = await run(
      [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 10, BackoffRate: 3, MaxDelaySeconds: 15 }],
      2,
    );
    const h = harness as Harness;
    await h.clock.advance(10);
    const afterFirst = calls();
    // Act
    await h.clock.advance(14);
    const beforeCap = calls();
    await h.clock.advance(1);
    // Assess
    expect([afterFirst, beforeCap, calls()]).toEqual([2, 2, 3]);
  });

  it("draws FULL jitter from the injected random source", async () => {
    // Prepare
    const { calls } = await run([{ ErrorEquals: ["TransientError"], IntervalSeconds: 8, JitterStrategy: "FULL" }], 1, {
      random: () => 0.5,
    });
    const h = harness as Harness;
    // Act
    await h.clock.advance(3);
    const early = calls();
    await h.clock.advance(1);
    // Assess
    expect([early, calls()]).toEqual([1, 2]);
  });

  it("sends the error to Catch once MaxAttempts retries are exhausted", async () => {
    // Prepare
    const { calls, executionArn } = await run([{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 2 }], 99);
    const h = harness as Harness;
    // Act
    await h.clock.advance(1);
    await h.clock.advance(2);
    // Assess
    expect(calls()).toBe(3);
    const result = await h.describe(executionArn);
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output as string).failure.Error).toBe("TransientError");
    // Work entered, two retries, Recover entered.
    expect(h.emulator.stats().transitions[executionArn]).toBe(4);
  });

  it("retries at once with the timing switched off (VIGIL_LOCAL_SFN_RETRY_TIMING=0)", async () => {
    // Prepare / Act
    const { calls, executionArn } = await run([{ ErrorEquals: ["TransientError"], IntervalSeconds: 60 }], 2, {
      retryTiming: false,
    });
    // Assess
    expect(calls()).toBe(3);
    expect((await (harness as Harness).describe(executionArn)).status).toBe("SUCCEEDED");
  });

  it("resumes a pending retry wait after a restart, with its due time and attempt counters", async () => {
    // Prepare: process A fails once and is shut down during the 100 s wait.
    const stateDir = makeStateDir();
    dirs.push(stateDir);
    const retry = [{ ErrorEquals: ["TransientError"], IntervalSeconds: 100, BackoffRate: 2, MaxAttempts: 2 }];
    const first = await run(retry, 99, { stateDir });
    const h1 = harness as Harness;
    await h1.clock.advance(40);
    await h1.close();
    harness = undefined;
    // Act: process B resumes on the same state dir.
    let calls = first.calls();
    harness = await startHarness({
      machines: { flow: machine(retry) },
      stateDir,
      invoke: async () => {
        calls++;
        throw namedError("TransientError", "busy");
      },
    });
    const h2 = harness;
    await h2.emulator.resumeAll();
    const seen = [calls];
    await h2.clock.advance(59);
    seen.push(calls);
    await h2.clock.advance(1);
    seen.push(calls);
    await h2.clock.advance(200);
    seen.push(calls);
    // Assess: retried at 100 s and 200 s after that, then exhausted (MaxAttempts 2) into Catch.
    expect(seen).toEqual([1, 1, 2, 3]);
    const result = await h2.describe(first.executionArn);
    expect(result.status).toBe("SUCCEEDED");
    expect(h2.emulator.stats().transitions[first.executionArn]).toBe(4);
  });
});
