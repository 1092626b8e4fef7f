import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synthesizeVigil } from "./fixtures.js";

describe("Vigil app (full synth)", () => {
  // Its own folder: a concurrent vitest run in the same checkout deletes .cdk-test-out/ when it ends, and this
  // synth is long enough to be caught by that.
  const outdir = mkdtempSync(join(tmpdir(), "vigil-full-synth-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  // Bundling 17 functions with the SDK (ADR 0007) plus the CloudFormation validation takes over a minute on a busy
  // 2-core machine: a generous limit, not a speed assertion.
  it("bundles every function and passes cdk-nag and the built-in CloudFormation validation", {
    timeout: 300_000,
  }, () => {
    // Prepare
    const vigil = synthesizeVigil({}, { fast: false, outdir });

    // Act
    const template = vigil.serviceTemplate;

    // Assess
    const functions = Object.values(template.findResources("AWS::Lambda::Function"));
    expect(functions).toHaveLength(17);
    for (const fn of functions) {
      const assetDir = join(outdir, `asset.${(fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, "")}`);
      expect(existsSync(join(assetDir, "index.mjs"))).toBe(true);
      expect(readdirSync(assetDir)).toContain("index.mjs.map");
    }
  });
});
