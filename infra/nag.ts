import { Stack, Validations } from "aws-cdk-lib";
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

/**
 * Renders `value` (usually a token such as a formatted ARN) the way cdk-nag renders resources in granular
 * finding ids: `Ref`s and `GetAtt`s become `<Name>` / `<Logical.Attr>`, `Fn::Join`s are joined.
 * The rendering depends on what CDK can resolve (a known region resolves the partition to `aws`), so ids of
 * findings on formatted ARNs are computed with this instead of being written out.
 */
export function nagResourceId(scope: IConstruct, value: string): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return "";
    if (typeof node === "string") return node.replace(/\$\{/g, "<").replace(/\}/g, ">");
    if (typeof node === "object" && node !== null) {
      const record = node as Record<string, unknown>;
      if (Array.isArray(record["Fn::Join"])) {
        const [delimiter, items] = record["Fn::Join"] as [string, unknown[]];
        return items.map(visit).join(delimiter);
      }
      if ("Fn::Sub" in record) return visit(record["Fn::Sub"]);
      if (Array.isArray(record["Fn::GetAtt"])) {
        const [resource, attribute] = record["Fn::GetAtt"] as [unknown, unknown];
        return `<${visit(resource)}.${visit(attribute)}>`;
      }
      if ("Fn::ImportValue" in record) return visit(record["Fn::ImportValue"]);
      if ("Ref" in record) return `<${visit(record.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
