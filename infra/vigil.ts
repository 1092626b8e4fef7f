import { type App, Aspects, Tags } from "aws-cdk-lib";
import type { VigilConfig } from "./config.js";
import { RetainExceptOnCreate } from "./retention.js";
import { ServiceStack } from "./stacks/service-stack.js";
import { StatefulStack } from "./stacks/stateful-stack.js";

/** The two stacks of one Vigil stage. */
export interface VigilStacks {
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

/**
 * Adds one Vigil stage to `app`: `Vigil-<stage>-Stateful` (table, secret) and `Vigil-<stage>-Service`
 * (everything else), wired by construct references so CDK generates the cross-stack exports.
 */
export function addVigilStacks(app: App, config: VigilConfig): VigilStacks {
  const env = { account: config.account, region: config.region };
  const stateful = new StatefulStack(app, `Vigil-${config.stage}-Stateful`, {
    env,
    stage: config.stage,
    anchorRetentionDays: config.anchorRetentionDays,
    description: `Vigil ${config.stage}: retained state (DynamoDB table, secrets, audit anchors)`,
  });
  const service = new ServiceStack(app, `Vigil-${config.stage}-Service`, {
    env,
    config,
    table: stateful.table,
    tableIndexNames: stateful.tableIndexNames,
    secrets: stateful.secrets,
    anchorKey: stateful.anchorKey,
    description: `Vigil ${config.stage}: API, workflows, functions, messaging, alarms`,
  });
  for (const stack of [stateful, service]) {
    Tags.of(stack).add("project", "vigil");
    Tags.of(stack).add("vigil:stage", config.stage);
    Aspects.of(stack).add(new RetainExceptOnCreate());
  }
  return { stateful, service };
}
