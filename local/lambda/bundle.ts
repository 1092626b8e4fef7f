/**
 * Bundles `functions/*.ts` the way CDK does (esbuild, ESM, minified, the AWS SDK bundled as ADR 0009 decides,
 * kept names), so each local execution environment loads one plain JS file as Lambda does. Bundles are cached under
 * `node_modules/.cache/vigil/lambda/<hash>/`, keyed by a hash of everything that goes into them, so a warm
 * `npm start` only hashes the sources (tens of ms) and builds nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type BuildOptions, build } from "esbuild";
import { FUNCTION_ESBUILD_OPTIONS } from "../../infra/function-bundling.js";

/** AppFunction's bundling options (infra/constructs/app-function.ts), for the Node that runs the local runtime. */
const OPTIONS: BuildOptions = {
  ...FUNCTION_ESBUILD_OPTIONS,
  target: "node20",
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
};

/** Files whose content decides the bundles: sources, entries, locked dependency versions, these options. */
function hashInputs(root: string): string {
  const hash = createHash("sha256").update(JSON.stringify(OPTIONS));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  walk(join(root, "src"));
  walk(join(root, "functions"));
  hash.update(readFileSync(join(root, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Returns `name → bundle file` for every `functions/<name>.ts`, building them once per content hash. Safe
 * when several processes start at once (each builds into its own folder and the first rename wins).
 */
export async function bundleFunctions(root: string): Promise<Map<string, string>> {
  const names = readdirSync(join(root, "functions"))
    .filter((file) => file.endsWith(".ts"))
    .map((file) => file.replace(/\.ts$/, ""));
  const cache = join(root, "node_modules", ".cache", "vigil", "lambda");
  const dir = join(cache, hashInputs(root));
  const files = new Map(names.map((name) => [name, join(dir, `${name}.mjs`)]));
  if (existsSync(join(dir, "complete"))) return files;
  const temp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  await build({
    ...OPTIONS,
    entryPoints: names.map((name) => join(root, "functions", `${name}.ts`)),
    outdir: temp,
  });
  mkdirSync(join(temp, "complete"));
  try {
    renameSync(temp, dir);
  } catch {
    // Another process finished the same build first: use its bundles.
    rmSync(temp, { recursive: true, force: true });
  }
  pruneOldBundles(cache, dir);
  return files;
}

/** Keeps the cache from growing with every edit: folders of other hashes older than a day go. */
function pruneOldBundles(cache: string, keep: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const entry of readdirSync(cache)) {
    const path = join(cache, entry);
    if (path !== keep && statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
}
