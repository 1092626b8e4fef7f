import { performance } from "node:perf_hooks";
import type { LocalRuntime } from "../../local/runtime.js";
import type { BaselineServer } from "./baseline-server.js";
import { LoadClient, pool, reportData, type SignedReport, signReport } from "./load-client.js";
import { percentile } from "./stats.js";

/** One timed window of signed reports sent to one side. */
export interface IntakeRun {
  side: "vigil" | "baseline";
  concurrency: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non202: number;
}

/**
 * Measures intake on either side, Vigil's `POST /v1/reports` or the irreducible baseline beside it: a batch
 * of freshly signed reports sent at a concurrency, timed from the first request to the last answer. Shared by
 * the intake phases (`intake`, workflows held; `intake-live`, workflows running).
 */
export function intakeMeter(runtime: LocalRuntime, baseline: BaselineServer) {
  const secret = runtime.config.webhookSecrets[0] as string;
  const sides = {
    vigil: { url: runtime.url, path: "/v1/reports" },
    baseline: { url: baseline.url, path: "/baseline/reports" },
  };
  const sign = (count: number, path: string): SignedReport[] =>
    Array.from({ length: count }, () => signReport(secret, { data: reportData(), at: runtime.clock.now(), path }));

  return async (side: IntakeRun["side"], concurrency: number, requests: number): Promise<IntakeRun> => {
    const { url, path } = sides[side];
    const batch = sign(requests, path);
    // Fresh connections per run: an idle keep-alive socket closed by the server between runs would
    // otherwise fail the next run's first request.
    const client = new LoadClient(url, { sources: 32 });
    const started = performance.now();
    const exchanges = await pool(batch, concurrency, (report) => client.send(report));
    const elapsed = performance.now() - started;
    client.close();
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
}
