import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Match, type Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import { beforeAll, describe, expect, it } from "vitest";
import { METRICS } from "../../infra/constructs/alarms.js";
import { REPO_ROOT } from "../../infra/constructs/app-function.js";
import { SMS_COUNTRY_CODES } from "../../infra/constructs/sms-guardrails.js";
import { findPlaceholders, functionNameOfPlaceholder } from "../../infra/constructs/workflow.js";
import { CASE_TASK_FUNCTIONS, ROUTES, TIMER_TASK_FUNCTIONS } from "../../infra/stacks/service-stack.js";
import { ENV } from "../../src/config/env-names.js";
import {
  actionsOfFunction,
  functionLogicalId,
  resourcesOf,
  type SynthesizedVigil,
  statementsOfFunction,
  synthesizeVigil,
  TEST_ACCOUNT,
} from "./fixtures.js";

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const TABLE_READ = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"];
const TABLE_WRITE = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"];
const OWN_LOGS_AND_TRACES = [
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "xray:PutTelemetryRecords",
  "xray:PutTraceSegments",
];
const TASK_RESPONSES = ["states:SendTaskFailure", "states:SendTaskHeartbeat", "states:SendTaskSuccess"];
/** Email, SMS, timers and events: what every function that writes to people gets (besides the table). */
const MESSAGING = [
  ...OWN_LOGS_AND_TRACES,
  "events:PutEvents",
  "ses:SendEmail",
  "sms-voice:SendTextMessage",
  "states:StartExecution",
  "states:StopExecution",
];
const arn = (resource: string) => `arn:aws:states:eu-west-1:${TEST_ACCOUNT}:${resource}`;
const CASE_MACHINE_ARN = arn("stateMachine:vigil-test-case");
const TIMER_MACHINE_ARN = arn("stateMachine:vigil-test-timer");
const TIMER_EXECUTIONS = arn("execution:vigil-test-timer:*");

/** A `Fn::GetAtt` reference, as it appears in the template. */
type GetAtt = { "Fn::GetAtt": [string, string] };

/**
 * What Step Functions receives: the template's DefinitionString with its DefinitionSubstitutions applied the way
 * CloudFormation applies them, and each `Fn::GetAtt` ARN written as `<<LogicalId>>`.
 */
function definitionOf(machine: { Properties: Record<string, unknown> }): {
  json: string;
  states: Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string } }>;
} {
  const definition = machine.Properties.DefinitionString as { "Fn::Join": [string, unknown[]] } | string;
  const parts = typeof definition === "string" ? [definition] : definition["Fn::Join"][1];
  const render = (part: unknown) => (typeof part === "string" ? part : `<<${(part as GetAtt)["Fn::GetAtt"][0]}>>`);
  const substitutions = (machine.Properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  let json = parts.map(render).join("");
  for (const [name, value] of Object.entries(substitutions)) json = json.replaceAll(`\${${name}}`, render(value));
  return { json, states: (JSON.parse(json) as { States: ReturnType<typeof definitionOf>["states"] }).States };
}

describe("ServiceStack", () => {
  let vigil: SynthesizedVigil;
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    vigil = synthesizeVigil();
    template = vigil.serviceTemplate;
    resources = template.toJSON().Resources as Resources;
  });

  describe("cdk-nag", () => {
    it("passes every AwsSolutions rule when every optional setting is configured", () => {
      // Prepare
      const configured = synthesizeVigil({
        oncallPhone: "+14155550100",
        publicBaseUrl: "https://vigil.wallet.example",
        helpBaseUrl: "https://help.wallet.example/security",
        smsOriginationIdentity: "pool-0123456789abcdef",
        alarmEmail: "ops@wallet.example",
        region: "us-west-2",
      });

      // Act
      const act = () => [configured.statefulTemplate, configured.serviceTemplate];

      // Assess
      expect(act).not.toThrow();
    });

    it("fails synth when a wildcard permission is not acknowledged", () => {
      // Prepare
      const unsafe = synthesizeVigil();
      unsafe.service.functions
        .get("get-case")
        ?.addToRolePolicy(new iam.PolicyStatement({ actions: ["s3:*"], resources: ["arn:aws:s3:::vigil-test"] }));

      // Act
      const act = () => unsafe.serviceTemplate;

      // Assess
      expect(act).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
    });
  });

  describe("workflows", () => {
    it("are Standard machines with fixed names, ALL-level logging to a retained-for-a-month group and tracing", () => {
      // Prepare
      const machines = template.findResources("AWS::StepFunctions::StateMachine");

      // Act
      const names = Object.values(machines).map((machine) => machine.Properties.StateMachineName as string);

      // Assess
      expect(names.sort()).toEqual(["vigil-test-case", "vigil-test-timer"]);
      for (const machine of Object.values(machines)) {
        expect(machine.Properties).toMatchObject({
          StateMachineType: "STANDARD",
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: {
            Level: "ALL",
            Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": [expect.any(String), "Arn"] } } }],
          },
        });
        const logGroupId = (
          machine.Properties.LoggingConfiguration as {
            Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": [string] } } }[];
          }
        ).Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn["Fn::GetAtt"][0];
        expect(resources[logGroupId ?? ""]?.Properties.RetentionInDays).toBe(30);
      }
    });

    it.each([
      ["case.asl.json", "vigil-test-case", CASE_TASK_FUNCTIONS],
      ["timer.asl.json", "vigil-test-timer", TIMER_TASK_FUNCTIONS],
    ])("substitute every placeholder of %s with a function of the stack", (file, name, taskFunctions) => {
      // Prepare
      const raw = readFileSync(join(REPO_ROOT, "workflows", file), "utf8");
      const rawStates = (JSON.parse(raw) as { States: ReturnType<typeof definitionOf>["states"] }).States;
      const [machine] = Object.values(
        template.findResources("AWS::StepFunctions::StateMachine", {
          Properties: { StateMachineName: name },
        }),
      );

      // Act
      const { json, states } = definitionOf(machine as { Properties: Record<string, unknown> });

      // Assess
      expect(json).not.toContain("${");
      expect(Object.keys(states)).toEqual(Object.keys(rawStates));
      for (const [stateName, rawState] of Object.entries(rawStates)) {
        const placeholder = findPlaceholders(rawState.Resource ?? rawState.Parameters?.FunctionName ?? "")[0];
        if (placeholder === undefined) continue;
        const fnName = functionNameOfPlaceholder(placeholder) ?? "";
        expect(taskFunctions).toContain(fnName);
        const expected = `<<${functionLogicalId(vigil.service, fnName)}>>`;
        const state = states[stateName];
        expect(state?.Resource === expected || state?.Parameters?.FunctionName === expected).toBe(true);
        expect(resources[functionLogicalId(vigil.service, fnName)]?.Type).toBe("AWS::Lambda::Function");
      }
    });

    it("may invoke exactly the functions their definitions name", () => {
      // Prepare
      const invokeGrants = (machineId: string) => {
        const roleArn = resources[machineId]?.Properties.RoleArn as { "Fn::GetAtt": [string] } | undefined;
        const roleId = roleArn?.["Fn::GetAtt"][0];
        return Object.values(template.findResources("AWS::IAM::Policy"))
          .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
          .flatMap(
            (policy) =>
              policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
          )
          .filter((statement) => [statement.Action].flat().some((action) => action.startsWith("lambda:")));
      };
      const idOf = (name: string) =>
        vigil.service.getLogicalId(
          vigil.service[name === "case" ? "caseWorkflow" : "timerWorkflow"].stateMachine.node.defaultChild as never,
        );

      // Act
      const caseGrants = invokeGrants(idOf("case"));
      const timerGrants = invokeGrants(idOf("timer"));

      // Assess
      const getAtts = (names: readonly string[]) =>
        names.map((name) => ({ "Fn::GetAtt": [functionLogicalId(vigil.service, name), "Arn"] }));
      expect(caseGrants).toEqual([
        expect.objectContaining({
          Action: "lambda:InvokeFunction",
          Resource: expect.arrayContaining(getAtts(CASE_TASK_FUNCTIONS)),
        }),
      ]);
      expect(caseGrants[0]?.Resource).toHaveLength(CASE_TASK_FUNCTIONS.length);
      expect(timerGrants).toEqual([
        expect.objectContaining({
          Action: "lambda:InvokeFunction",
          Resource: expect.arrayContaining(getAtts(TIMER_TASK_FUNCTIONS)),
        }),
      ]);
      expect(timerGrants[0]?.Resource).toHaveLength(TIMER_TASK_FUNCTIONS.length);
    });
  });

  describe("function permissions", () => {
    it("let receive-report start the case workflow and manage timers but not answer callbacks", () => {
      // Prepare
      const name = "receive-report";

      // Act
      const actions = actionsOfFunction(vigil.service, template, name);

      // Assess
      expect(actions).toEqual([...MESSAGING, ...TABLE_READ, ...TABLE_WRITE, "secretsmanager:GetSecretValue"].sort());
      expect(resourcesOf(vigil.service, template, name, "states:StartExecution").sort()).toEqual(
        [CASE_MACHINE_ARN, TIMER_MACHINE_ARN].sort(),
      );
      expect(resourcesOf(vigil.service, template, name, "states:StopExecution")).toEqual([TIMER_EXECUTIONS]);
      expect(actions.filter((action) => TASK_RESPONSES.includes(action))).toEqual([]);
    });

    it("let the containment sweep (start-pending-workflows) request locks and start case workflows", () => {
      // Prepare
      const name = "start-pending-workflows";

      // Act
      const actions = actionsOfFunction(vigil.service, template, name);

      // Assess: a lock request is a delivery record, its first attempt (signed), its timer, an event and a notice.
      expect(actions).toEqual([...MESSAGING, ...TABLE_READ, ...TABLE_WRITE, "secretsmanager:GetSecretValue"].sort());
      expect(resourcesOf(vigil.service, template, name, "states:StartExecution")).toEqual(
        expect.arrayContaining([CASE_MACHINE_ARN, TIMER_MACHINE_ARN]),
      );
    });

    it.each([
      // Search by email hashes the query with a key derived from the secret's pepper.
      ["list-cases", [...TABLE_READ, "secretsmanager:GetSecretValue"]],
      ["get-sla-stats", TABLE_READ],
      ["preview-reporter-message", TABLE_READ],
      ["get-case", [...TABLE_READ, "dynamodb:PutItem"]],
      ["get-case-audit", [...TABLE_READ, "dynamodb:PutItem"]],
    ])("let %s only read the table (and append audit events)", (name, tableActions) => {
      // Prepare
      const fnName = name;

      // Act
      const actions = actionsOfFunction(vigil.service, template, fnName);

      // Assess
      expect(actions).toEqual([...OWN_LOGS_AND_TRACES, ...tableActions].sort());
      const tableArns = resourcesOf(vigil.service, template, fnName, "dynamodb:Query");
      expect(tableArns).toHaveLength(6);
      expect(JSON.stringify(tableArns)).toMatch(
        /\/index\/gsi1.*\/index\/gsi2.*\/index\/gsi3.*\/index\/gsi4.*\/index\/gsi5/,
      );
    });

    it("let fire-timer sign provider webhooks with the secret and re-arm timers, but not touch the case workflow", () => {
      // Prepare
      const name = "fire-timer";

      // Act
      const actions = actionsOfFunction(vigil.service, template, name);

      // Assess
      expect(actions).toEqual([...MESSAGING, ...TABLE_READ, ...TABLE_WRITE, "secretsmanager:GetSecretValue"].sort());
      expect(resourcesOf(vigil.service, template, name, "states:StartExecution")).toEqual([TIMER_MACHINE_ARN]);
      expect(resourcesOf(vigil.service, template, name, "states:StopExecution")).toEqual([TIMER_EXECUTIONS]);
      expect(resourcesOf(vigil.service, template, name, "secretsmanager:GetSecretValue")).toHaveLength(1);
    });

    it("let hand-over-timer start timer executions and nothing else (no table, no secret, no messaging)", () => {
      // Prepare
      const name = "hand-over-timer";

      // Act
      const actions = actionsOfFunction(vigil.service, template, name);

      // Assess
      expect(actions).toEqual([...OWN_LOGS_AND_TRACES, "states:StartExecution"].sort());
      expect(resourcesOf(vigil.service, template, name, "states:StartExecution")).toEqual([TIMER_MACHINE_ARN]);
    });

    it.each([
      ["verify-reporter", ["dynamodb:PutItem", "dynamodb:UpdateItem", "secretsmanager:GetSecretValue"]],
      ["act-on-case", TABLE_WRITE],
      [
        "receive-email-reply",
        ["dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
      ],
    ])("let %s answer case workflow callbacks, reopen cases and manage timers", (name, own) => {
      // Prepare
      const fnName = name;

      // Act
      const actions = actionsOfFunction(vigil.service, template, fnName);

      // Assess
      expect(actions).toEqual([...MESSAGING, ...TABLE_READ, ...TASK_RESPONSES, ...own].sort());
      for (const action of TASK_RESPONSES) {
        expect(resourcesOf(vigil.service, template, fnName, action)).toEqual([CASE_MACHINE_ARN]);
      }
      expect(resourcesOf(vigil.service, template, fnName, "states:StartExecution").sort()).toEqual(
        [CASE_MACHINE_ARN, TIMER_MACHINE_ARN].sort(),
      );
      expect(resourcesOf(vigil.service, template, fnName, "states:StopExecution")).toEqual([TIMER_EXECUTIONS]);
    });

    it("let the pacing drain answer case callbacks (a refused verification link fails the wait) and read the pepper", () => {
      // Prepare
      const name = "drain-outbound";

      // Act
      const actions = actionsOfFunction(vigil.service, template, name);

      // Assess
      expect(actions).toEqual(
        [...MESSAGING, ...TABLE_READ, ...TABLE_WRITE, ...TASK_RESPONSES, "secretsmanager:GetSecretValue"].sort(),
      );
      expect(resourcesOf(vigil.service, template, name, "states:SendTaskFailure")).toEqual([CASE_MACHINE_ARN]);
      expect(resourcesOf(vigil.service, template, name, "states:StartExecution")).toEqual([TIMER_MACHINE_ARN]);
    });

    it("let only await-resolution among the tasks answer case callbacks, by ARN rather than by reference", () => {
      // Prepare
      const tasks = [...CASE_TASK_FUNCTIONS, ...TIMER_TASK_FUNCTIONS];

      // Act
      const answering = tasks.filter((name) =>
        actionsOfFunction(vigil.service, template, name).some((action) => TASK_RESPONSES.includes(action)),
      );

      // Assess
      expect(answering).toEqual(["await-resolution"]);
      // A plain string, not a Ref to the machine that invokes the function: that would be a dependency cycle.
      expect(resourcesOf(vigil.service, template, "await-resolution", "states:SendTaskSuccess")).toEqual([
        CASE_MACHINE_ARN,
      ]);
    });

    it.each(["verify-reporter", "receive-email-reply"])(
      "let the public-facing %s write only its own partitions and delete nothing",
      (name) => {
        // Prepare
        const statements = statementsOfFunction(vigil.service, template, name);

        // Act
        const writes = statements.filter((statement) =>
          [statement.Action].flat().some((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action)),
        );

        // Assess: one statement, conditioned on the partitions it serves; no DeleteItem, no BatchWriteItem.
        expect(writes).toHaveLength(1);
        expect([writes[0]?.Action].flat().sort()).toEqual(["dynamodb:PutItem", "dynamodb:UpdateItem"]);
        expect(writes[0]?.Condition).toEqual({
          "ForAllValues:StringLike": {
            "dynamodb:LeadingKeys": ["CASE#*", "LINK#*", "ACCOUNT#*", "DELIVERY#*", "SMSDEST#*", "OUTBOUND#*"],
          },
        });
        expect(actionsOfFunction(vigil.service, template, name)).not.toContain("dynamodb:DeleteItem");
      },
    );

    it("grant kms:Sign on the anchor key to the anchor function and to no other", () => {
      // Prepare
      const functions = [...vigil.service.functions.keys()];

      // Act
      const signers = functions.filter((name) => actionsOfFunction(vigil.service, template, name).includes("kms:Sign"));

      // Assess
      expect(signers).toEqual(["anchor-audit"]);
      expect(actionsOfFunction(vigil.service, template, "anchor-audit")).toEqual(
        [...OWN_LOGS_AND_TRACES, ...TABLE_READ, "kms:Sign", "s3:GetObject", "s3:ListBucket", "s3:PutObject"].sort(),
      );
      expect(actionsOfFunction(vigil.service, template, "verify-audit")).toEqual(
        [...OWN_LOGS_AND_TRACES, ...TABLE_READ, "kms:GetPublicKey", "s3:GetObject", "s3:ListBucket"].sort(),
      );
    });

    it("run the anchor every 5 minutes and when a case workflow ends", () => {
      // Prepare
      const anchorArn = { "Fn::GetAtt": [functionLogicalId(vigil.service, "anchor-audit"), "Arn"] };

      // Act
      const rules = Object.values(template.findResources("AWS::Events::Rule")).filter((rule) =>
        JSON.stringify(rule.Properties.Targets).includes(JSON.stringify(anchorArn)),
      );

      // Assess
      expect(rules.map((rule) => rule.Properties.ScheduleExpression).filter(Boolean)).toEqual(["rate(5 minutes)"]);
      const onEnd = rules.find((rule) => rule.Properties.EventPattern);
      expect(onEnd?.Properties.EventPattern).toMatchObject({
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: { stateMachineArn: [CASE_MACHINE_ARN] },
      });
    });

    it("run one anchor at a time, dropping closure triggers that waited past a minute", () => {
      // Prepare
      const anchorId = functionLogicalId(vigil.service, "anchor-audit");

      // Act
      const configs = Object.values(template.findResources("AWS::Lambda::EventInvokeConfig")).filter(
        (config) => (config.Properties.FunctionName as { Ref?: string }).Ref === anchorId,
      );

      // Assess
      expect(resources[anchorId]?.Properties.ReservedConcurrentExecutions).toBe(1);
      expect(configs.map((config) => config.Properties)).toEqual([
        expect.objectContaining({ MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 }),
      ]);
    });

    it("give no role an AWS managed policy", () => {
      // Prepare
      const roles = template.findResources("AWS::IAM::Role");

      // Act
      const withManaged = Object.entries(roles).filter(([, role]) => role.Properties.ManagedPolicyArns !== undefined);

      // Assess
      expect(withManaged).toEqual([]);
    });
  });

  describe("functions", () => {
    it("each log to their own group with one month of retention", () => {
      // Prepare
      const functions = vigilFunctions(template);

      // Act
      const retentions = Object.values(functions).map((fn) => {
        const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        return resources[logGroupId]?.Properties.RetentionInDays;
      });

      // Assess
      expect(retentions).toHaveLength(vigil.service.functions.size);
      expect(new Set(retentions)).toEqual(new Set([30]));
    });

    it("run Node 24 on arm64 with active tracing", () => {
      // Prepare
      const functions = Object.values(vigilFunctions(template));

      // Act
      const settings = new Set(
        functions.map(
          (fn) => `${fn.Properties.Runtime} ${fn.Properties.Architectures} ${fn.Properties.TracingConfig.Mode}`,
        ),
      );

      // Assess
      expect(settings).toEqual(new Set(["nodejs24.x arm64 Active"]));
    });

    it("get only Vigil environment variable names and the ones their bindings imply", () => {
      // Prepare
      const allowed = new Set<string>([...Object.values(ENV), "NODE_OPTIONS"]);
      const envOf = (name: string) => {
        const environment = resources[functionLogicalId(vigil.service, name)]?.Properties.Environment as
          | { Variables: Record<string, unknown> }
          | undefined;
        return environment?.Variables ?? {};
      };

      // Act
      const all = [...vigil.service.functions.keys()].map((name) => [name, Object.keys(envOf(name))] as const);

      // Assess
      for (const [, names] of all) expect(names.filter((n) => !allowed.has(n))).toEqual([]);
      expect(Object.keys(envOf("get-case")).sort()).toEqual(["NODE_OPTIONS", ENV.tableName].sort());
      expect(Object.keys(envOf("list-cases")).sort()).toEqual(
        ["NODE_OPTIONS", ENV.tableName, "VIGIL_PEPPER_SECRET_ARN"].sort(),
      );
      expect(envOf("receive-report")).toMatchObject({
        [ENV.caseStateMachineArn]: CASE_MACHINE_ARN,
        [ENV.timerStateMachineArn]: TIMER_MACHINE_ARN,
      });
      expect(envOf("fire-timer")).toMatchObject({
        [ENV.timerStateMachineArn]: TIMER_MACHINE_ARN,
        [ENV.providerWebhookUrl]: "https://provider.wallet.example/hooks/vigil",
        [ENV.emailFrom]: "security@wallet.example",
        [ENV.oncallEmail]: "oncall@wallet.example",
        [ENV.publicBaseUrl]: { "Fn::GetAtt": [expect.any(String), "ApiEndpoint"] },
        [ENV.smsProtectConfigurationId]: { "Fn::GetAtt": [expect.any(String), "ProtectConfigurationId"] },
      });
      expect(envOf("verify-reporter")[ENV.caseStateMachineArn]).toBe(CASE_MACHINE_ARN);
    });
  });

  describe("HTTP API", () => {
    it("requires the Cognito JWT on operator routes and no authorizer on public routes", () => {
      // Prepare
      const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route"));
      const [authorizerId] = Object.keys(
        template.findResources("AWS::ApiGatewayV2::Authorizer", {
          Properties: { AuthorizerType: "JWT" },
        }),
      );

      // Act
      const byKey = new Map(routes.map((route) => [route.Properties.RouteKey as string, route.Properties]));

      // Assess
      expect([...byKey.keys()].sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
      for (const route of ROUTES) {
        const properties = byKey.get(`${route.method} ${route.path}`);
        if (route.access === "operator") {
          expect(properties).toMatchObject({ AuthorizationType: "JWT", AuthorizerId: { Ref: authorizerId } });
        } else {
          expect(properties?.AuthorizationType ?? "NONE").toBe("NONE");
          expect(properties?.AuthorizerId).toBeUndefined();
        }
      }
    });

    it("logs every request as JSON without the path and throttles the stage", () => {
      // Prepare
      const stages = Object.values(template.findResources("AWS::ApiGatewayV2::Stage"));

      // Act
      const format = JSON.parse(stages[0]?.Properties.AccessLogSettings.Format as string) as Record<string, string>;

      // Assess
      expect(stages).toHaveLength(1);
      expect(stages[0]?.Properties).toMatchObject({
        StageName: "$default",
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
      expect(format).toMatchObject({ requestId: "$context.requestId", routeKey: "$context.routeKey" });
      expect(JSON.stringify(format)).not.toContain("$context.path");
    });

    it("issues operator tokens from a pool that requires TOTP MFA and has no self sign-up", () => {
      // Prepare / Act
      const pools = template.findResources("AWS::Cognito::UserPool");

      // Assess
      expect(Object.values(pools)).toEqual([
        expect.objectContaining({
          DeletionPolicy: "RetainExceptOnCreate",
          Properties: expect.objectContaining({
            MfaConfiguration: "ON",
            EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
            AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
            UserPoolTier: "PLUS",
          }),
        }),
      ]);
    });

    it("defines the agents and supervisors groups and issues access tokens valid 15 minutes", () => {
      // Prepare / Act
      const groups = Object.values(template.findResources("AWS::Cognito::UserPoolGroup"));
      const [client] = Object.values(template.findResources("AWS::Cognito::UserPoolClient"));

      // Assess
      expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual(["agents", "supervisors"]);
      expect(client?.Properties).toMatchObject({
        AccessTokenValidity: 15,
        IdTokenValidity: 15,
        TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes" },
        EnableTokenRevocation: true,
      });
    });
  });

  describe("messaging", () => {
    it("allows SMS only to the configured countries and blocks every other one", () => {
      // Prepare
      const [protect] = Object.values(template.findResources("AWS::SMSVOICE::ProtectConfiguration"));

      // Act
      const ruleSet = protect?.Properties.CountryRuleSet as
        | { SMS: { CountryCode: string; ProtectStatus: string }[] }
        | undefined;
      const rules = ruleSet?.SMS ?? [];

      // Assess
      expect(
        rules
          .filter((rule) => rule.ProtectStatus === "ALLOW")
          .map((rule) => rule.CountryCode)
          .sort(),
      ).toEqual(["ES", "US"]);
      expect(rules.filter((rule) => rule.ProtectStatus === "BLOCK")).toHaveLength(SMS_COUNTRY_CODES.length - 2);
      expect(rules.find((rule) => rule.CountryCode === "NG")?.ProtectStatus).toBe("BLOCK");
    });

    it("sends replies to replies@<reply domain> through an encrypted topic to receive-email-reply", () => {
      // Prepare
      const [rule] = Object.values(template.findResources("AWS::SES::ReceiptRule"));
      const [topicId] = Object.keys(
        template.findResources("AWS::SNS::Topic", {
          Properties: { DisplayName: "Vigil test inbound email replies" },
        }),
      );

      // Act
      const ruleProperties = rule?.Properties.Rule as Record<string, unknown>;

      // Assess
      expect(ruleProperties).toMatchObject({
        Recipients: ["replies@reply.wallet.example"],
        ScanEnabled: true,
        TlsPolicy: "Require",
        Actions: [{ SNSAction: { Encoding: "UTF-8", TopicArn: { Ref: topicId } } }],
      });
      expect(resources[topicId ?? ""]?.Properties.KmsMasterKeyId).toBeDefined();
      template.hasResourceProperties("AWS::SNS::Subscription", {
        Protocol: "lambda",
        TopicArn: { Ref: topicId },
        Endpoint: { "Fn::GetAtt": [functionLogicalId(vigil.service, "receive-email-reply"), "Arn"] },
      });
    });

    it("starts pending workflows every minute", () => {
      // Prepare / Act / Assess
      template.hasResourceProperties("AWS::Events::Rule", {
        ScheduleExpression: "rate(1 minute)",
        Targets: [
          Match.objectLike({
            Arn: { "Fn::GetAtt": [functionLogicalId(vigil.service, "start-pending-workflows"), "Arn"] },
          }),
        ],
      });
      template.hasResourceProperties("AWS::Events::EventBus", { Name: "vigil-test-events" });
    });
  });

  describe("alarms", () => {
    it("alarm on SMS volume, exhausted deliveries and SLA breaches (among others) into the alarm topic", () => {
      // Prepare
      const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm"));

      // Act
      const custom = new Map(
        alarms
          .filter((alarm) => alarm.Properties.Namespace === METRICS.namespace)
          .map((alarm) => [alarm.Properties.MetricName as string, alarm.Properties]),
      );

      // Assess
      expect([...custom.keys()]).toEqual(
        expect.arrayContaining([METRICS.deliveryExhausted, METRICS.slaBreached, METRICS.smsSent, METRICS.emailSent]),
      );
      expect(custom.get("InvalidWebhookSecret")).toMatchObject({
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
      });
      expect(custom.get(METRICS.smsSent)).toMatchObject({
        Threshold: 10,
        Period: 3600,
        ComparisonOperator: "GreaterThanThreshold",
      });
      expect(custom.get(METRICS.deliveryExhausted)).toMatchObject({
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
      });
      expect(custom.get(METRICS.slaBreached)).toMatchObject({
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
      });
      const [alarmTopicId] = Object.keys(
        template.findResources("AWS::SNS::Topic", {
          Properties: { DisplayName: "Vigil test alarms" },
        }),
      );
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: alarmTopicId }]);
      expect(alarms.filter((alarm) => alarm.Properties.MetricName === "ExecutionsFailed")).toHaveLength(2);
    });
  });
});

/**
 * Vigil's own functions: every Lambda function but CDK's BucketDeployment handler (the console upload, a
 * deploy-time custom resource whose runtime CDK chooses; its role and log group are checked with the others).
 */
function vigilFunctions(template: Template) {
  return Object.fromEntries(
    Object.entries(template.findResources("AWS::Lambda::Function")).filter(
      ([logicalId]) => !logicalId.startsWith("CustomCDKBucketDeployment"),
    ),
  );
}
