import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, buildSync } from "esbuild";

/** The console's own folder (sources, `index.html`, `app.css`). */
export const CONSOLE_ROOT = fileURLToPath(new URL(".", import.meta.url));

/** The budget of the issue: all of the console's JavaScript, gzip-compressed. */
export const JS_GZIP_BUDGET_BYTES = 150 * 1024;

/** One built file, by its path under `/console/`. */
export interface ConsoleFile {
  contentType: string;
  body: Buffer;
}

/** The built console: `index.html`, `app.js`, `app.css` (paths relative to `/console/`). */
export type ConsoleBuild = Map<string, ConsoleFile>;

const esbuildOptions = {
  entryPoints: [join(CONSOLE_ROOT, "src", "main.tsx")],
  bundle: true,
  format: "esm" as const,
  target: ["chrome120", "firefox120", "safari17"],
  jsx: "automatic" as const,
  jsxImportSource: "preact",
  minify: true,
  legalComments: "none" as const,
  write: false,
  outfile: "app.js",
  logLevel: "silent" as const,
};

function assemble(js: Uint8Array): ConsoleBuild {
  return new Map<string, ConsoleFile>([
    ["index.html", { contentType: "text/html; charset=utf-8", body: readFileSync(join(CONSOLE_ROOT, "index.html")) }],
    ["app.js", { contentType: "text/javascript; charset=utf-8", body: Buffer.from(js) }],
    ["app.css", { contentType: "text/css; charset=utf-8", body: readFileSync(join(CONSOLE_ROOT, "src", "app.css")) }],
  ]);
}

/** Builds the console in memory (the local runtime serves it from there; ~100 ms). */
export async function buildConsole(): Promise<ConsoleBuild> {
  const result = await build(esbuildOptions);
  const js = result.outputFiles?.[0];
  if (js === undefined) throw new Error("esbuild produced no output for the console");
  return assemble(js.contents);
}

/** The same build, synchronously (CDK's local bundling calls it during synth). */
export function buildConsoleSync(): ConsoleBuild {
  const result = buildSync(esbuildOptions);
  const js = result.outputFiles?.[0];
  if (js === undefined) throw new Error("esbuild produced no output for the console");
  return assemble(js.contents);
}

/** Writes a build to `outdir` (what the S3 deployment uploads under `console/`). */
export function writeConsole(files: ConsoleBuild, outdir: string): void {
  for (const [path, file] of files) {
    mkdirSync(dirname(join(outdir, path)), { recursive: true });
    writeFileSync(join(outdir, path), file.body);
  }
}

/** Gzip size of every JavaScript file of a build, in bytes (the 150 KB budget). */
export function javascriptGzipBytes(files: ConsoleBuild): number {
  let total = 0;
  for (const [path, file] of files) if (path.endsWith(".js")) total += gzipSync(file.body, { level: 9 }).length;
  return total;
}

// `tsx console/build.ts [outdir]`: build to a folder and print the JavaScript budget.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--help")) {
    process.stdout.write(
      "usage: tsx console/build.ts [outdir]   build the operator console (default outdir: console/dist)\n",
    );
    process.exit(0);
  }
  const outdir = process.argv[2] ?? join(CONSOLE_ROOT, "dist");
  const files = await buildConsole();
  writeConsole(files, outdir);
  const gz = javascriptGzipBytes(files);
  process.stdout.write(
    `console built in ${outdir}: JavaScript ${(gz / 1024).toFixed(1)} KB gzip (budget ${JS_GZIP_BUDGET_BYTES / 1024} KB)\n`,
  );
}
