/**
 * Phase 1b: intake on a plain local runtime (`npm start`'s settings: every function in its own execution
 * environment, nothing held), so the workflows of the reports just accepted run in the same runtime while
 * intake is measured: 32 concurrent senders, against the irreducible baseline (bench/lib/baseline-server.ts)
 * beside it. Issue 15's target: ≥ 0.50 of the baseline with a p99 under 1 s. Each run starts with nothing
 * running (the workflows of the previous run parked or done); repeats alternate which side goes first.
 */
import { performance } from "node:perf_hooks";
import { startBaselineBeside } from "../lib/baseline-server.js";
import { LoadClient, pool, reportData, type SignedReport, signReport } from "../lib/load-client.js";
import { runPhase } from "../lib/phase.js";
import { percentile } from "../lib/stats.js";
import type { IntakeRun } from "./intake.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const LEVEL = { concurrency: 32, requests: 200 };

await runPhase("intake-live", async (runtime) => {
  const baseline = await startBaselineBeside(runtime);
  const secret = runtime.config.webhookSecrets[0] as string;
  const sides = {
    vigil: { url: runtime.url, path: "/v1/reports" },
    baseline: { url: baseline.url, path: "/baseline/reports" },
  };
  const sign = (count: number, path: string): SignedReport[] =>
    Array.from({ length: count }, () => signReport(secret, { data: reportData(), at: runtime.clock.now(), path }));

  const measure = async (side: "vigil" | "baseline", concurrency: number, requests: number): Promise<IntakeRun> => {
    const { url, path } = sides[side];
    const batch = sign(requests, path);
    const client = new LoadClient(url, { sources: 32 });
    const started = performance.now();
    const exchanges = await pool(batch, concurrency, (report) => client.send(report));
    const elapsed = performance.now() - started;
    client.close();
    // The next run starts from a quiet runtime: this run's workflows finish (or park) first.
    await runtime.sfn.waitIdle();
    const latencies = exchanges.map((exchange) => exchange.ms);
    return {
      side,
      concurrency,
      requests,
      rps: (requests / elapsed) * 1000,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      non202: exchanges.filter((exchange) => exchange.status !== 202).length,
    };
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
