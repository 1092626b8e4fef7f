/**
 * Phase 5: complete cases per second on the local runtime, and its peak RSS. Each repeat drives a
 * batch of cases (every scenario in turn) step by step, as people would, with the virtual clock
 * moving between the steps: all report (8 at a time); 2 minutes later all reporters confirm; 2
 * minutes later agents open, acknowledge and resolve them — inside every SLA's first warning, so no
 * escalation work is added. The time includes the clock advances (which fire the SLA timers).
 * The baseline is the irreducible intake (bench/lib/baseline-server.ts), measured in the same process.
 */
import { performance } from "node:perf_hooks";
import { startBaselineBeside } from "../lib/baseline-server.js";
import { CaseDriver, type DrivenCase, SCENARIOS } from "../lib/lifecycle.js";
import { LoadClient, pool, reportData, signReport } from "../lib/load-client.js";
import { runPhase } from "../lib/phase.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const CASES = Number(process.env.BENCH_E2E_CASES ?? 40);
const CONCURRENCY = 8;
const STEP_SECONDS = 120;

export interface E2eRun {
  cases: number;
  resolved: number;
  seconds: number;
  casesPerSecond: number;
  baselineIntakePerSecond: number;
  rssMb: number;
}

await runPhase("e2e", async (runtime) => {
  const baseline = await startBaselineBeside(runtime);
  const secret = runtime.config.webhookSecrets[0] as string;
  const baselineClient = new LoadClient(baseline.url, { sources: 8 });
  const baselineRate = async (requests: number) => {
    const batch = Array.from({ length: requests }, () =>
      signReport(secret, { data: reportData(), at: runtime.clock.now(), path: "/baseline/reports" }),
    );
    const started = performance.now();
    await pool(batch, CONCURRENCY, (report) => baselineClient.send(report));
    const rate = (requests / (performance.now() - started)) * 1000;
    await runtime.sfn.waitIdle();
    return rate;
  };

  const batch = async (count: number): Promise<{ driven: DrivenCase[]; seconds: number }> => {
    const client = new LoadClient(runtime.url, { sources: 8 });
    const driver = new CaseDriver(runtime, client);
    const scenarios = Array.from(
      { length: count },
      (_, i) => SCENARIOS[i % SCENARIOS.length] as (typeof SCENARIOS)[number],
    );
    const started = performance.now();
    const driven = await pool(scenarios, CONCURRENCY, (scenario) => driver.report(scenario));
    await runtime.sfn.waitIdle();
    await runtime.clock.advance(STEP_SECONDS);
    await pool(driven, CONCURRENCY, (item) => driver.verify(item));
    await runtime.sfn.waitIdle();
    await runtime.clock.advance(STEP_SECONDS);
    await pool(driven, CONCURRENCY, (item) => driver.resolve(item));
    await runtime.sfn.waitIdle();
    const seconds = (performance.now() - started) / 1000;
    await pool(driven, CONCURRENCY, (item) => driver.status(item));
    client.close();
    return { driven, seconds };
  };

  await batch(16);
  await baselineRate(100);
  const runs: E2eRun[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const baselineIntakePerSecond = await baselineRate(200);
    const { driven, seconds } = await batch(CASES);
    const resolved = driven.filter((item) => item.finalStatus === "resolved").length;
    const run = {
      cases: CASES,
      resolved,
      seconds,
      casesPerSecond: CASES / seconds,
      baselineIntakePerSecond,
      rssMb: process.memoryUsage().rss / 2 ** 20,
    };
    runs.push(run);
    process.stderr.write(
      `e2e: ${run.casesPerSecond.toFixed(1)} cases/s (${resolved}/${CASES} resolved), baseline ${baselineIntakePerSecond.toFixed(0)}/s\n`,
    );
  }
  baselineClient.close();
  await baseline.close();
  const executions = Object.keys(runtime.sfn.stats().transitions).length;
  return {
    repeats: REPEATS,
    casesPerRepeat: CASES,
    concurrency: CONCURRENCY,
    stepSeconds: STEP_SECONDS,
    runs,
    executions,
    // ru_maxrss: the peak resident set of this process (runtime, emulators and the driver), in KB on Linux.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
});
