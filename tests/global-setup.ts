import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../.cdk-test-out/", import.meta.url));

/** Gives this vitest run its own CDK output folder, so overlapping runs never delete each other's. */
export function setup(): void {
  process.env.VIGIL_CDK_TEST_OUT = join(root, `run-${process.pid}`);
}

/** Removes this run's CDK output folder. */
export function teardown(): void {
  if (process.env.VIGIL_CDK_TEST_OUT) rmSync(process.env.VIGIL_CDK_TEST_OUT, { recursive: true, force: true });
}
