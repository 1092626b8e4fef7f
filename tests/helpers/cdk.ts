import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, type AppProps } from "aws-cdk-lib";

/** Where test apps write their cloud assemblies; `tests/global-setup.ts` deletes it after the run. */
export const TEST_OUT_ROOT =
  process.env.VIGIL_CDK_TEST_OUT ?? fileURLToPath(new URL("../../.cdk-test-out/", import.meta.url));

// `new App()` in a test does not read cdk.json, so without this the tests would run other feature flags.
const cdkJsonContext =
  (
    JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
      context?: Record<string, unknown>;
    }
  ).context ?? {};

/** Options of {@link testApp}. */
export interface TestAppOptions extends AppProps {
  /**
   * Skip esbuild bundling and the built-in CloudFormation validation (~0.3 s per synth instead of several
   * seconds). Keep one test with `fast: false` to catch bundling and validation regressions.
   * @default true
   */
  readonly fast?: boolean;
}

/** A CDK app for tests: cdk.json's context, a private outdir under `.cdk-test-out/`, fast by default. */
export function testApp({ fast = true, context, ...props }: TestAppOptions = {}): App {
  mkdirSync(TEST_OUT_ROOT, { recursive: true });
  return new App({
    outdir: mkdtempSync(join(TEST_OUT_ROOT, "app-")),
    context: { ...cdkJsonContext, ...(fast ? { "aws:cdk:bundling-stacks": [] } : {}), ...context },
    ...(fast ? { builtinCloudFormationValidation: false } : {}),
    ...props,
  });
}
