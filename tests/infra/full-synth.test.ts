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

  // esbuild bundles every function synchronously: minutes on a loaded 2-core machine.
  it("bundles every function and passes cdk-nag and the built-in CloudFormation validation", {
    timeout: 300_000,
  }, () => {
    // Prepare
    const vigil = synthesizeVigil({}, { fast: false, outdir });

    // Act
    const template = vigil.serviceTemplate;

    // Assess
    // Vigil's functions; CDK's own handlers (the console upload, the receipt rule set activation) are CDK's bundles.
    const functions = Object.entries(template.findResources("AWS::Lambda::Function"))
      .filter(([logicalId]) => !logicalId.startsWith("CustomCDKBucketDeployment") && !logicalId.startsWith("AWS"))
      .map(([, fn]) => fn);
    expect(functions).toHaveLength(vigil.service.functions.size);
    for (const fn of functions) {
      const assetDir = join(outdir, `asset.${(fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, "")}`);
      expect(existsSync(join(assetDir, "index.mjs"))).toBe(true);
      expect(readdirSync(assetDir)).toContain("index.mjs.map");
    }
    // The console, built by esbuild during synth like the functions.
    const consoleAsset = readdirSync(outdir).find(
      (entry) => entry.startsWith("asset.") && existsSync(join(outdir, entry, "app.js")),
    );
    expect(consoleAsset).toBeDefined();
    expect(readdirSync(join(outdir, consoleAsset as string)).sort()).toEqual(["app.css", "app.js", "index.html"]);
  });
});
