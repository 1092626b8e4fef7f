/**
 * Phase 1: intake throughput and latency of `POST /v1/reports` at concurrency 1, 8 and 32, against
 * the irreducible baseline (bench/lib/baseline-server.ts) on the same process, DynamoDB and Step
 * Functions emulator. Both sides start a case-workflow execution per request; its first task is held
 * (bench/lib/hold.ts), so the timed windows measure intake alone.
 * Repeats alternate which side goes first.
 */
import { startBaselineBeside } from "../lib/baseline-server.js";
import { IN_PROCESS_FUNCTIONS, TaskGate } from "../lib/hold.js";
import { type IntakeRun, intakeMeter } from "../lib/intake-load.js";
import { runPhase } from "../lib/phase.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const LEVELS = [
  { concurrency: 1, requests: 150 },
  { concurrency: 8, requests: 300 },
  { concurrency: 32, requests: 500 },
];

await runPhase(
  "intake",
  async (runtime) => {
    const baseline = await startBaselineBeside(runtime);
    // The case workflow's first task (containment first: ContainIncident) is held, so the phase
    // measures intake, not the workflows that run in this same process.
    const gate = await TaskGate.install(runtime, ["contain-incident"]);
    const measure = intakeMeter(runtime, baseline);

    // Warm-up, not recorded: the whole pipeline once (JIT, SDK clients, emulators), then both sides
    // with the gate closed. The gate stays closed to the end: no workflow step runs during any
    // timed window, and the held executions are discarded with the temporary data directory.
    await measure("vigil", 4, 40);
    await runtime.sfn.waitIdle();
    gate.close();
    await measure("vigil", 8, 100);
    await measure("baseline", 8, 100);

    const runs: IntakeRun[] = [];
    for (const level of LEVELS) {
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        const order: Array<"vigil" | "baseline"> = repeat % 2 === 0 ? ["baseline", "vigil"] : ["vigil", "baseline"];
        for (const side of order) {
          const run = await measure(side, level.concurrency, level.requests);
          process.stderr.write(`intake ${side} c=${run.concurrency}: ${run.rps.toFixed(0)} req/s\n`);
          runs.push(run);
        }
      }
    }
    await baseline.close();
    if (gate.passes === 0)
      throw new Error("the task gate never saw a workflow task: the measurement did not isolate intake");
    return { repeats: REPEATS, levels: LEVELS, runs, heldTasks: gate.passes };
  },
  { end: "exit", env: IN_PROCESS_FUNCTIONS },
);
