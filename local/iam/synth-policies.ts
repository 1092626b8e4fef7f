/**
 * Synthesizes the Vigil stacks for the stage `local` (no bundling, no validation: only the templates matter)
 * and writes, for every function, the statements of its role's policies with every intrinsic resolved to the
 * local runtime's names. Run by {@link loadRolePolicies} in a child process when its cache is stale:
 * `tsx local/iam/synth-policies.ts <out.json>`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, type CfnResource, Stack } from "aws-cdk-lib";
import { parseConfig } from "../../infra/config.js";
import { addVigilStacks } from "../../infra/vigil.js";
import { type CfnTemplate, LOCAL_ACCOUNT, LOCAL_REGION, resolveStatements, type Statement } from "./template.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The synthesized policies: `function entry name → statements`. */
export interface SynthesizedPolicies {
  functions: Record<string, { roleLogicalId: string; statements: Statement[] }>;
}

function synthesize(): SynthesizedPolicies {
  const outdir = mkdtempSync(join(tmpdir(), "vigil-iam-"));
  try {
    const context = (JSON.parse(readFileSync(join(ROOT, "cdk.json"), "utf8")) as { context: Record<string, unknown> })
      .context;
    const app = new App({
      outdir,
      context: { ...context, "aws:cdk:bundling-stacks": [] },
      builtinCloudFormationValidation: false,
    });
    const config = parseConfig(
      { stage: "local", emailFrom: "Vigil Security <security@vigil.local>", eventBusName: "vigil-events" },
      { region: LOCAL_REGION, account: LOCAL_ACCOUNT },
    );
    const { stateful, service } = addVigilStacks(app, config);
    const assembly = app.synth();
    const template = assembly.getStackByName(service.stackName).template as CfnTemplate;
    const imports = assembly.getStackByName(stateful.stackName).template as CfnTemplate;
    if (process.env.DEBUG_TEMPLATE) writeFileSync(process.env.DEBUG_TEMPLATE, JSON.stringify(template));
    const functions: SynthesizedPolicies["functions"] = {};
    for (const [name, fn] of service.functions) {
      const roleLogicalId = Stack.of(fn).getLogicalId(fn.role?.node.defaultChild as CfnResource);
      functions[name] = { roleLogicalId, statements: resolveStatements(template, imports, roleLogicalId) };
    }
    return { functions };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const out = process.argv[2];
if (!out) throw new Error("usage: synth-policies.ts <out.json>");
writeFileSync(out, JSON.stringify(synthesize()));
