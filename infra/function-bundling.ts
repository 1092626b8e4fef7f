import type { BuildOptions } from "esbuild";

/** A safety net for the CJS dependencies that still call require() inside an ESM bundle. */
export const ESM_REQUIRE_BANNER = "import{createRequire}from'module';const require=createRequire(import.meta.url);";

/**
 * How every function is bundled, as esbuild options: one definition for AppFunction (CDK's NodejsFunction,
 * infra/constructs/app-function.ts), the local runtime's execution environments (local/lambda/bundle.ts) and the
 * bundle benchmarks. ESM first (`mainFields`), or bundled CJS dependencies fail at load with "Dynamic require of …
 * is not supported"; the AWS SDK bundled (docs/adr/0009-aws-sdk-bundling.md).
 */
export const FUNCTION_ESBUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  minify: true,
  keepNames: true,
  mainFields: ["module", "main"],
  banner: { js: ESM_REQUIRE_BANNER },
  external: [],
} as const satisfies BuildOptions;
