import { Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";

/**
 * Runs the cdk-nag AwsSolutions pack at every synth of `app` (`cdk synth`, `cdk deploy`, and
 * `Template.fromStack` in tests). Any finding that is not acknowledged fails synthesis.
 */
export function addNagChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/**
 * Acknowledges one AwsSolutions finding on `scope` and everything below it.
 *
 * @param rule the rule id exactly as synth prints it without the plugin prefix, e.g. `AwsSolutions-APIG4`
 *   or, for granular rules, `AwsSolutions-IAM5[Resource::*]` (a bare `AwsSolutions-IAM5` does not match those).
 * @param reason why the finding is acceptable here; it is written to the template metadata as the audit trail.
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });
}
