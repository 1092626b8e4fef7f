import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { ArnFormat, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { EnvName } from "../../src/config/env-names.js";
import { acknowledgeNag } from "../nag.js";
import { REPO_ROOT, type WorkflowRef } from "./app-function.js";

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const FUNCTION_ARN_PLACEHOLDER = /^([A-Z][A-Za-z0-9]*)FunctionArn$/;

/** Every distinct `${Name}` placeholder in an ASL document, in order of first appearance. */
export function findPlaceholders(asl: string): string[] {
  return [...new Set([...asl.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))];
}

/**
 * The function entry a placeholder stands for: `${AcknowledgeReportFunctionArn}` → `acknowledge-report`
 * (`functions/acknowledge-report.ts`). Returns `undefined` for a placeholder that is not a function ARN.
 */
export function functionNameOfPlaceholder(placeholder: string): string | undefined {
  const match = FUNCTION_ARN_PLACEHOLDER.exec(placeholder);
  return match?.[1]?.replace(/(?<=[a-z0-9])(?=[A-Z])/g, "-").toLowerCase();
}

/**
 * Maps every placeholder of `asl` to the ARN of the function it names.
 * @throws Error for a placeholder that is not `${XxxFunctionArn}` or names a function that `functions` lacks,
 *   so a new Task in the ASL fails synth instead of deploying a definition with a literal `${…}` in it.
 */
export function substitutionsFor(
  asl: string,
  functions: ReadonlyMap<string, IFunction>,
  source: string,
): { substitutions: Record<string, string>; invoked: IFunction[] } {
  const substitutions: Record<string, string> = {};
  const invoked: IFunction[] = [];
  for (const placeholder of findPlaceholders(asl)) {
    const name = functionNameOfPlaceholder(placeholder);
    if (name === undefined) {
      throw new Error(`${source}: placeholder \${${placeholder}} is not of the form \${XxxFunctionArn}`);
    }
    const fn = functions.get(name);
    if (fn === undefined) {
      throw new Error(
        `${source}: placeholder \${${placeholder}} needs the task function "${name}" (functions/${name}.ts), which the service stack does not define as a task of this workflow`,
      );
    }
    substitutions[placeholder] = fn.functionArn;
    if (!invoked.includes(fn)) invoked.push(fn);
  }
  return { substitutions, invoked };
}

/**
 * The fixed-name address of a state machine, known before the machine exists (see {@link WorkflowRef}).
 */
export function workflowRef(scope: Construct, stateMachineName: string, envName: EnvName): WorkflowRef {
  const stack = Stack.of(scope);
  return {
    envName,
    stateMachineName,
    stateMachineArn: stack.formatArn({
      service: "states",
      resource: "stateMachine",
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    executionArns: stack.formatArn({
      service: "states",
      resource: "execution",
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  };
}

/** Props of {@link Workflow}. */
export interface WorkflowProps {
  /** The machine's fixed name and ARNs; the machine is created with exactly this name. */
  readonly ref: WorkflowRef;
  /** Absolute path of the `*.asl.json` file (JSONPath, `${XxxFunctionArn}` placeholders). */
  readonly definitionPath: string;
  /** Candidate task functions by entry name; the ASL decides which of them the machine invokes. */
  readonly taskFunctions: ReadonlyMap<string, IFunction>;
}

/**
 * A Standard state machine whose definition is the ASL file the local runtime also runs, inlined into the
 * template (so tests and the CFN validator see it) with every `${XxxFunctionArn}` substituted. Logs ALL events
 * to its own log group (one month), traces with X-Ray, and may invoke exactly the functions its ASL names.
 */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** The functions the definition invokes (the only ones the machine's role may invoke). */
  readonly invokedFunctions: readonly IFunction[];

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const source = relative(REPO_ROOT, props.definitionPath);
    const asl = readFileSync(props.definitionPath, "utf8");
    const { substitutions, invoked } = substitutionsFor(asl, props.taskFunctions, source);
    this.invokedFunctions = invoked;

    // The vended-logs prefix keeps the log delivery resource policy small (AWS recommends it for Step Functions).
    const logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName: `/aws/vendedlogs/states/${props.ref.stateMachineName}`,
      retention: logs.RetentionDays.ONE_MONTH,
    });

    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      stateMachineName: props.ref.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(asl),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      // Payloads carry ids, generations and task tokens, never reporter data or codes (those stay in the table),
      // so execution data is safe to log and is what makes a failed case debuggable.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    // Unqualified ARNs only: the ASL invokes `${XxxFunctionArn}` as is, never a version or alias.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "InvokeTaskFunctions",
        actions: ["lambda:InvokeFunction"],
        resources: invoked.map((fn) => fn.functionArn),
      }),
    );
    acknowledgeNag(
      this.stateMachine,
      "AwsSolutions-IAM5[Resource::*]",
      "Step Functions log delivery (logs:CreateLogDelivery, logs:*LogDelivery*, logs:PutResourcePolicy, logs:Describe*) and X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSampling*) do not support resource-level permissions.",
    );
  }
}
