/**
 * Phase 2: time-to-lock for P1 reports — from sending `POST /v1/reports` to the provider sink
 * receiving `account.lock.requested` for that case — against the irreducible baseline
 * (`POST /baseline/lock`: signature check, one PutItem, StartExecution, then one signed delivery
 * straight to the same sink). One report at a time; the rest of each case runs (untimed) before the next.
 */
import { performance } from "node:perf_hooks";
import { startBaselineBeside } from "../lib/baseline-server.js";
import { jsonOf, LoadClient, reportData, signReport } from "../lib/load-client.js";
import { runPhase } from "../lib/phase.js";
import { percentile } from "../lib/stats.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const PER_REPEAT = 20;

export interface LockRun {
  side: "vigil" | "baseline";
  samples: number[];
  p50Ms: number;
  p99Ms: number;
}

await runPhase("lock", async (runtime) => {
  const baseline = await startBaselineBeside(runtime);

  // Hook the provider sink: when did the lock request for each case arrive (first signed 2xx)?
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const receive = runtime.sink.receive.bind(runtime.sink);
  runtime.sink.receive = async (request, rawBody) => {
    const status = await receive(request, rawBody);
    const at = performance.now();
    try {
      const body = JSON.parse(rawBody) as { type?: string; data?: { caseId?: string } };
      const caseId = body.data?.caseId;
      if (body.type === "account.lock.requested" && caseId && status < 300 && !arrivals.has(caseId)) {
        arrivals.set(caseId, at);
        waiters.get(caseId)?.(at);
      }
    } catch {
      // Not JSON: not a lock request.
    }
    return status;
  };
  const arrivalOf = (caseId: string) =>
    new Promise<number>((resolve, reject) => {
      const known = arrivals.get(caseId);
      if (known !== undefined) return resolve(known);
      const timer = setTimeout(() => reject(new Error(`no lock request for ${caseId} within 30 s`)), 30_000);
      waiters.set(caseId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });

  const secret = runtime.config.webhookSecrets[0] as string;
  const targets = {
    vigil: { client: new LoadClient(runtime.url, { sources: 4 }), path: "/v1/reports" },
    baseline: { client: new LoadClient(baseline.url, { sources: 4 }), path: "/baseline/lock" },
  };
  const once = async (side: "vigil" | "baseline"): Promise<number> => {
    const { client, path } = targets[side];
    const report = signReport(secret, {
      data: reportData({ incidentType: "key_compromise" }),
      at: runtime.clock.now(),
      path,
    });
    const sent = performance.now();
    const exchange = await client.send(report);
    const caseId = jsonOf<{ caseId?: string }>(exchange)?.caseId;
    if (exchange.status !== 202 || !caseId) throw new Error(`${side}: ${exchange.status} ${exchange.body}`);
    const arrived = await arrivalOf(caseId);
    await runtime.sfn.waitIdle();
    return arrived - sent;
  };

  for (let i = 0; i < 5; i++) {
    await once("vigil");
    await once("baseline");
  }
  const runs: LockRun[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const order: Array<"vigil" | "baseline"> = repeat % 2 === 0 ? ["baseline", "vigil"] : ["vigil", "baseline"];
    for (const side of order) {
      const samples: number[] = [];
      for (let i = 0; i < PER_REPEAT; i++) samples.push(await once(side));
      runs.push({ side, samples, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) });
      process.stderr.write(`lock ${side}: p50 ${percentile(samples, 50).toFixed(1)} ms\n`);
    }
  }
  targets.vigil.client.close();
  targets.baseline.client.close();
  await baseline.close();
  return { repeats: REPEATS, perRepeat: PER_REPEAT, runs };
});
