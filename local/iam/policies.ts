/**
 * The role policies the local runtime enforces, from the template CDK synthesizes (ADR 0013, docs/adr/0013-local-iam-policies.md). The synth runs
 * in a child process only when the cache is stale; the cache key is a hash of everything that shapes the
 * policies, so a warm start reads one small JSON file.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { SynthesizedPolicies } from "./synth-policies.js";
import type { Statement } from "./template.js";

export type { SynthesizedPolicies } from "./synth-policies.js";

/** The sources whose content decides the synthesized policies. */
const INPUTS = ["infra", "local/iam", "workflows", "src/config/env-names.ts", "cdk.json", "package-lock.json"];

/** Hash of {@link INPUTS}: the cache key. */
export function policySourcesHash(root: string): string {
  const hash = createHash("sha256");
  const add = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) add(join(path, entry));
      return;
    }
    hash.update(relative(root, path)).update(readFileSync(path));
  };
  for (const input of INPUTS) add(join(root, input));
  return hash.digest("hex").slice(0, 16);
}

/**
 * The synthesized role policies, from the cache `node_modules/.cache/vigil/iam/<hash>.json`, synthesizing
 * (about 5-20 s) only when the infra sources changed since the last synth.
 */
export function loadRolePolicies(root: string, log: (line: string) => void = () => undefined): SynthesizedPolicies {
  const dir = join(root, "node_modules", ".cache", "vigil", "iam");
  const file = join(dir, `${policySourcesHash(root)}.json`);
  if (!existsSync(file)) {
    log("iam: infra changed since the last synth; synthesizing the role policies (once)…");
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    execFileSync(process.execPath, ["--import", "tsx", join(root, "local", "iam", "synth-policies.ts"), temp], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: "1", AWS_EC2_METADATA_DISABLED: "true" },
    });
    renameSync(temp, file);
  }
  return toLocalNames(JSON.parse(readFileSync(file, "utf8")) as SynthesizedPolicies);
}

/** The stage `local` names its state machines `vigil-local-<name>`; the local runtime runs them as `vigil-<name>`. */
function toLocalNames(policies: SynthesizedPolicies): SynthesizedPolicies {
  const rename = (arn: string) => arn.replace(/:(stateMachine|execution):vigil-local-/, ":$1:vigil-");
  const fix = (statement: Statement): Statement => ({
    ...statement,
    ...(statement.Resource && { Resource: statement.Resource.map(rename) }),
    ...(statement.NotResource && { NotResource: statement.NotResource.map(rename) }),
  });
  return {
    functions: Object.fromEntries(
      Object.entries(policies.functions).map(([name, fn]) => [name, { ...fn, statements: fn.statements.map(fix) }]),
    ),
  };
}
