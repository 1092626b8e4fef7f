/**
 * `npx tsx bench/sdk-bundling.ts [loads]`: the measurement behind docs/adr/0009-aws-sdk-bundling.md.
 *
 * Bundles every `functions/*.ts` twice with the options of infra/constructs/app-function.ts: once with `@aws-sdk/*`
 * external (the SDK the Lambda runtime ships is used) and once with the SDK bundled (the version in package-lock,
 * the one the tests run). For each: the minified size, its gzip size (≈ the zip Lambda downloads), and the module
 * load time in a fresh Node process (median of `loads` imports, the two variants interleaved). The external
 * variant loads the SDK from node_modules, as the runtime loads it from /var/runtime/node_modules: that load is
 * part of the cold start either way, so the two times compare like for like.
 *
 * What this estimates is the init work the choice changes (module loading), on this machine's CPU; Lambda's
 * `Init Duration` adds the runtime start and the code download, and arm64 at 512 MB is slower than a desktop core.
 * The ADR gives the Logs Insights query that reads the real figure from a deployed stage.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build } from "esbuild";
import { FUNCTION_ESBUILD_OPTIONS } from "../infra/function-bundling.js";
import { median } from "./lib/stats.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUT = join(ROOT, "bench", ".out", "sdk-bundling");
const LOADS = Number(process.argv[2] ?? 5);

const BASE: BuildOptions = { ...FUNCTION_ESBUILD_OPTIONS, sourcemap: true, sourcesContent: false, logLevel: "error" };
const VARIANTS = { external: ["@aws-sdk/*"], bundled: [] as string[] } as const;
type Variant = keyof typeof VARIANTS;

const ENV = {
  PATH: process.env.PATH ?? "",
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "x",
  AWS_SECRET_ACCESS_KEY: "x",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  NODE_OPTIONS: "--enable-source-maps",
  VIGIL_TABLE_NAME: "vigil",
  VIGIL_CASE_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:000000000000:stateMachine:vigil-case",
  VIGIL_TIMER_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:000000000000:stateMachine:vigil-timer",
  VIGIL_SECRETS_ARN: "arn:aws:secretsmanager:eu-west-1:000000000000:secret:vigil",
  VIGIL_EVENT_BUS_NAME: "vigil-dev-events",
  VIGIL_PUBLIC_BASE_URL: "https://vigil.example",
  VIGIL_PROVIDER_WEBHOOK_URL: "https://provider.example/webhooks",
  VIGIL_EMAIL_FROM: "Vigil Security <security@vigil.example>",
};

function loadTime(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  return Number(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: OUT,
      env: ENV,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim(),
  );
}

const names = readdirSync(join(ROOT, "functions"))
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.replace(/\.ts$/, ""))
  .sort();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
try {
  const files = new Map<string, string>();
  for (const name of names) {
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const file = join(OUT, variant, name, "index.mjs");
      await build({
        ...BASE,
        external: [...VARIANTS[variant]],
        entryPoints: [join(ROOT, "functions", `${name}.ts`)],
        outfile: file,
      });
      files.set(`${variant}/${name}`, file);
    }
  }
  const loads = new Map<string, number[]>();
  loadTime(files.values().next().value as string); // warm the file cache
  for (let round = 0; round < LOADS; round++) {
    for (const [key, file] of files) loads.set(key, [...(loads.get(key) ?? []), loadTime(file)]);
  }
  const rows = names.map((name) => {
    const row: Record<string, string | number> = { function: name };
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const file = files.get(`${variant}/${name}`) as string;
      row[`${variant} KB`] = Math.round(statSync(file).size / 100) / 10;
      row[`${variant} gzip KB`] = Math.round(gzipSync(readFileSync(file)).length / 100) / 10;
      row[`${variant} load ms`] = Math.round(median(loads.get(`${variant}/${name}`) ?? []) * 10) / 10;
    }
    return row;
  });
  const column = (key: string) => rows.map((row) => Number(row[key]));
  const range = (key: string) => `${Math.min(...column(key))}–${Math.max(...column(key))}`;
  console.table(rows);
  process.stdout.write(
    `${[
      `${names.length} functions, ${LOADS} loads each, Node ${process.version}, ${process.arch}`,
      `external: ${range("external KB")} KB (gzip ${range("external gzip KB")}), load ${range("external load ms")} ms (SDK from node_modules)`,
      `bundled:  ${range("bundled KB")} KB (gzip ${range("bundled gzip KB")}), load ${range("bundled load ms")} ms`,
      `median load, all functions: external ${median(column("external load ms"))} ms, bundled ${median(column("bundled load ms"))} ms`,
    ].join("\n")}\n`,
  );
} finally {
  rmSync(join(ROOT, "bench", ".out", "sdk-bundling"), { recursive: true, force: true });
}
