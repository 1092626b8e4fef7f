import { ArnFormat, Stack } from "aws-cdk-lib";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";

/**
 * Lets each consumer account (the provider's) manage its own rules on Vigil's event bus, and only those: it can
 * create a rule whose target is a bus in its own account and so receive `account.lock.requested` & co. without
 * Vigil knowing its targets. `events:creatorAccount` is the account that created the rule, so a consumer can never
 * read, change or delete Vigil's rules or another consumer's.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html (events:creatorAccount)
 */
export function allowEventConsumers(bus: events.EventBus, busName: string, accounts: readonly string[]): void {
  const rulesOnBus = Stack.of(bus).formatArn({
    service: "events",
    resource: "rule",
    resourceName: `${busName}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  for (const account of accounts) {
    bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `ConsumerManagesOwnRules${account}`,
        principals: [new iam.AccountPrincipal(account)],
        actions: [
          "events:DeleteRule",
          "events:DescribeRule",
          "events:DisableRule",
          "events:EnableRule",
          "events:ListTargetsByRule",
          "events:PutRule",
          "events:PutTargets",
          "events:RemoveTargets",
        ],
        resources: [rulesOnBus],
        conditions: { StringEqualsIfExists: { "events:creatorAccount": account } },
      }),
    );
  }
}
