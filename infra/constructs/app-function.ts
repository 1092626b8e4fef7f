import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { LogLevel, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { ENV, type EnvName } from "../../src/config/env-names.js";
import { ESM_REQUIRE_BANNER } from "../function-bundling.js";
import { acknowledgeNag, nagResourceId } from "../nag.js";

/** The repository root: the esbuild project root and the home of `functions/` and `package-lock.json`. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Table access an {@link AppFunction} may get: `R` reads; `R+append` reads and puts items (the operator read
 * paths flush a case's audit outbox with conditional PutItems); `RW` reads and writes.
 */
export type TableAccess = "R" | "R+append" | "RW";

/** The single table, with the index names that grants must cover. */
export interface TableRef {
  readonly table: ITable;
  readonly indexNames: readonly string[];
}

/**
 * A state machine addressed by its fixed name. Functions are granted on these formatted ARNs rather than on the
 * `StateMachine` construct, because the state machine references the task functions: granting on the construct
 * would make a task function's role depend on the state machine that depends on the function (a CFN cycle).
 */
export interface WorkflowRef {
  /** The environment variable that carries {@link stateMachineArn} to handlers. */
  readonly envName: EnvName;
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  /** `arn:…:execution:<name>:*`: every execution of this machine (for StopExecution / DescribeExecution). */
  readonly executionArns: string;
}

/**
 * What a function may do with a workflow: `start` (StartExecution), `stop` (StopExecution of any of its
 * executions) and `respond` (SendTaskSuccess/Failure/Heartbeat for callback tokens).
 */
export type WorkflowAccess = "start" | "stop" | "respond" | "start+stop" | "start+respond" | "start+stop+respond";

/** Each Vigil secret: the variable that names it to a handler and the IAM statement id of its grant. */
export const SECRET_NEEDS = {
  intake: { env: ENV.intakeSecretArn, sid: "ReadIntakeSecret" },
  providerSigning: { env: ENV.providerSecretArn, sid: "ReadProviderSigningSecret" },
  pepper: { env: ENV.pepperSecretArn, sid: "ReadVerificationPepper" },
} as const;
export type SecretNeed = keyof typeof SECRET_NEEDS;

/** The SES resources a sending function needs. */
export interface EmailSending {
  readonly from: string;
  /** Where reporters' replies go: the inbound receipt rule's recipient. */
  readonly replyTo: string;
  /** ARN of the verified SES identity that `from` belongs to. */
  readonly identityArn: string;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
}

/** The End User Messaging SMS resources a sending function needs. */
export interface SmsSending {
  /** Passed as `ProtectConfigurationId` on every SendTextMessage so country rules always apply. */
  readonly protectConfigurationId: string;
  /** Phone number / pool / sender id (id or ARN); omitted means the account default. */
  readonly originationIdentity?: string;
  /** Resources SendTextMessage is allowed on. */
  readonly resources: readonly string[];
}

/** Props of {@link AppFunction}. */
export interface AppFunctionProps {
  /** The entry's base name: `functions/<name>.ts`, exporting `handler`. */
  readonly name: string;
  readonly description?: string;
  /** @default 512 MiB (arm64 cold starts scale with CPU, which scales with memory) */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency: capacity no other function can take (and a ceiling). `0` or unset leaves the function
   * on the account's unreserved pool.
   */
  readonly reservedConcurrency?: number;
}

/**
 * A Vigil Lambda function with the house defaults: Node 24 on arm64, ESM bundle (minified, source maps, kept
 * names so error `name`s reach ASL Retry/Catch), the AWS SDK bundled (ADR 0009), its own log group with one month
 * of retention, active tracing, and a role that starts with nothing but writing to that log group.
 *
 * Everything else is granted through intent methods that set the environment variable and the IAM permission
 * together, so a handler never finds a name without a permission or the reverse.
 */
export class AppFunction extends NodejsFunction {
  /** The entry's base name (`functions/<name>.ts`). */
  readonly entryName: string;
  /** The function's own role (also `this.role`, typed concretely for acknowledgements). */
  private readonly ownRole: iam.Role;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    // Own role and log group (siblings, since `this` does not exist before super): the default role would carry
    // AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Vigil ${props.name} function`,
    });
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, { retention: logs.RetentionDays.ONE_MONTH });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    acknowledgeNag(
      role,
      "AwsSolutions-IAM5[Resource::*]",
      "Only X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) is granted on '*': X-Ray has no resource-level permissions.",
    );

    super(scope, id, {
      entry: join(REPO_ROOT, "functions", `${props.name}.ts`),
      handler: "handler",
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency ? props.reservedConcurrency : undefined,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
      environment: {
        // Maps minified stack traces back to the TypeScript sources in the logs.
        NODE_OPTIONS: "--enable-source-maps",
      },
      bundling: {
        // Local esbuild only: there is no Docker daemon on the build machines.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node24",
        minify: true,
        sourceMap: true,
        // Line mapping without embedding the sources keeps each zip small.
        sourcesContent: false,
        keepNames: true,
        // ESM first, or bundled CJS dependencies fail at load with "Dynamic require of … is not supported".
        mainFields: ["module", "main"],
        banner: ESM_REQUIRE_BANNER,
        // The SDK is bundled: production runs the version the tests ran, and a bundled SDK loads faster than the
        // runtime's (docs/adr/0009-aws-sdk-bundling.md).
        externalModules: [],
        logLevel: LogLevel.WARNING,
      },
    });
    this.entryName = props.name;
    this.ownRole = role;
  }

  /**
   * Acknowledges the cdk-nag IAM5 finding that a wildcard `resource` of this function's policy raises. The
   * finding id embeds the resource as cdk-nag renders it (`arn:aws:…:<AWS::AccountId>:…`), which depends on
   * whether the stack's region is known, so it is computed rather than written out.
   */
  private acknowledgeWildcard(resource: string, reason: string): void {
    acknowledgeNag(this.ownRole, `AwsSolutions-IAM5[Resource::${nagResourceId(this, resource)}]`, reason);
  }

  /** Sets one of Vigil's environment variables; `undefined` leaves it unset (handlers treat it as absent). */
  setEnv(name: EnvName, value: string | undefined): this {
    if (value !== undefined) this.addEnvironment(name, value);
    return this;
  }

  /**
   * Gives the table to the handler: `R` = GetItem, BatchGetItem, Query; `R+append` adds PutItem; `RW` adds
   * PutItem, UpdateItem, DeleteItem, BatchWriteItem. No Scan and no transactions: the data layer uses neither.
   */
  bindTable(ref: TableRef, access: TableAccess): this {
    const read = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"];
    const actions = {
      R: read,
      "R+append": [...read, "dynamodb:PutItem"],
      RW: [...read, "dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    }[access];
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: { R: "TableRead", "R+append": "TableReadAppend", RW: "TableReadWrite" }[access],
        actions,
        resources: [ref.table.tableArn, ...ref.indexNames.map((index) => `${ref.table.tableArn}/index/${index}`)],
      }),
    );
    return this.setEnv(ENV.tableName, ref.table.tableName);
  }

  /**
   * The table for a function that the public can reach (verify page, email replies): reads, and PutItem /
   * UpdateItem only on items whose partition key starts with one of `prefixes` (IAM `dynamodb:LeadingKeys`).
   * No DeleteItem and no BatchWriteItem (which can delete): such a function can never remove a case, an audit
   * event or an idempotency record, nor write outside the partitions it serves (ADR 0008).
   */
  bindTableNarrow(ref: TableRef, prefixes: readonly string[]): this {
    const arns = [ref.table.tableArn, ...ref.indexNames.map((index) => `${ref.table.tableArn}/index/${index}`)];
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "TableRead",
        actions: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"],
        resources: arns,
      }),
    );
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "TableWriteOwnPartitions",
        actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        resources: [ref.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": prefixes.map((prefix) => `${prefix}*`) } },
      }),
    );
    return this.setEnv(ENV.tableName, ref.table.tableName);
  }

  /** Lets the handler sign audit anchors with the KMS key (`kms:Sign` only): give it to the anchor function alone. */
  bindAnchorSigning(key: IKey): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ sid: "SignAnchors", actions: ["kms:Sign"], resources: [key.keyArn] }),
    );
    return this.setEnv(ENV.anchorKeyId, key.keyArn);
  }

  /** Lets the handler read the anchor key's public half (`kms:GetPublicKey`), to verify anchors. */
  bindAnchorPublicKey(key: IKey): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ sid: "ReadAnchorPublicKey", actions: ["kms:GetPublicKey"], resources: [key.keyArn] }),
    );
    return this.setEnv(ENV.anchorKeyId, key.keyArn);
  }

  /**
   * The anchor bucket: `read` lists and gets anchors; `append` also puts new ones. Never DeleteObject or any
   * retention/legal-hold action: Object Lock in compliance mode would refuse them anyway.
   */
  bindAnchorBucket(bucket: IBucket, access: "read" | "append"): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ sid: "ListAnchors", actions: ["s3:ListBucket"], resources: [bucket.bucketArn] }),
    );
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: access === "read" ? "ReadAnchors" : "ReadAppendAnchors",
        actions: access === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject"],
        resources: [bucket.arnForObjects("anchors/*")],
      }),
    );
    this.acknowledgeWildcard(
      bucket.arnForObjects("anchors/*"),
      "Anchor objects are named by their sequence number at run time; the wildcard covers only the anchors/ prefix of the Object Lock bucket.",
    );
    return this.setEnv(ENV.anchorBucket, bucket.bucketName);
  }

  /**
   * Lets the handler read one Vigil secret (GetSecretValue on that secret only) and names it in the variable of
   * its need. A function is given only the secrets it uses: see {@link SECRET_NEEDS}.
   */
  bindSecret(secret: ISecret, need: SecretNeed): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: SECRET_NEEDS[need].sid,
        actions: ["secretsmanager:GetSecretValue"],
        resources: [secret.secretArn],
      }),
    );
    return this.setEnv(SECRET_NEEDS[need].env, secret.secretArn);
  }

  /** Lets the handler drive a workflow, see {@link WorkflowAccess}; sets the workflow's ARN variable. */
  bindStateMachine(ref: WorkflowRef, access: WorkflowAccess): this {
    const parts = new Set(access.split("+"));
    const sidBase = ref.envName === ENV.caseStateMachineArn ? "Case" : "Timer";
    if (parts.has("start")) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          sid: `${sidBase}Start`,
          actions: ["states:StartExecution"],
          resources: [ref.stateMachineArn],
        }),
      );
    }
    if (parts.has("stop")) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          sid: `${sidBase}Stop`,
          actions: ["states:StopExecution"],
          resources: [ref.executionArns],
        }),
      );
      this.acknowledgeWildcard(
        ref.executionArns,
        `Executions are named at run time; the wildcard covers only executions of ${ref.stateMachineName}, for StopExecution.`,
      );
    }
    if (parts.has("respond")) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          sid: `${sidBase}TaskResponse`,
          actions: ["states:SendTaskFailure", "states:SendTaskHeartbeat", "states:SendTaskSuccess"],
          resources: [ref.stateMachineArn],
        }),
      );
    }
    return this.setEnv(ref.envName, ref.stateMachineArn);
  }

  /** Lets the handler publish to the Vigil event bus (PutEvents on that bus only). */
  bindEventBus(bus: IEventBus): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ sid: "PutEvents", actions: ["events:PutEvents"], resources: [bus.eventBusArn] }),
    );
    return this.setEnv(ENV.eventBusName, bus.eventBusName);
  }

  /** Lets the handler send email through SES from the Vigil identity with the Vigil configuration set. */
  allowEmail(sending: EmailSending): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "SendEmail",
        actions: ["ses:SendEmail"],
        resources: [sending.identityArn, sending.configurationSetArn],
      }),
    );
    return this.setEnv(ENV.emailFrom, sending.from)
      .setEnv(ENV.emailReplyTo, sending.replyTo)
      .setEnv(ENV.sesConfigurationSet, sending.configurationSetName);
  }

  /** Lets the handler send SMS through AWS End User Messaging (SendTextMessage only). */
  allowSms(sending: SmsSending): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "SendSms",
        actions: ["sms-voice:SendTextMessage"],
        resources: [...sending.resources],
      }),
    );
    for (const resource of sending.resources) {
      this.acknowledgeWildcard(
        resource,
        "sms-voice:SendTextMessage only. It is authorized against the origination identity, opt-out list and protect configuration End User Messaging resolves at send time (the account default identity when none is configured); destinations are bounded by the protect configuration and volume by the SmsSent alarm.",
      );
    }
    return this.setEnv(ENV.smsProtectConfigurationId, sending.protectConfigurationId).setEnv(
      ENV.smsOriginationIdentity,
      sending.originationIdentity,
    );
  }
}
