import { CfnDeletionPolicy, CfnResource, type IAspect } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * Turns every `DeletionPolicy: Retain` into `RetainExceptOnCreate` (CDK's `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`).
 *
 * Why: CloudFormation keeps a `Retain` resource even when the create that made it rolls back. A first deployment
 * that fails half-way then leaves the table, the secret, the user pool and every log group behind, and the fixed
 * names among them (`vigil/<stage>/secrets`, `/aws/vendedlogs/states/vigil-<stage>-case`, …) make each retry fail
 * with "already exists". `RetainExceptOnCreate` deletes what a failed create made and still retains on update and
 * on stack deletion, which is all that `Retain` was for here: nothing exists to protect before the first create
 * succeeded. An aspect rather than a prop per resource, so resources other constructs add are covered too.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 */
export class RetainExceptOnCreate implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof CfnResource && node.cfnOptions.deletionPolicy === CfnDeletionPolicy.RETAIN) {
      node.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
    }
  }
}
