/**
 * `npm run bench`: every benchmark of issue 7, each phase in its own Node process on a fresh local
 * runtime and a fresh temporary data directory. Prints a table and writes bench/results.json
 * (quoted by BENCHMARKS.md). A benchmark, not a test: it asserts nothing about timings; it reports
 * each figure as the median of repeated runs with min/max, and each speed against a baseline
 * measured in the same run. How each figure is measured: see the phase files and BENCHMARKS.md.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { IntakeRun } from "./lib/intake-load.js";
import { formatSpread, median, round, roundSpread, type Spread, spread } from "./lib/stats.js";
import type { modelWave } from "./lib/wave-model.js";
import type { BundleFigure } from "./phases/bundles.js";
import type { CaseUsage } from "./phases/cost.js";
import type { E2eRun } from "./phases/e2e.js";
import type { LockRun } from "./phases/lock.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TARGETS = {
  intakeRatio: 0.9,
  liveIntakeRatio: 0.5,
  liveIntakeP99Ms: 1000,
  usdPer1000: 1.5,
  bundleBytes: 750_000,
  loadRatio: 1.3,
};

async function phase<T>(name: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-out-"));
  const out = join(dir, `${name}.json`);
  const started = performance.now();
  process.stderr.write(`\n▶ ${name}\n`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "phases", `${name}.ts`), out], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (exit) => resolve(exit ?? 1));
  });
  if (code !== 0) throw new Error(`bench phase ${name} failed (exit ${code})`);
  const { result } = JSON.parse(readFileSync(out, "utf8")) as { result: T };
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`  ${name} took ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  return result;
}

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(
    [
      "npm run bench                               every phase (intake, intake-live, lock, bundles, cost, e2e), a few minutes;",
      "                                            prints a table and writes bench/results.json",
      "npm run bench -- --scenario mass-incident   the mass-incident model (bench/mass-incident.json)",
      "one phase: node --import tsx bench/phases/<phase>.ts out.json",
      "settings: BENCH_REPEATS (5), BENCH_E2E_CASES (40), BENCH_COST_CASES (3), BENCH_LOADS (5), BENCH_MASS_SAMPLES (2)",
      "",
    ].join("\n"),
  );
  process.exit(0);
}

const scenarioFlag = process.argv.indexOf("--scenario");
if (scenarioFlag >= 0) {
  const scenario = process.argv[scenarioFlag + 1];
  if (scenario !== "mass-incident") throw new Error(`unknown scenario ${scenario ?? "(none)"}: try mass-incident`);
  await massIncident();
  process.exit(0);
}

/** `npm run bench -- --scenario mass-incident`: bench/phases/mass-incident.ts, written to bench/mass-incident.json. */
async function massIncident(): Promise<void> {
  const result = await phase<{ model: ReturnType<typeof modelWave> }>("mass-incident");
  const file = join(ROOT, "bench", "mass-incident.json");
  writeFileSync(
    `${file}.tmp`,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), command: "npm run bench -- --scenario mass-incident", ...result }, null, 2)}\n`,
  );
  renameSync(`${file}.tmp`, file);
  const m = result.model;
  const w = m.wave;
  const out: string[] = [];
  out.push(
    `Mass incident: ${w.reports} reports over ${w.minutes} min from ${w.accounts} accounts (peak ${w.peakToMean}× the mean), ${w.agents} agents at ${w.agentSecondsPerCase} s per case`,
  );
  out.push(`Peak rates per second by stage: ${JSON.stringify(m.peakRatesPerSecond)}`);
  out.push("\nHottest shared DynamoDB partitions (WCU/s, RCU/s at the peak):");
  for (const p of m.dynamo.hottestSharedPartitions)
    out.push(
      `   ${p.partition.padEnd(34)} ${String(p.wcuPerSecond).padStart(8)} ${String(p.rcuPerSecond).padStart(8)}`,
    );
  out.push("Sharded keys, all shards together (what one unsharded key would take):");
  for (const g of m.dynamo.shardedGroups)
    out.push(
      `   ${g.group.padEnd(34)} ${String(g.wcuPerSecondAllShards).padStart(8)} ${String(g.rcuPerSecondAllShards).padStart(8)}  (${g.shards} shards: ${g.wcuPerSecondPerShard} WCU/s each)`,
    );
  out.push(`Table: ${m.dynamo.tableWcuPerSecond} WCU/s, ${m.dynamo.tableRcuPerSecond} RCU/s`);
  out.push(
    `Step Functions: ${m.stepFunctions.startsPerSecond} StartExecution/s, ${m.stepFunctions.transitionsPerSecond} transitions/s`,
  );
  out.push(`Lambda: ${m.lambda.invocationsPerSecond} invocations/s, concurrency ${m.lambda.concurrency}`);
  out.push(
    `Messages: ${m.messages.emailsPerSecondAtPeak} emails/s and ${m.messages.smsPerSecondAtPeak} SMS/s at the peak; ${m.messages.totalEmails} emails, ${m.messages.totalSms} SMS in all, ${m.messages.totalToStaff} of them to staff`,
  );
  for (const [name, q] of [
    ["email", m.messages.email],
    ...m.messages.raised.email.map((raised) => ["email", raised] as const),
    ["sms", m.messages.sms],
    ...m.messages.raised.sms.map((raised) => ["sms", raised] as const),
  ] as const)
    out.push(
      `   ${name} queue at ${q.ratePerSecond}/s: backlog ≤ ${q.maxBacklog}, last sent after ${q.lastSentAfterHours} h, longest wait P1 ${q.p1MaxWaitMinutes} min, others ${q.otherMaxWaitMinutes} min`,
    );
  out.push("\nQuota                                   limit     demand   headroom");
  for (const h of m.headroom)
    out.push(
      `   ${h.quota.padEnd(34)} ${String(h.limit).padStart(8)} ${String(h.demandAtPeak).padStart(10)} ${String(h.headroom ?? "∞").padStart(8)}× ${h.fits ? "" : " EXCEEDED"}`,
    );
  out.push("\nWritten to bench/mass-incident.json.");
  process.stdout.write(`\n${out.join("\n")}\n`);
}

const started = performance.now();
const intake = await phase<{
  repeats: number;
  levels: Array<{ concurrency: number; requests: number }>;
  runs: IntakeRun[];
}>("intake");
const intakeLive = await phase<{
  repeats: number;
  level: { concurrency: number; requests: number };
  runs: IntakeRun[];
}>("intake-live");
const lock = await phase<{ repeats: number; perRepeat: number; runs: LockRun[] }>("lock");
const cost = await phase<{ casesPerScenario: number; prices: Record<string, number | string>; cases: CaseUsage[] }>(
  "cost",
);
const bundles = await phase<{ loads: number; bundles: BundleFigure[] }>("bundles");
const e2e = await phase<{
  repeats: number;
  casesPerRepeat: number;
  runs: E2eRun[];
  peakRssMb: number;
  executions: number;
}>("e2e");
const totalSeconds = (performance.now() - started) / 1000;

// 1. Intake: per concurrency, paired repeats (each repeat measures both sides back to back).
const intakeLevels = intake.levels.map(({ concurrency, requests }) => {
  const side = (name: "vigil" | "baseline") =>
    intake.runs.filter((run) => run.side === name && run.concurrency === concurrency);
  const vigil = side("vigil");
  const baseline = side("baseline");
  const ratios = vigil.map((run, i) => run.rps / (baseline[i]?.rps ?? Number.NaN));
  return {
    concurrency,
    requestsPerRun: requests,
    vigil: {
      rps: roundSpread(spread(vigil.map((run) => run.rps)), 1),
      p50Ms: roundSpread(spread(vigil.map((run) => run.p50Ms))),
      p99Ms: roundSpread(spread(vigil.map((run) => run.p99Ms))),
      non202: vigil.reduce((sum, run) => sum + run.non202, 0),
    },
    baseline: {
      rps: roundSpread(spread(baseline.map((run) => run.rps)), 1),
      p50Ms: roundSpread(spread(baseline.map((run) => run.p50Ms))),
      p99Ms: roundSpread(spread(baseline.map((run) => run.p99Ms))),
      non202: baseline.reduce((sum, run) => sum + run.non202, 0),
    },
    ratio: roundSpread(spread(ratios), 3),
    targetMet: median(ratios) >= TARGETS.intakeRatio,
  };
});

// 1b. Intake with the workflows running (plain local runtime), paired repeats at concurrency 32.
const liveSide = (name: "vigil" | "baseline") => intakeLive.runs.filter((run) => run.side === name);
const liveRatios = liveSide("vigil").map((run, i) => run.rps / (liveSide("baseline")[i]?.rps ?? Number.NaN));
const intakeLiveFigures = {
  concurrency: intakeLive.level.concurrency,
  requestsPerRun: intakeLive.level.requests,
  vigil: {
    rps: roundSpread(spread(liveSide("vigil").map((run) => run.rps)), 1),
    p50Ms: roundSpread(spread(liveSide("vigil").map((run) => run.p50Ms))),
    p99Ms: roundSpread(spread(liveSide("vigil").map((run) => run.p99Ms))),
    non202: liveSide("vigil").reduce((sum, run) => sum + run.non202, 0),
  },
  baseline: {
    rps: roundSpread(spread(liveSide("baseline").map((run) => run.rps)), 1),
    p99Ms: roundSpread(spread(liveSide("baseline").map((run) => run.p99Ms))),
  },
  ratio: roundSpread(spread(liveRatios), 3),
  targetMet:
    median(liveRatios) >= TARGETS.liveIntakeRatio &&
    median(liveSide("vigil").map((run) => run.p99Ms)) < TARGETS.liveIntakeP99Ms,
};

// 2. Time-to-lock.
const lockSide = (name: "vigil" | "baseline") => lock.runs.filter((run) => run.side === name);
const lockFigures = {
  samplesPerRepeat: lock.perRepeat,
  vigil: {
    p50Ms: roundSpread(spread(lockSide("vigil").map((r) => r.p50Ms))),
    p99Ms: roundSpread(spread(lockSide("vigil").map((r) => r.p99Ms))),
  },
  baseline: {
    p50Ms: roundSpread(spread(lockSide("baseline").map((r) => r.p50Ms))),
    p99Ms: roundSpread(spread(lockSide("baseline").map((r) => r.p99Ms))),
  },
  ratioP50: roundSpread(
    spread(lockSide("vigil").map((run, i) => run.p50Ms / (lockSide("baseline")[i]?.p50Ms ?? Number.NaN))),
    2,
  ),
  productTargetSeconds: 60,
};

// 3. Cost per case, per scenario (median of its cases; min/max over them).
const price = cost.prices as Record<string, number>;
const scenarios = [...new Set(cost.cases.map((c) => c.scenario))];
const costRows = scenarios.map((scenario) => {
  const cases = cost.cases.filter((c) => c.scenario === scenario);
  const m = (pick: (c: CaseUsage) => number) => median(cases.map(pick));
  return {
    scenario,
    priority: cases[0]?.priority,
    cases: cases.length,
    allResolved: cases.every((c) => c.finalStatus === "resolved"),
    executionsLeftRunning: cases.reduce((sum, c) => sum + c.stillRunning, 0),
    transitions: m((c) => c.transitions),
    lambdaInvocations: m((c) => c.lambdaInvocations),
    taskInvocations: m((c) => c.taskInvocations),
    apiRequests: m((c) => c.apiRequests),
    lambdaMsMeasured: round(
      m((c) => c.lambdaMsMeasured),
      0,
    ),
    dynamoRequests: m((c) => Object.values(c.dynamo.requests).reduce((sum, n) => sum + n, 0)),
    wru: m((c) => c.dynamo.tableWru + c.dynamo.indexWru),
    wruOnIndexes: m((c) => c.dynamo.indexWru),
    rru: m((c) => c.dynamo.rru),
    conditionalFailures: m((c) => c.dynamo.conditionalFailures),
    emails: m((c) => c.emails),
    sms: m((c) => c.sms),
    events: m((c) => c.events),
    usdPer1000: roundSpread(spread(cases.map((c) => c.usdPer1000)), 3),
    /** Where the median case's money goes (USD per 1,000 cases), Lambda at the headline duration. */
    breakdownUsdPer1000: {
      stepFunctions: round(1000 * m((c) => c.transitions) * (price.stepFunctionsTransition ?? 0), 3),
      ses: round(1000 * m((c) => c.emails) * (price.sesEmail ?? 0), 3),
      dynamodb: round(
        1000 *
          (m((c) => c.dynamo.tableWru + c.dynamo.indexWru) * (price.dynamoWru ?? 0) +
            m((c) => c.dynamo.rru) * (price.dynamoRru ?? 0)),
        3,
      ),
      lambda: round(
        1000 *
          (m((c) => c.lambdaInvocations) * (price.lambdaRequest ?? 0) +
            (Math.max(
              m((c) => c.lambdaInvocations) * (price.assumedInvocationMs ?? 0),
              m((c) => c.lambdaMsMeasured),
            ) /
              1000) *
              (price.lambdaMemoryGb ?? 0) *
              (price.lambdaGbSecondArm64 ?? 0)),
        3,
      ),
      apiGateway: round(1000 * m((c) => c.apiRequests) * (price.apiGatewayRequest ?? 0), 3),
      eventBridge: round(1000 * m((c) => c.events) * (price.eventBridgeEvent ?? 0), 3),
    },
    usdPer1000WithMeasuredDuration: round(
      m((c) => c.usdPer1000WithMeasuredDuration),
      3,
    ),
    smsUsdPer1000Indicative: round(
      m((c) => c.smsUsdPer1000Indicative),
      2,
    ),
  };
});
const worstUsd = Math.max(...costRows.map((row) => row.usdPer1000.median));
const meanUsd = costRows.reduce((sum, row) => sum + row.usdPer1000.median, 0) / costRows.length;

// 4. Bundles.
const bundleRows = bundles.bundles.map((b) => ({
  name: b.name,
  bytes: b.bytes,
  kb: round(b.bytes / 1000, 1),
  loadMs: roundSpread(spread(b.loadMs), 1),
  baselineLoadMs: roundSpread(spread(b.baselineLoadMs), 1),
  ratio: round(b.ratio, 2),
  sdkClients: b.sdkClients,
  sizeMet: b.bytes <= TARGETS.bundleBytes,
  loadMet: b.ratio <= TARGETS.loadRatio,
}));

// 5. End to end.
const e2eFigures = {
  casesPerRepeat: e2e.casesPerRepeat,
  casesPerSecond: roundSpread(spread(e2e.runs.map((run) => run.casesPerSecond)), 2),
  baselineIntakePerSecond: roundSpread(spread(e2e.runs.map((run) => run.baselineIntakePerSecond)), 1),
  ratio: roundSpread(spread(e2e.runs.map((run) => run.casesPerSecond / run.baselineIntakePerSecond)), 4),
  resolved: e2e.runs.reduce((sum, run) => sum + run.resolved, 0),
  attempted: e2e.runs.reduce((sum, run) => sum + run.cases, 0),
  peakRssMb: round(e2e.peakRssMb, 0),
  executions: e2e.executions,
};

const targets = {
  intake: {
    target: `Vigil ≥ ${TARGETS.intakeRatio * 100} % of the baseline's throughput at every concurrency`,
    met: intakeLevels.every((l) => l.targetMet),
  },
  intakeLive: {
    target: `with the workflows running: Vigil ≥ ${TARGETS.liveIntakeRatio * 100} % of the baseline at concurrency 32, p99 < ${TARGETS.liveIntakeP99Ms} ms`,
    met: intakeLiveFigures.targetMet,
  },
  cost: {
    target: `≤ $${TARGETS.usdPer1000} per 1,000 cases excluding SMS, for every incident scenario`,
    met: worstUsd <= TARGETS.usdPer1000,
  },
  bundleSize: {
    target: `every bundle ≤ ${TARGETS.bundleBytes / 1000} KB (1 KB = 1,000 bytes)`,
    met: bundleRows.every((b) => b.sizeMet),
  },
  bundleLoad: {
    target: `every bundle's load time ≤ ${TARGETS.loadRatio} × its baseline`,
    met: bundleRows.every((b) => b.loadMet),
  },
};

const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const results = {
  generatedAt: new Date().toISOString(),
  command: "npm run bench",
  commit,
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    os: `${platform()} ${release()}`,
  },
  totalSeconds: round(totalSeconds, 0),
  targets,
  intake: { repeats: intake.repeats, levels: intakeLevels },
  intakeLive: { repeats: intakeLive.repeats, ...intakeLiveFigures },
  timeToLock: lockFigures,
  cost: {
    casesPerScenario: cost.casesPerScenario,
    prices: cost.prices,
    worstUsdPer1000: round(worstUsd, 3),
    meanUsdPer1000: round(meanUsd, 3),
    scenarios: costRows,
  },
  bundles: { loadsPerBundle: bundles.loads, bundles: bundleRows },
  endToEnd: e2eFigures,
};
const file = join(ROOT, "bench", "results.json");
writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
renameSync(`${file}.tmp`, file);

// The table.
const lines: string[] = [];
const s = (value: Spread, digits = 1) => formatSpread(value, digits);
const mark = (met: boolean) => (met ? "met" : "NOT met");
lines.push(
  `Vigil benchmarks — ${results.machine.cpu} × ${results.machine.cores}, Node ${process.version}, commit ${commit}`,
);
lines.push("Figures: median [min–max] over repeats.\n");
lines.push(
  "1. Intake POST /v1/reports (req/s; p50/p99 ms)          Vigil                     baseline                  Vigil/baseline",
);
for (const level of intakeLevels) {
  lines.push(
    `   c=${String(level.concurrency).padEnd(3)} req/s  ${s(level.vigil.rps).padEnd(24)} ${s(level.baseline.rps).padEnd(24)} ${s(level.ratio, 2)}  (target ≥ ${TARGETS.intakeRatio}: ${mark(level.targetMet)})`,
  );
  lines.push(`         p50    ${s(level.vigil.p50Ms).padEnd(24)} ${s(level.baseline.p50Ms).padEnd(24)}`);
  lines.push(`         p99    ${s(level.vigil.p99Ms).padEnd(24)} ${s(level.baseline.p99Ms).padEnd(24)}`);
}
lines.push(
  `   with the workflows running (plain local runtime), c=${intakeLiveFigures.concurrency}: Vigil ${s(intakeLiveFigures.vigil.rps)} req/s, p99 ${s(intakeLiveFigures.vigil.p99Ms)} ms; baseline ${s(intakeLiveFigures.baseline.rps)} req/s; ratio ${s(intakeLiveFigures.ratio, 2)} (target ≥ ${TARGETS.liveIntakeRatio} and p99 < ${TARGETS.liveIntakeP99Ms} ms: ${mark(intakeLiveFigures.targetMet)})`,
);
lines.push(`\n2. Time to lock, P1 (ms)   Vigil p50 ${s(lockFigures.vigil.p50Ms)}  p99 ${s(lockFigures.vigil.p99Ms)}`);
lines.push(
  `                           baseline p50 ${s(lockFigures.baseline.p50Ms)}  p99 ${s(lockFigures.baseline.p99Ms)}  Vigil/baseline p50 ${s(lockFigures.ratioP50, 1)}×`,
);
lines.push(
  "\n3. Cost per case (full lifecycle)  prio trans  λ inv  WRU   RRU  email sms  ev   USD/1k cases (ex. SMS)   SMS USD/1k (indicative)",
);
for (const row of costRows) {
  lines.push(
    `   ${row.scenario.padEnd(30)} ${String(row.priority).padEnd(4)} ${String(row.transitions).padEnd(5)} ${String(row.lambdaInvocations).padEnd(6)} ${String(row.wru).padEnd(5)} ${String(row.rru).padEnd(4)} ${String(row.emails).padEnd(5)} ${String(row.sms).padEnd(4)} ${String(row.events).padEnd(4)} ${s(row.usdPer1000, 3).padEnd(24)} ${row.smsUsdPer1000Indicative.toFixed(2)}`,
  );
}
lines.push(
  `   worst ${worstUsd.toFixed(3)} USD, mean over scenarios ${meanUsd.toFixed(3)} USD per 1,000 cases (target ≤ 1.50: ${mark(targets.cost.met)})`,
);
lines.push("\n4. Lambda bundles                 KB      load ms              baseline ms          ratio");
for (const row of bundleRows) {
  lines.push(
    `   ${row.name.padEnd(28)} ${row.kb.toFixed(1).padStart(6)}${row.sizeMet ? " " : "!"} ${s(row.loadMs).padEnd(20)} ${s(row.baselineLoadMs).padEnd(20)} ${row.ratio.toFixed(2)}${row.loadMet ? "" : " !"}`,
  );
}
lines.push(`   size ≤ 750 KB: ${mark(targets.bundleSize.met)}; load ≤ 1.3× baseline: ${mark(targets.bundleLoad.met)}`);
lines.push(
  `\n5. End to end: ${s(e2eFigures.casesPerSecond, 2)} complete cases/s (${e2eFigures.resolved}/${e2eFigures.attempted} resolved); baseline intake ${s(e2eFigures.baselineIntakePerSecond)} req/s; ratio ${s(e2eFigures.ratio, 3)}; peak RSS ${e2eFigures.peakRssMb} MB`,
);
lines.push(`\nTotal ${totalSeconds.toFixed(0)} s. Written to bench/results.json.`);
process.stdout.write(`\n${lines.join("\n")}\n`);
