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
import * as s3 from "aws-cdk-lib/aws-s3";
import * as ses from "aws-cdk-lib/aws-ses";
import type { Construct } from "constructs";
import { ENV } from "../../src/config/env-names.js";
import type { VigilConfig } from "../config.js";
import { Alarms } from "../constructs/alarms.js";
import { AppFunction, type EmailSending, REPO_ROOT, type TableRef } from "../constructs/app-function.js";
import { OperationsDashboard } from "../constructs/dashboard.js";
import { EmailIdentities } from "../constructs/email-identities.js";
import { allowEventConsumers } from "../constructs/event-consumers.js";
import { InboundEmail } from "../constructs/inbound-email.js";
import { OperatorAuth } from "../constructs/operator-auth.js";
import { OperatorConsole } from "../constructs/operator-console.js";
import { SmsGuardrails } from "../constructs/sms-guardrails.js";
import { Workflow, workflowRef } from "../constructs/workflow.js";
import { functionTimeoutSeconds } from "../function-settings.js";
import { acknowledgeNag } from "../nag.js";
import { anchorBucketName, type VigilSecrets } from "./stateful-stack.js";

/** Props of {@link ServiceStack}. */
export interface ServiceStackProps extends StackProps {
  readonly config: VigilConfig;
  /** The single table (from the stateful stack). */
  readonly table: ITable;
  /** Its GSI names, so grants cover exactly those indexes. */
  readonly tableIndexNames: readonly string[];
  /** The Vigil secrets, one per need (from the stateful stack). */
  readonly secrets: VigilSecrets;
  /** Signs audit anchors (from the stateful stack). */
  readonly anchorKey: kms.IKey;
}

/** The case workflow's task functions (entries under `functions/`); the ASL decides which it invokes. */
export const CASE_TASK_FUNCTIONS = [
  "contain-incident",
  "read-case-plan",
  "acknowledge-report",
  "request-verification",
  "send-guidance",
  "await-resolution",
  "complete-case",
  "close-unverified",
  "escalate-case",
] as const;

/** The timer workflow's task functions (`hand-over-timer` starts the successor execution: continue-as-new). */
export const TIMER_TASK_FUNCTIONS = ["fire-timer", "hand-over-timer"] as const;

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
  {
    method: apigwv2.HttpMethod.POST,
    path: "/v1/cases/{caseId}/messages/preview",
    fn: "preview-reporter-message",
    access: "operator",
  },
  { method: apigwv2.HttpMethod.GET, path: "/v1/stats/sla", fn: "get-sla-stats", access: "operator" },
  { method: apigwv2.HttpMethod.GET, path: "/v1/audit/verify", fn: "verify-audit", access: "operator" },
  { method: apigwv2.HttpMethod.GET, path: "/v1/audit/public-key", fn: "verify-audit", access: "operator" },
] as const;

/**
 * Partitions the publicly reachable writers (verify-reporter, receive-email-reply) may put or update: cases
 * (and their audit events, which share the partition), verification links, account claims (a reopen) and
 * lock deliveries (an unlock after verification). Not webhook idempotency records; nothing may be deleted.
 */
export const PUBLIC_WRITER_PARTITIONS = ["CASE#", "LINK#", "ACCOUNT#", "DELIVERY#", "SMSDEST#", "OUTBOUND#"] as const;

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
  readonly operatorConsole: OperatorConsole;
  readonly eventBus: events.EventBus;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const stage = config.stage;
    const table: TableRef = { table: props.table, indexNames: props.tableIndexNames };

    // --- Shared resources the functions are bound to -------------------------------------------------------
    this.eventBus = new events.EventBus(this, "EventBus", { eventBusName: config.eventBusName });
    allowEventConsumers(this.eventBus, config.eventBusName, config.eventConsumerAccounts);

    const configurationSet = new ses.ConfigurationSet(this, "EmailConfigurationSet", {
      configurationSetName: `vigil-${stage}`,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // Verification links are credentials: never hand them to a receiving server in clear text.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    const identities = new EmailIdentities(this, "EmailIdentities", {
      sendingDomain: config.sesIdentityDomain,
      replyDomain: config.inboundReplyDomain,
      existing: config.existingSesIdentities,
      configurationSet,
    });
    const email: EmailSending = {
      from: config.emailFrom,
      replyTo: config.inboundReplyAddress,
      identityArn: identities.sendingIdentityArn,
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
    // The operator console (ADR 0011): on-call pages link to it unless `consoleUrl` points elsewhere.
    this.operatorConsole = new OperatorConsole(this, "OperatorConsole", { stage, httpApi: this.httpApi });
    const consoleUrl = config.consoleUrl ?? `${this.operatorConsole.url}/console`;

    // --- Functions ------------------------------------------------------------------------------------------
    const functions = new Map<string, AppFunction>();
    // Timeouts come from function-settings.ts, which the local runtime enforces too.
    const define = (name: string, description: string, options: { reservedConcurrency?: number } = {}) => {
      const timeout = Duration.seconds(functionTimeoutSeconds(name));
      const created = new AppFunction(this, pascalCase(name), { name, description, timeout, ...options });
      functions.set(name, created);
      return created;
    };
    const fn = (name: string): AppFunction => {
      const found = functions.get(name);
      if (found === undefined) throw new Error(`No function "${name}" in the service stack`);
      return found;
    };
    // What every function that writes to reporters, agents or the provider needs: email and SMS, the timer
    // workflow (SLA clocks and webhook deliveries are timers), the event bus (lock/unlock events), and the plain
    // settings its messages are built from. Secrets are not part of it: each goes only where it is used.
    const messaging = (target: AppFunction) =>
      target
        .allowEmail(email)
        .allowSms(sms.sending)
        .bindStateMachine(timerRef, "start+stop")
        .bindEventBus(this.eventBus)
        .setEnv(ENV.providerWebhookUrl, config.providerWebhookUrl)
        .setEnv(ENV.publicBaseUrl, publicBaseUrl)
        .setEnv(ENV.helpBaseUrl, config.helpBaseUrl)
        .setEnv(ENV.supportUrl, config.supportUrl)
        .setEnv(ENV.brandName, config.brandName)
        .setEnv(ENV.consoleUrl, consoleUrl)
        .setEnv(ENV.oncallEmail, config.oncallEmail)
        .setEnv(ENV.oncallPhone, config.oncallPhone)
        .setEnv(ENV.oncallEscalationEmail, config.oncallEscalationEmail)
        .setEnv(ENV.oncallEscalationPhone, config.oncallEscalationPhone);

    // Intake also requests a lock and re-arms SLA timers when a report with new evidence merges into a case.
    // Reserved concurrency keeps intake answering when public verify traffic or a burst elsewhere takes the
    // account's pool (and caps what a flood of signed reports can take).
    messaging(
      define(
        "receive-report",
        "POST /v1/reports: verify the signed webhook, open or merge a case, start its workflow",
        {
          reservedConcurrency: config.intakeConcurrency,
        },
      )
        .bindTable(table, "RW")
        .bindStateMachine(caseRef, "start")
        .bindSecret(props.secrets.intake, "intake"),
    );
    // The containment sweep: requests locks still missing (a delivery, its timer, the event, a notice to the
    // reporter) and starts workflows whose start failed at intake.
    messaging(
      define(
        "start-pending-workflows",
        "Every minute: request locks still missing after 30 s, start case workflows whose start failed",
      )
        .bindTable(table, "RW")
        .bindStateMachine(caseRef, "start"),
    );
    // Message pacing (ADR 0014): one drain at a time (the rates are the account's, not per instance). It mints
    // the codes and links of queued verification messages, hence the pepper, and fails a verification wait
    // whose emailed link is refused for good (ReporterUnreachable), hence the task responses.
    messaging(
      define("drain-outbound", "Every minute, for 50 s: send queued reporter messages at the SES/SMS rates, P1 first", {
        reservedConcurrency: 1,
      })
        .bindTable(table, "RW")
        .bindStateMachine(caseRef, "respond")
        .setEnv(ENV.sesMaxSendRate, String(config.sesMaxSendRate))
        .setEnv(ENV.smsMaxMps, String(config.smsMaxMps)),
    ).bindSecret(props.secrets.pepper, "pepper");
    // Search by email hashes the query with a key derived from the verification pepper.
    define("list-cases", "GET /v1/cases[?q=]: the queue, or a search")
      .bindTable(table, "R")
      .bindSecret(props.secrets.pepper, "pepper");
    define("get-sla-stats", "GET /v1/stats/sla: SLA attainment per priority and clock").bindTable(table, "R");
    // Renders the branded template only: reads the case, sends nothing.
    define("preview-reporter-message", "POST /v1/cases/{caseId}/messages/preview")
      .bindTable(table, "R")
      .setEnv(ENV.publicBaseUrl, publicBaseUrl)
      .setEnv(ENV.helpBaseUrl, config.helpBaseUrl)
      .setEnv(ENV.supportUrl, config.supportUrl)
      .setEnv(ENV.brandName, config.brandName);
    // Reading a case first flushes its audit outbox (conditional PutItems of already-decided events).
    define("get-case", "GET /v1/cases/{caseId}").bindTable(table, "R+append");
    define("get-case-audit", "GET /v1/cases/{caseId}/audit: events and hash-chain check").bindTable(table, "R+append");
    const anchorBucket = s3.Bucket.fromBucketName(this, "AnchorBucket", anchorBucketName(stage));
    // The audit anchor is the only holder of kms:Sign; it reads heads from the index and appends to the bucket.
    // One run at a time (ADR 0008): concurrent runs would race for the next anchor's seq. Each run anchors
    // every head changed since the last anchor, so the triggers of a wave (one per case closed, 44/s at its
    // peak) need not all run: those that waited past a minute in Lambda's async queue are dropped, not retried.
    define("anchor-audit", "Every 5 minutes and at case closure: sign changed audit heads into an anchor", {
      reservedConcurrency: 1,
    })
      .bindTable(table, "R")
      .bindAnchorSigning(props.anchorKey)
      .bindAnchorBucket(anchorBucket, "append")
      .configureAsyncInvoke({ maxEventAge: Duration.minutes(1), retryAttempts: 2 });
    define("verify-audit", "GET /v1/audit/verify, /v1/audit/public-key: check every case against the anchors")
      .bindTable(table, "R")
      .bindAnchorPublicKey(props.anchorKey)
      .bindAnchorBucket(anchorBucket, "read");
    // Interactive functions resume waiting workflows (task tokens) and reopen cases (a new case execution).
    // The two the public reaches (verify page, email replies) write only the partitions they serve and never
    // delete (ADR 0008); act-on-case is behind the operator authorizer and frees accounts (DeleteItem).
    for (const { name, description, reservedConcurrency } of [
      { name: "verify-reporter", description: "GET|POST /v1/verify/{token}[/resend]: confirmation page, code, resend" },
      { name: "act-on-case", description: "POST /v1/cases/{caseId}/actions: agent actions" },
      {
        name: "receive-email-reply",
        description: "SES inbound (via SNS): a YES reply confirms the email factor",
        // Small: anyone can mail the reply address, and nothing about a reply is urgent to the second.
        reservedConcurrency: config.replyConcurrency,
      },
    ]) {
      const created = define(name, description, { reservedConcurrency });
      if (name === "act-on-case") created.bindTable(table, "RW");
      else created.bindTableNarrow(table, PUBLIC_WRITER_PARTITIONS);
      messaging(created).bindStateMachine(caseRef, "start+respond");
    }
    // Workflow tasks, each with reserved concurrency so cases keep moving whatever else runs in the account.
    // fire-timer also delivers provider webhooks over HTTPS (no IAM), signed with the provider signing secret.
    for (const name of [...CASE_TASK_FUNCTIONS, "fire-timer"]) {
      messaging(
        define(name, `Workflow task ${name}`, {
          reservedConcurrency: config.taskConcurrency,
        }).bindTable(table, "RW"),
      );
    }
    // Continue-as-new of a timer execution: it starts the successor, and touches nothing else.
    define("hand-over-timer", "Workflow task hand-over-timer", {
      reservedConcurrency: config.taskConcurrency,
    }).bindStateMachine(timerRef, "start");
    // Secrets by need: the pepper where codes are issued or checked, the signing secret where deliveries are
    // signed (the timer's attempts, and the first lock attempt that containment makes inline).
    fn("verify-reporter").bindSecret(props.secrets.pepper, "pepper");
    fn("request-verification").bindSecret(props.secrets.pepper, "pepper");
    // Intake stores the keyed hash of the reporter's email that search matches (a key derived from the pepper).
    fn("receive-report").bindSecret(props.secrets.pepper, "pepper");
    for (const name of ["fire-timer", "contain-incident", "start-pending-workflows"]) {
      fn(name).bindSecret(props.secrets.providerSigning, "providerSigning");
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
    const apiStage = new apigwv2.HttpStage(this, "HttpApiStage", {
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

    this.operatorAuth = new OperatorAuth(this, "OperatorAuth", { stage, consoleUrl: this.operatorConsole.url });
    this.operatorConsole.signInWith({
      domainUrl: this.operatorAuth.domain?.baseUrl() ?? "",
      clientId: this.operatorAuth.consoleClient?.userPoolClientId ?? "",
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    const createdRoutes: apigwv2.HttpRoute[] = [];
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
      if (created !== undefined) createdRoutes.push(created);
      const reason = PUBLIC_ROUTE_REASONS[route.fn];
      if (route.access === "public" && created !== undefined && reason !== undefined) {
        acknowledgeNag(created, "AwsSolutions-APIG4", reason);
      }
    }

    // Route throttles: intake and the public verify routes each have their own token bucket, so anonymous verify
    // traffic can never spend what the wallet app's reports need (the stage default covers the operator routes).
    const stageResource = apiStage.node.defaultChild as apigwv2.CfnStage;
    stageResource.routeSettings = Object.fromEntries(
      ROUTES.filter((route) => route.access === "public").map((route) => [
        `${route.method} ${route.path}`,
        // A raw JSON map in CloudFormation (CDK does not rename its keys): the property names as CFN spells them.
        route.fn === "receive-report"
          ? { ThrottlingRateLimit: config.intakeRateLimit, ThrottlingBurstLimit: config.intakeBurstLimit }
          : { ThrottlingRateLimit: config.verifyRateLimit, ThrottlingBurstLimit: config.verifyBurstLimit },
      ]),
    );
    // API Gateway refuses route settings for a route key that does not exist yet.
    for (const route of createdRoutes) apiStage.node.addDependency(route);

    // --- Events and email --------------------------------------------------------------------------------------
    new events.Rule(this, "AnchorAuditSchedule", {
      description: "Signs the audit heads that changed into an anchor (tamper evidence outside the table)",
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(fn("anchor-audit"), { retryAttempts: 2 })],
    });
    // A case workflow ends when its case concludes: anchor at once (Standard workflows publish their status
    // changes to the default bus).
    new events.Rule(this, "AnchorAuditOnCaseEnd", {
      description: "Anchors the audit trail as soon as a case workflow ends (the case closed)",
      eventPattern: {
        source: ["aws.states"],
        detailType: ["Step Functions Execution Status Change"],
        detail: {
          stateMachineArn: [caseRef.stateMachineArn],
          status: ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"],
        },
      },
      targets: [new targets.LambdaFunction(fn("anchor-audit"), { retryAttempts: 2 })],
    });
    new events.Rule(this, "StartPendingWorkflowsSchedule", {
      description: "Restarts case workflows whose start was recorded but not confirmed",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // No retries: the next run is a minute away and does the same work.
      targets: [new targets.LambdaFunction(fn("start-pending-workflows"), { retryAttempts: 0 })],
    });

    new events.Rule(this, "DrainOutboundSchedule", {
      description: "Sends the reporter messages waiting for the SES / SMS rates (message pacing, ADR 0014)",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // No retries: the next run is a minute away and drains the same queue.
      targets: [new targets.LambdaFunction(fn("drain-outbound"), { retryAttempts: 0 })],
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
      existingRuleSetName: config.receiptRuleSetName,
      activate: config.activateReceiptRuleSet,
    });

    // --- Alarms ----------------------------------------------------------------------------------------------
    const alarms = new Alarms(this, "Alarms", {
      stage,
      key: topicKey,
      alarmEmail: config.alarmEmail,
      smsMonthlyLimit: config.smsMonthlyLimit,
      emailHourlyLimit: config.emailHourlyLimit,
      workflows: { Case: this.caseWorkflow.stateMachine, Timer: this.timerWorkflow.stateMachine },
      deadLetterQueues: { EmailReply: inbound.deadLetters },
    });
    const dashboard = new OperationsDashboard(this, "Dashboard", {
      stage,
      workflows: { Case: this.caseWorkflow.stateMachine, Timer: this.timerWorkflow.stateMachine },
      alarms: [...alarms.byMetric.values(), ...alarms.workflowFailed],
    });

    // --- What the operator needs after deploying ------------------------------------------------------------
    new CfnOutput(this, "ApiEndpoint", { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, "PublicBaseUrl", { value: publicBaseUrl });
    new CfnOutput(this, "OperatorUserPoolId", { value: this.operatorAuth.userPool.userPoolId });
    new CfnOutput(this, "OperatorClientId", { value: this.operatorAuth.client.userPoolClientId });
    new CfnOutput(this, "ConsoleUrl", { value: `${this.operatorConsole.url}/console/` });
    new CfnOutput(this, "EventBusName", { value: this.eventBus.eventBusName });
    new CfnOutput(this, "CaseStateMachineArn", { value: this.caseWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, "TimerStateMachineArn", { value: this.timerWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, "SmsProtectConfigurationId", { value: sms.sending.protectConfigurationId });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topic.topicArn });
    new CfnOutput(this, "AnchorBucketName", { value: anchorBucket.bucketName });
    new CfnOutput(this, "AnchorKeyArn", {
      value: props.anchorKey.keyArn,
      description: "Public key for third parties: aws kms get-public-key --key-id <value>",
    });
    new CfnOutput(this, "DashboardName", { value: dashboard.dashboard.dashboardName });
    new CfnOutput(this, "InboundReplyAddress", { value: config.inboundReplyAddress });
    // Read by `npm run doctor` (scripts/doctor.ts) to know what to check.
    new CfnOutput(this, "SesIdentityDomain", { value: config.sesIdentityDomain });
    new CfnOutput(this, "InboundReplyDomain", { value: config.inboundReplyDomain });
    new CfnOutput(this, "SesConfigurationSet", { value: configurationSet.configurationSetName });
    new CfnOutput(this, "ProviderWebhookUrl", { value: config.providerWebhookUrl });
    new CfnOutput(this, "IntakeSecretArn", { value: props.secrets.intake.secretArn });
    new CfnOutput(this, "ProviderSigningSecretArn", { value: props.secrets.providerSigning.secretArn });
    if (config.smsOriginationIdentity !== undefined) {
      new CfnOutput(this, "SmsOriginationIdentity", { value: config.smsOriginationIdentity });
    }
    new CfnOutput(this, "InboundReceiptRuleSet", {
      value: inbound.ruleSetName,
      description: "Must be the active rule set: aws ses set-active-receipt-rule-set --rule-set-name <value>",
    });
  }
}

/** `receive-report` → `ReceiveReport` (construct ids). */
function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, char: string) => char.toUpperCase());
}
