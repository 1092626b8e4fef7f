import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { SESClient } from "@aws-sdk/client-ses";
import { SFNClient } from "@aws-sdk/client-sfn";
import { assertFunctionNeeds, type FunctionName } from "../config/function-needs.js";
import { type AppConfig, loadConfig, loadTimerWorkflowConfig } from "../config/index.js";
import type { Deps } from "../use-cases/deps.js";
import { DynamoDbCaseIntake } from "./dynamodb/case-intake.js";
import { DynamoDbAccountIndex, DynamoDbCaseStore } from "./dynamodb/case-store.js";
import { createDynamoDbClient } from "./dynamodb/client.js";
import { DynamoDbCodeSendLog } from "./dynamodb/code-send-log.js";
import { DynamoDbDeliveryStore } from "./dynamodb/delivery-store.js";
import { DynamoDbIdempotencyStore } from "./dynamodb/idempotency-store.js";
import { DynamoDbOutboundQueue } from "./dynamodb/outbound-queue.js";
import { DynamoDbVerificationLinks } from "./dynamodb/verification-links.js";
import { EventBridgePublisher } from "./eventbridge/eventbridge-publisher.js";
import { operatorCaseViews } from "./http/case-view.js";
import { FetchWebhookTransport } from "./http/fetch-webhook-transport.js";
import { ConfiguredSecretSource } from "./secrets/secret-sources.js";
import { SesEmailSender } from "./ses/ses-email-sender.js";
import { SfnWorkflowClient } from "./sfn/sfn-workflow-client.js";
import { EumSmsSender } from "./sms/eum-sms-sender.js";
import { EmfMetrics } from "./system/emf-metrics.js";
import { createIdGenerator } from "./system/ids.js";
import { InProcessRateLimiter } from "./system/in-process-rate-limiter.js";
import { MeteredEmailSender, MeteredSmsSender } from "./system/metered-senders.js";
import { systemClock } from "./system/system-clock.js";

/**
 * The composition root: real AWS adapters from the configuration. Each function calls it once, when
 * its handler is built, with its own name. SDK endpoints follow the SDK's standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the local runtime points the very same adapters
 * at its emulators.
 *
 * @throws ConfigError when a variable is invalid, or one the function needs (`FUNCTION_NEEDS`) is missing.
 */
export function buildDeps(name: FunctionName, env: Record<string, string | undefined> = process.env): Deps {
  assertFunctionNeeds(name, env);
  const config: AppConfig = loadConfig(env);
  const dynamo = createDynamoDbClient();
  const table = config.tableName;
  const metrics = new EmfMetrics();
  return {
    config,
    clock: systemClock,
    ids: createIdGenerator(systemClock),
    cases: new DynamoDbCaseStore(dynamo, table),
    accounts: new DynamoDbAccountIndex(dynamo, table),
    idempotency: new DynamoDbIdempotencyStore(dynamo, table),
    intake: new DynamoDbCaseIntake(dynamo, table),
    senderLimiter: new InProcessRateLimiter(),
    links: new DynamoDbVerificationLinks(dynamo, table),
    codeSends: new DynamoDbCodeSendLog(dynamo, table),
    deliveries: new DynamoDbDeliveryStore(dynamo, table),
    email: new MeteredEmailSender(
      new SesEmailSender(new SESClient({}), {
        from: config.emailFrom,
        configurationSet: config.sesConfigurationSet,
        replyTo: config.emailReplyTo,
      }),
      metrics,
    ),
    sms: new MeteredSmsSender(
      new EumSmsSender(new PinpointSMSVoiceV2Client({}), {
        originationIdentity: config.smsOriginationIdentity,
        protectConfigurationId: config.smsProtectConfigurationId,
      }),
      metrics,
    ),
    outbound: new DynamoDbOutboundQueue(dynamo, table, systemClock),
    workflow: new SfnWorkflowClient(new SFNClient({}), {
      caseStateMachineArn: config.caseStateMachineArn,
      timerStateMachineArn: config.timerStateMachineArn,
    }),
    events: config.eventBusName ? new EventBridgePublisher(new EventBridgeClient({}), config.eventBusName) : null,
    transport: new FetchWebhookTransport(),
    secrets: new ConfiguredSecretSource({ env, clock: systemClock, metrics }),
    metrics,
    views: operatorCaseViews,
  };
}

/** What `hand-over-timer` needs: the timer workflow and metrics (it touches no table and sends nothing). */
export function buildTimerWorkflowDeps(config = loadTimerWorkflowConfig()): Pick<Deps, "workflow" | "metrics"> {
  return {
    workflow: new SfnWorkflowClient(new SFNClient({}), { timerStateMachineArn: config.timerStateMachineArn }),
    metrics: new EmfMetrics(),
  };
}
