/**
 * Phase 4: Lambda bundles. Every `functions/*.ts` is bundled with esbuild using the options of
 * infra/constructs/app-function.ts (ESM, node24, minify, keepNames, source map without sources,
 * mainFields module/main, the createRequire banner, the AWS SDK bundled as ADR 0009 decided), into
 * bench/.out/ (inside the repository). For each: the bundle size, and the module-load time in a fresh Node process (median of
 * N imports) against a baseline bundle that only imports and constructs the AWS SDK clients the
 * function's bundle imports (read from esbuild's metafile).
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build } from "esbuild";
import { FUNCTION_ESBUILD_OPTIONS } from "../../infra/function-bundling.js";
import { ENV } from "../../src/config/env-names.js";
import { median } from "../lib/stats.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = join(ROOT, "bench", ".out", "bundles");
const LOADS = Number(process.env.BENCH_LOADS ?? 5);

/** The bundling options of AppFunction (infra/constructs/app-function.ts), as esbuild options. */
const INFRA_OPTIONS: BuildOptions = {
  ...FUNCTION_ESBUILD_OPTIONS,
  sourcemap: true,
  sourcesContent: false,
  logLevel: "warning",
  metafile: true,
};

/** The environment CDK gives the functions (values are placeholders; no call is made at load). */
const LAMBDA_ENV = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "x",
  AWS_SECRET_ACCESS_KEY: "x",
  NODE_OPTIONS: "--enable-source-maps",
  POWERTOOLS_SERVICE_NAME: "vigil",
  [ENV.tableName]: "vigil",
  [ENV.caseStateMachineArn]: "arn:aws:states:eu-west-1:000000000000:stateMachine:vigil-case",
  [ENV.timerStateMachineArn]: "arn:aws:states:eu-west-1:000000000000:stateMachine:vigil-timer",
  [ENV.intakeSecretArn]: "arn:aws:secretsmanager:eu-west-1:000000000000:secret:vigil",
  [ENV.eventBusName]: "vigil-events",
  [ENV.publicBaseUrl]: "https://vigil.example",
  [ENV.providerWebhookUrl]: "https://provider.example/webhooks",
  [ENV.emailFrom]: "Vigil Security <security@vigil.example>",
};

export interface BundleFigure {
  name: string;
  bytes: number;
  sdkClients: string[];
  loadMs: number[];
  baselineLoadMs: number[];
  loadMedianMs: number;
  baselineMedianMs: number;
  ratio: number;
}

/** Loads `file` in a fresh Node process and returns the time of the `import()` alone, in ms. */
function loadTime(file: string, env: Record<string, string>): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: OUT,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return Number(output.trim());
}

export async function measureBundles(): Promise<{ loads: number; bundles: BundleFigure[] }> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const names = readdirSync(join(ROOT, "functions"))
    .filter((file) => file.endsWith(".ts"))
    .map((file) => file.replace(/\.ts$/, ""))
    .sort();

  const built: Array<{ name: string; file: string; bytes: number; sdkClients: string[]; baseline: string }> = [];
  const baselines = new Map<string, string>();
  for (const name of names) {
    const file = join(OUT, name, "index.mjs");
    const result = await build({
      ...INFRA_OPTIONS,
      entryPoints: [join(ROOT, "functions", `${name}.ts`)],
      outfile: file,
    });
    // The SDK is bundled, so the packages come from the bundle's inputs rather than from external imports.
    const sdkClients = [
      ...new Set(
        Object.keys(result.metafile?.inputs ?? {})
          .map((input) => /node_modules\/(@aws-sdk\/(?:client|lib)-[a-z0-9-]+)\//.exec(input)?.[1])
          .filter((pkg): pkg is string => pkg !== undefined),
      ),
    ].sort();
    const key = sdkClients.join(",") || "(none)";
    if (!baselines.has(key)) {
      const dir = join(OUT, `baseline-${baselines.size}`);
      mkdirSync(dir, { recursive: true });
      const entry = join(dir, "entry.mjs");
      // The same work the function does with the SDK at load: import each client package and
      // construct its client (Vigil builds its adapters at module scope).
      writeFileSync(
        entry,
        `${sdkClients.map((pkg, i) => `import * as m${i} from ${JSON.stringify(pkg)};`).join("\n")}
const modules = [${sdkClients.map((_, i) => `m${i}`).join(", ")}];
export const clients = modules.flatMap((m) =>
  Object.entries(m)
    .filter(([name, value]) => name.endsWith("Client") && !name.startsWith("_") && typeof value === "function")
    .map(([, Client]) => new Client({})),
);
export const handler = async () => clients.length;
`,
      );
      const baselineFile = join(dir, "index.mjs");
      await build({ ...INFRA_OPTIONS, entryPoints: [entry], outfile: baselineFile });
      baselines.set(key, baselineFile);
    }
    built.push({ name, file, bytes: statSync(file).size, sdkClients, baseline: baselines.get(key) as string });
  }

  // Interleaved rounds, so drift on a shared machine hits functions and baselines alike.
  const loads = new Map<string, number[]>();
  const take = (file: string) => {
    const ms = loadTime(file, LAMBDA_ENV);
    loads.set(file, [...(loads.get(file) ?? []), ms]);
  };
  take(built[0]?.baseline ?? ""); // warm the file cache
  loads.clear();
  for (let round = 0; round < LOADS; round++) {
    for (const bundle of built) {
      take(bundle.file);
      take(bundle.baseline);
    }
  }

  return {
    loads: LOADS,
    bundles: built.map((bundle) => {
      const loadMs = loads.get(bundle.file) ?? [];
      const baselineLoadMs = loads.get(bundle.baseline) ?? [];
      return {
        name: bundle.name,
        bytes: bundle.bytes,
        sdkClients: bundle.sdkClients,
        loadMs,
        baselineLoadMs,
        loadMedianMs: median(loadMs),
        baselineMedianMs: median(baselineLoadMs),
        ratio: median(loadMs) / median(baselineLoadMs),
      };
    }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  let result: Awaited<ReturnType<typeof measureBundles>>;
  try {
    result = await measureBundles();
  } finally {
    // Minified bundles must not linger in the repository (Biome and git would see them).
    rmSync(join(ROOT, "bench", ".out"), { recursive: true, force: true });
  }
  const out = process.argv[2];
  const payload = JSON.stringify({ phase: "bundles", result }, null, 2);
  if (out) writeFileSync(out, payload);
  else process.stdout.write(`${payload}\n`);
}
