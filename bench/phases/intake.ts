/**
 * Phase 1: intake throughput and latency of `POST /v1/reports` at concurrency 1, 8 and 32, against
 * the irreducible baseline (bench/lib/baseline-server.ts) on the same process, DynamoDB and Step
 * Functions emulator. Repeats alternate which side goes first; background workflow work started by
 * one run is drained (untimed) before the next.
 */
import { performance } from "node:perf_hooks";
import { TABLE_NAME } from "../../local/runtime.js";
import { startBaselineServer } from "../lib/baseline-server.js";
import { LoadClient, pool, reportData, type SignedReport, signReport } from "../lib/load-client.js";
import { runPhase } from "../lib/phase.js";
import { percentile } from "../lib/stats.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const LEVELS = [
  { concurrency: 1, requests: 150 },
  { concurrency: 8, requests: 400 },
  { concurrency: 32, requests: 480 },
];

export interface IntakeRun {
  side: "vigil" | "baseline";
  concurrency: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non202: number;
  drainMs: number;
}

await runPhase("intake", async (runtime) => {
  const baseline = await startBaselineServer({
    webhookSecrets: runtime.config.webhookSecrets,
    tableName: TABLE_NAME,
    caseStateMachineArn: runtime.sfn.stateMachineArn("vigil-case"),
    now: () => runtime.clock.now(),
    providerWebhookUrl: `${runtime.url}/_local/provider-webhooks/receive`,
    providerWebhookSecret: runtime.config.providerWebhookSecret,
  });
  const secret = runtime.config.webhookSecrets[0] as string;
  const sides = {
    vigil: { client: new LoadClient(runtime.url, { sources: 32 }), path: "/v1/reports" },
    baseline: { client: new LoadClient(baseline.url, { sources: 32 }), path: "/baseline/reports" },
  };
  const sign = (count: number, path: string): SignedReport[] =>
    Array.from({ length: count }, () => signReport(secret, { data: reportData(), at: runtime.clock.now(), path }));

  const measure = async (side: "vigil" | "baseline", concurrency: number, requests: number): Promise<IntakeRun> => {
    const { client, path } = sides[side];
    const batch = sign(requests, path);
    const started = performance.now();
    const exchanges = await pool(batch, concurrency, (report) => client.send(report));
    const elapsed = performance.now() - started;
    const drainStarted = performance.now();
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
      drainMs: performance.now() - drainStarted,
    };
  };

  // Warm-up: JIT, connection pools, first SDK calls on both sides (not recorded).
  await measure("vigil", 8, 100);
  await measure("baseline", 8, 100);

  const runs: IntakeRun[] = [];
  for (const level of LEVELS) {
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const order: Array<"vigil" | "baseline"> = repeat % 2 === 0 ? ["baseline", "vigil"] : ["vigil", "baseline"];
      for (const side of order) runs.push(await measure(side, level.concurrency, level.requests));
    }
  }
  sides.vigil.client.close();
  sides.baseline.client.close();
  await baseline.close();
  return { repeats: REPEATS, levels: LEVELS, runs };
});
