import { rmSync } from "node:fs";

/** Removes the CDK test output folder that infra tests write to. */
export function teardown(): void {
  rmSync(new URL("../.cdk-test-out/", import.meta.url), { recursive: true, force: true });
}
