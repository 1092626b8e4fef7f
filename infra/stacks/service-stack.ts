import { join } from "node:path";
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import * as ses from "aws-cdk-lib/aws-ses";
import type { Construct } from "constructs";
import { ENV } from "../../src/config/env-names.js";
import type { VigilConfig } from "../config.js";
import { Alarms } from "../constructs/alarms.js";
import { AppFunction, type EmailSending, REPO_ROOT, type TableRef } from "../constructs/app-function.js";
import { InboundEmail } from "../constructs/inbound-email.js";
import { OperatorAuth } from "../constructs/operator-auth.js";
import { SmsGuardrails } from "../constructs/sms-guardrails.js";
import { Workflow, workflowRef } from "../constructs/workflow.js";
import { functionTimeoutSeconds } from "../function-settings.js";
import { acknowledgeNag } from "../nag.js";

/** Props of {@link ServiceStack}. */
export interface ServiceStackProps extends StackProps {
  readonly config: VigilConfig;
  /** The single table (from the stateful stack). */
  readonly table: ITable;
  /** Its GSI names, so grants cover exactly those indexes. */
  readonly tableIndexNames: readonly string[];
  /** The Vigil secret (from the stateful stack). */
  readonly secret: ISecret;
}

/** The case workflow's task functions (entries under `functions/`); the ASL decides which it invokes. */
export const CASE_TASK_FUNCTIONS = [
  "acknowledge-report",
  "request-lock",
  "request-verification",
  "send-guidance",
  "await-resolution",
  "complete-case",
  "close-unverified",
  "escalate-case",
] as const;

/** The timer workflow's task functions. */
export const TIMER_TASK_FUNCTIONS = ["fire-timer"] as const;

/** Route → function of the HTTP API. `operator` routes require a Cognito JWT; the others are public. */
export const ROUTES = [
  { method: apigwv2.HttpMethod.POST, path: "/v1/reports", fn: "receive-report", access: "public" },
  { method: apigwv2.HttpMethod.GET, path: "/v1/verify/{token}", fn: "verify-reporter", access: "public" },
  { method: apigwv2.HttpMethod.POST, path: "/v1/verify/{token}", fn: "verify-reporter", access: "public" },
  { method: apigwv2.HttpMethod.POST, path: "/v1/verify/{token}/resend", fn: "verify-reporter", access: "public" },
  { method: apigwv2.HttpMethod.GET, path: "/v1/cases", fn: "list-cases", access: "operator" },
  { method: apigwv2.HttpMethod.GET, path: "/v1/cases/{caseId}", fn: "get-case", access: "operator" },
  { method: apigwv2.HttpMethod.POST, path: "/v1/cases/{caseId}/actions", fn: "act-on-case", access: "operator" },
  { method: apigwv2.HttpMethod.GET, path: "/v1/cases/{caseId}/audit", fn: "get-case-audit", access: "operator" },
] as const;

/** Why each public route may go without an API Gateway authorizer (the cdk-nag APIG4 acknowledgement). */
const PUBLIC_ROUTE_REASONS: Record<string, string> = {
  "receive-report":
    "Server-to-server webhook from the provider: authenticated in the handler by its Standard Webhooks HMAC-SHA256 signature (secrets in Secrets Manager), timestamp tolerance and webhook-id replay protection.",
  "verify-reporter":
    "Reached by reporters from an email link: the path carries an opaque, single-use, 30-minute token of at least 128 bits bound to case, recipient and purpose, checked in the handler with attempt limits and backoff; reporters have no account to sign in with.",
};

/**
 * Everything stateless: the functions, both workflows, the HTTP API with its operator user pool, the event
 * bus, SES sending and receiving, SMS guardrails, the restart schedule and the alarms. Can be destroyed and
 * redeployed freely; its state lives in the {@link StatefulStack} (and in the retained user pool).
 */
export class ServiceStack extends Stack {
  /** Every function by entry name (`functions/<name>.ts`). */
  readonly functions: ReadonlyMap<string, AppFunction>;
  readonly caseWorkflow: Workflow;
  readonly timerWorkflow: Workflow;
  readonly httpApi: apigwv2.HttpApi;
  readonly operatorAuth: OperatorAuth;
  readonly eventBus: events.EventBus;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const stage = config.stage;
    const table: TableRef = { table: props.table, indexNames: props.tableIndexNames };

    // --- Shared resources the functions are bound to -------------------------------------------------------
    this.eventBus = new events.EventBus(this, "EventBus", { eventBusName: config.eventBusName });

    const configurationSet = new ses.ConfigurationSet(this, "EmailConfigurationSet", {
      configurationSetName: `vigil-${stage}`,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // Verification links are credentials: never hand them to a receiving server in clear text.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    const emailIdentity = new ses.EmailIdentity(this, "EmailIdentity", {
      identity: ses.Identity.domain(config.sesIdentityDomain),
      configurationSet,
    });
    const email: EmailSending = {
      from: config.emailFrom,
      replyTo: config.inboundReplyAddress,
      identityArn: emailIdentity.emailIdentityArn,
      configurationSetName: configurationSet.configurationSetName,
      configurationSetArn: this.formatArn({
        service: "ses",
        resource: "configuration-set",
        resourceName: configurationSet.configurationSetName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    };

    const sms = new SmsGuardrails(this, "Sms", {
      stage,
      allowedCountries: config.smsAllowedCountries,
      originationIdentity: config.smsOriginationIdentity,
    });

    // Fixed names let functions be granted on the machines' ARNs before (and without depending on) the machines.
    const caseRef = workflowRef(this, `vigil-${stage}-case`, ENV.caseStateMachineArn);
    const timerRef = workflowRef(this, `vigil-${stage}-timer`, ENV.timerStateMachineArn);

    this.httpApi = new apigwv2.HttpApi(this, "HttpApi", {
      apiName: `vigil-${stage}`,
      description: "Vigil: provider webhooks, reporter verification pages, operator API",
      createDefaultStage: false,
    });
    const publicBaseUrl = config.publicBaseUrl ?? this.httpApi.apiEndpoint;

    // --- Functions ------------------------------------------------------------------------------------------
    const functions = new Map<string, AppFunction>();
    // Timeouts come from function-settings.ts, which the local runtime enforces too.
    const define = (name: string, description: string) => {
      const timeout = Duration.seconds(functionTimeoutSeconds(name));
      const created = new AppFunction(this, pascalCase(name), { name, description, timeout });
      functions.set(name, created);
      return created;
    };
    const fn = (name: string): AppFunction => {
      const found = functions.get(name);
      if (found === undefined) throw new Error(`No function "${name}" in the service stack`);
      return found;
    };
    // What every function that writes to reporters, agents or the provider needs: the secret (webhook keys,
    // verification pepper), email and SMS, the timer workflow (SLA clocks and webhook deliveries are timers),
    // the event bus (lock/unlock events), and the plain settings its messages are built from.
    const messaging = (target: AppFunction) =>
      target
        .bindSecrets(props.secret)
        .allowEmail(email)
        .allowSms(sms.sending)
        .bindStateMachine(timerRef, "start+stop")
        .bindEventBus(this.eventBus)
        .setEnv(ENV.providerWebhookUrl, config.providerWebhookUrl)
        .setEnv(ENV.publicBaseUrl, publicBaseUrl)
        .setEnv(ENV.helpBaseUrl, config.helpBaseUrl)
        .setEnv(ENV.oncallEmail, config.oncallEmail)
        .setEnv(ENV.oncallPhone, config.oncallPhone);

    // Intake also requests a lock and re-arms SLA timers when a report with new evidence merges into a case.
    messaging(
      define("receive-report", "POST /v1/reports: verify the signed webhook, open or merge a case, start its workflow")
        .bindTable(table, "RW")
        .bindStateMachine(caseRef, "start"),
    );
    define("start-pending-workflows", "Every minute: start case workflows whose start failed at intake")
      // It confirms starts that already happened (a conditional PutItem of the case and its audit event).
      .bindTable(table, "R+append")
      .bindStateMachine(caseRef, "start");
    define("list-cases", "GET /v1/cases").bindTable(table, "R");
    // Reading a case first flushes its audit outbox (conditional PutItems of already-decided events).
    define("get-case", "GET /v1/cases/{caseId}").bindTable(table, "R+append");
    define("get-case-audit", "GET /v1/cases/{caseId}/audit: events and hash-chain check").bindTable(table, "R+append");
    // Interactive functions resume waiting workflows (task tokens) and reopen cases (a new case execution).
    for (const { name, description } of [
      { name: "verify-reporter", description: "GET|POST /v1/verify/{token}[/resend]: confirmation page, code, resend" },
      { name: "act-on-case", description: "POST /v1/cases/{caseId}/actions: agent actions" },
      { name: "receive-email-reply", description: "SES inbound (via SNS): a YES reply confirms the email factor" },
    ]) {
      messaging(define(name, description).bindTable(table, "RW")).bindStateMachine(caseRef, "start+respond");
    }
    // Workflow tasks. fire-timer also delivers provider webhooks over HTTPS (no IAM), signed with the secret.
    for (const name of [...CASE_TASK_FUNCTIONS, ...TIMER_TASK_FUNCTIONS]) {
      messaging(define(name, `Workflow task ${name}`).bindTable(table, "RW"));
    }
    // AwaitResolution answers its own callback when the case concluded while the task was starting. Granting on
    // the formatted ARN (not the machine) is what keeps this from being a function ⇄ state machine cycle.
    fn("await-resolution").bindStateMachine(caseRef, "respond");
    this.functions = functions;

    // --- Workflows -------------------------------------------------------------------------------------------
    const pick = (names: readonly string[]) => new Map(names.map((name) => [name, fn(name)] as const));
    this.caseWorkflow = new Workflow(this, "CaseWorkflow", {
      ref: caseRef,
      definitionPath: join(REPO_ROOT, "workflows", "case.asl.json"),
      taskFunctions: pick(CASE_TASK_FUNCTIONS),
    });
    this.timerWorkflow = new Workflow(this, "TimerWorkflow", {
      ref: timerRef,
      definitionPath: join(REPO_ROOT, "workflows", "timer.asl.json"),
      taskFunctions: pick(TIMER_TASK_FUNCTIONS),
    });

    // --- HTTP API --------------------------------------------------------------------------------------------
    const accessLogs = new logs.LogGroup(this, "HttpApiAccessLogs", { retention: logs.RetentionDays.ONE_MONTH });
    new apigwv2.HttpStage(this, "HttpApiStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // routeKey, not path: the path of /v1/verify/{token} is a bearer credential and must not reach the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            sourceIp: "$context.identity.sourceIp",
            userAgent: "$context.identity.userAgent",
            responseLength: "$context.responseLength",
            responseLatency: "$context.responseLatency",
            integrationLatency: "$context.integrationLatency",
            integrationError: "$context.integrationErrorMessage",
            authorizerError: "$context.authorizer.error",
            operator: "$context.authorizer.claims.sub",
          }),
        ),
      },
    });

    this.operatorAuth = new OperatorAuth(this, "OperatorAuth", { stage });
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (integration === undefined) {
        integration = new HttpLambdaIntegration(`${pascalCase(route.fn)}Integration`, fn(route.fn));
        integrations.set(route.fn, integration);
      }
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration,
        authorizer: route.access === "operator" ? this.operatorAuth.authorizer : undefined,
      });
      const reason = PUBLIC_ROUTE_REASONS[route.fn];
      if (route.access === "public" && created !== undefined && reason !== undefined) {
        acknowledgeNag(created, "AwsSolutions-APIG4", reason);
      }
    }

    // --- Events and email --------------------------------------------------------------------------------------
    new events.Rule(this, "StartPendingWorkflowsSchedule", {
      description: "Restarts case workflows whose start was recorded but not confirmed",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // No retries: the next run is a minute away and does the same work.
      targets: [new targets.LambdaFunction(fn("start-pending-workflows"), { retryAttempts: 0 })],
    });

    const topicKey = new kms.Key(this, "TopicKey", {
      description: `Vigil ${stage}: SNS topics (inbound email replies, alarms)`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    const inbound = new InboundEmail(this, "InboundEmail", {
      stage,
      recipient: config.inboundReplyAddress,
      key: topicKey,
      handler: fn("receive-email-reply"),
    });

    // --- Alarms ----------------------------------------------------------------------------------------------
    const alarms = new Alarms(this, "Alarms", {
      stage,
      key: topicKey,
      alarmEmail: config.alarmEmail,
      smsMonthlyLimit: config.smsMonthlyLimit,
      workflows: { Case: this.caseWorkflow.stateMachine, Timer: this.timerWorkflow.stateMachine },
    });

    // --- What the operator needs after deploying ------------------------------------------------------------
    new CfnOutput(this, "ApiEndpoint", { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, "PublicBaseUrl", { value: publicBaseUrl });
    new CfnOutput(this, "OperatorUserPoolId", { value: this.operatorAuth.userPool.userPoolId });
    new CfnOutput(this, "OperatorClientId", { value: this.operatorAuth.client.userPoolClientId });
    new CfnOutput(this, "EventBusName", { value: this.eventBus.eventBusName });
    new CfnOutput(this, "CaseStateMachineArn", { value: this.caseWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, "TimerStateMachineArn", { value: this.timerWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, "SmsProtectConfigurationId", { value: sms.sending.protectConfigurationId });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topic.topicArn });
    new CfnOutput(this, "InboundReplyAddress", { value: config.inboundReplyAddress });
    new CfnOutput(this, "InboundReceiptRuleSet", {
      value: inbound.ruleSet.receiptRuleSetName,
      description: "Activate it: aws ses set-active-receipt-rule-set --rule-set-name <value>",
    });
    emailIdentity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: "Publish in DNS to verify the SES domain identity",
      });
    });
  }
}

/** `receive-report` → `ReceiveReport` (construct ids). */
function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, char: string) => char.toUpperCase());
}
