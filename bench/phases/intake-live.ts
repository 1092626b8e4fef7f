/**
 * Phase 1b: intake on a plain local runtime (`npm start`'s settings: every function in its own execution
 * environment, nothing held), so the workflows of the reports just accepted run in the same runtime while
 * intake is measured: 32 concurrent senders, against the irreducible baseline (bench/lib/baseline-server.ts)
 * beside it. Issue 15's target: ≥ 0.50 of the baseline with a p99 under 1 s. Each run starts with nothing
 * running (the workflows of the previous run parked or done); repeats alternate which side goes first.
 */
import { startBaselineBeside } from "../lib/baseline-server.js";
import { type IntakeRun, intakeMeter } from "../lib/intake-load.js";
import { runPhase } from "../lib/phase.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const LEVEL = { concurrency: 32, requests: 200 };

await runPhase("intake-live", async (runtime) => {
  const baseline = await startBaselineBeside(runtime);
  const meter = intakeMeter(runtime, baseline);
  const measure = async (side: IntakeRun["side"], concurrency: number, requests: number): Promise<IntakeRun> => {
    const run = await meter(side, concurrency, requests);
    // The next run starts from a quiet runtime: this run's workflows finish (or park) first.
    await runtime.sfn.waitIdle();
    return run;
  };

  // Warm-up, not recorded: every function's execution environment, the emulators, both sides.
  await measure("vigil", 8, 40);
  await measure("baseline", 8, 40);

  const runs: IntakeRun[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const order: Array<"vigil" | "baseline"> = repeat % 2 === 0 ? ["baseline", "vigil"] : ["vigil", "baseline"];
    for (const side of order) {
      const run = await measure(side, LEVEL.concurrency, LEVEL.requests);
      process.stderr.write(
        `intake-live ${side} c=${run.concurrency}: ${run.rps.toFixed(0)} req/s, p99 ${run.p99Ms.toFixed(0)} ms\n`,
      );
      runs.push(run);
    }
  }
  await baseline.close();
  return { repeats: REPEATS, level: LEVEL, runs };
});
