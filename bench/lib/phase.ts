import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime.js";

/** Options of {@link runPhase}. */
export interface PhaseOptions {
  /** Called after the runtime started and before the phase sends anything (e.g. to re-point an SDK endpoint). */
  beforeFirstRequest?: (runtime: LocalRuntime) => Promise<void>;
  /**
   * `close` (default): wait for the workflows to be idle, close the runtime, remove the data.
   * `exit`: remove the data and end the process without closing the runtime — for a phase that
   * leaves executions held on purpose (closing would wait for them).
   */
  end?: "close" | "exit";
  /** Puts a proxy in front of DynamoDB (see `LocalRuntimeOptions.dynamoProxy`). */
  dynamoProxy?: (dynamoUrl: string) => Promise<string>;
  /** Extra runtime settings (e.g. `IN_PROCESS_FUNCTIONS` for a phase that holds tasks with a TaskGate). */
  env?: Record<string, string>;
}

/**
 * Runs one benchmark phase in this (child) process: a fresh local runtime on a fresh temporary
 * data directory, removed afterwards; the phase's figures are written as JSON to the file named by
 * the first argument (or to stdout). Each phase gets its own process because the handlers' AWS SDK
 * clients bind to the emulators' endpoints once per process, and so that peak RSS is per phase.
 */
export async function runPhase<T>(
  name: string,
  body: (runtime: LocalRuntime) => Promise<T>,
  options: PhaseOptions = {},
): Promise<void> {
  const out = process.argv[2];
  const dataDir = mkdtempSync(join(tmpdir(), `vigil-bench-${name}-`));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    env: { POWERTOOLS_LOG_LEVEL: "ERROR", ...options.env },
    ...(options.dynamoProxy && { dynamoProxy: options.dynamoProxy }),
  });
  let result: T;
  try {
    await options.beforeFirstRequest?.(runtime);
    result = await body(runtime);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const payload = JSON.stringify({ phase: name, result }, null, 2);
  if (out) writeFileSync(out, payload);
  else process.stdout.write(`${payload}\n`);
  if (options.end === "exit") {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
  await runtime.sfn.waitIdle();
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
}
