import type { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { type ConfigInput, parseConfig, type VigilConfig } from "../../infra/config.js";
import { addNagChecks } from "../../infra/nag.js";
import type { ServiceStack } from "../../infra/stacks/service-stack.js";
import type { StatefulStack } from "../../infra/stacks/stateful-stack.js";
import { addVigilStacks } from "../../infra/vigil.js";
import { testApp } from "../helpers/cdk.js";

/** A concrete account, so formatted ARNs resolve to plain strings in the templates. */
export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "eu-west-1";

/** The configuration the infra tests deploy unless a test overrides keys. */
export const TEST_CONFIG_INPUT: ConfigInput = {
  stage: "test",
  emailFrom: "security@wallet.example",
  providerWebhookUrl: "https://provider.wallet.example/hooks/vigil",
  oncallEmail: "oncall@wallet.example",
  smsAllowedCountries: "US,ES",
};

/** Both Vigil stacks in a fresh test app, with their templates (synthesized once, on first access). */
export interface SynthesizedVigil {
  readonly config: VigilConfig;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
  readonly statefulTemplate: Template;
  readonly serviceTemplate: Template;
}

/**
 * Builds Vigil in a {@link testApp}. `nag` adds the cdk-nag plugin exactly as `infra/app.ts` does, so the first
 * template access throws when any finding is unacknowledged.
 */
export function synthesizeVigil(
  input: ConfigInput = {},
  { fast = true, nag = true, outdir }: { fast?: boolean; nag?: boolean; outdir?: string } = {},
): SynthesizedVigil {
  const app = testApp({ fast, ...(outdir === undefined ? {} : { outdir }) });
  if (nag) addNagChecks(app);
  const config = parseConfig({ ...TEST_CONFIG_INPUT, ...input }, { region: TEST_REGION, account: TEST_ACCOUNT });
  const { stateful, service } = addVigilStacks(app, config);
  let statefulTemplate: Template | undefined;
  let serviceTemplate: Template | undefined;
  return {
    config,
    stateful,
    service,
    get statefulTemplate() {
      statefulTemplate ??= Template.fromStack(stateful);
      return statefulTemplate;
    },
    get serviceTemplate() {
      serviceTemplate ??= Template.fromStack(service);
      return serviceTemplate;
    },
  };
}

/** One `Allow` statement of an IAM policy, resolved. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The logical id of a service-stack function, by entry name. */
export function functionLogicalId(service: ServiceStack, name: string): string {
  const fn = service.functions.get(name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  return service.getLogicalId(fn.node.defaultChild as CfnFunction);
}

/** Every statement of every policy attached to the role of function `name`. */
export function statementsOfFunction(service: ServiceStack, template: Template, name: string): Statement[] {
  const fnResource = template.toJSON().Resources[functionLogicalId(service, name)] as {
    Properties: { Role: { "Fn::GetAtt": [string, string] } };
  };
  const roleId = fnResource.Properties.Role["Fn::GetAtt"][0];
  const policies = Object.values(template.findResources("AWS::IAM::Policy")) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The set of actions function `name` is allowed. */
export function actionsOfFunction(service: ServiceStack, template: Template, name: string): string[] {
  const actions = statementsOfFunction(service, template, name)
    .filter((statement) => statement.Effect === "Allow")
    .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
  return [...new Set(actions)].sort();
}

/** Every resource (resolved) on which function `name` is allowed `action`. */
export function resourcesOf(service: ServiceStack, template: Template, name: string, action: string): unknown[] {
  return statementsOfFunction(service, template, name)
    .filter((s) => s.Effect === "Allow" && (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
}

/** `stack.resolve(value)`: what a token looks like in the template. */
export function resolved(stack: Stack, value: string): unknown {
  return stack.resolve(value);
}
