import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalRuntime, startLocalRuntime } from "../../local/runtime.js";

/**
 * Runs one benchmark phase in this (child) process: a fresh local runtime on a fresh temporary
 * data directory, closed and removed afterwards; the phase's figures are written as JSON to the
 * file named by the first argument. Each phase gets its own process because the handlers' AWS SDK
 * clients bind to the emulators' endpoints once per process, and so that peak RSS is per phase.
 */
export async function runPhase<T>(
  name: string,
  body: (runtime: LocalRuntime) => Promise<T>,
  options: { beforeFirstRequest?: (runtime: LocalRuntime) => Promise<void> } = {},
): Promise<void> {
  const out = process.argv[2];
  const dataDir = mkdtempSync(join(tmpdir(), `vigil-bench-${name}-`));
  const runtime = await startLocalRuntime({ port: 0, dataDir, env: { POWERTOOLS_LOG_LEVEL: "ERROR" } });
  try {
    await options.beforeFirstRequest?.(runtime);
    const result = await body(runtime);
    const payload = JSON.stringify({ phase: name, result }, null, 2);
    if (out) writeFileSync(out, payload);
    else process.stdout.write(`${payload}\n`);
  } finally {
    await runtime.sfn.waitIdle().catch(() => undefined);
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
