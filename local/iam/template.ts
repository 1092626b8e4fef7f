/**
 * Reads a role's policy statements out of a synthesized CloudFormation template, resolving the intrinsic
 * functions CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::ImportValue, Fn::Select, Fn::Split, pseudo parameters)
 * to the names the local runtime uses.
 */

export const LOCAL_REGION = "eu-west-1";
export const LOCAL_ACCOUNT = "000000000000";
/** The one table of the local runtime (local/runtime.ts). */
export const LOCAL_TABLE_NAME = "vigil";

/** An IAM statement after resolution: every action and resource is a plain string. */
export interface Statement {
  /** The statement id CDK was given (the secret grants are recognised by it: local/lambda/secrets.ts). */
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  /** Evaluated for `dynamodb:LeadingKeys` only (local/iam/evaluate.ts, local/README.md). */
  Condition?: unknown;
}

interface CfnResourceDef {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** The parts of a template this module reads. */
export interface CfnTemplate {
  Resources?: Record<string, CfnResourceDef>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name?: unknown } }>;
}

const ARN = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;

/** The `Ref` value of a resource, as the local runtime names it. */
function refOf(id: string, resource: CfnResourceDef, resolve: (value: unknown) => unknown): string {
  const props = resource.Properties ?? {};
  switch (resource.Type) {
    case "AWS::DynamoDB::Table":
    case "AWS::DynamoDB::GlobalTable":
      return LOCAL_TABLE_NAME;
    case "AWS::SES::EmailIdentity":
      return String(resolve(props.EmailIdentity));
    case "AWS::SES::ConfigurationSet":
    case "AWS::Events::EventBus":
      return String(resolve(props.Name));
    case "AWS::StepFunctions::StateMachine":
      return ARN("states", `stateMachine:${String(resolve(props.StateMachineName))}`);
    case "AWS::SecretsManager::Secret":
      return ARN("secretsmanager", `secret:${id}`);
    default:
      return id;
  }
}

/** `Fn::GetAtt` of a resource, as the local runtime names it. */
function attributeOf(
  id: string,
  resource: CfnResourceDef,
  attribute: string,
  resolve: (v: unknown) => unknown,
): string {
  const ref = refOf(id, resource, resolve);
  if (attribute === "Arn") {
    switch (resource.Type) {
      case "AWS::DynamoDB::Table":
      case "AWS::DynamoDB::GlobalTable":
        return ARN("dynamodb", `table/${ref}`);
      case "AWS::Events::EventBus":
        return ARN("events", `event-bus/${ref}`);
      case "AWS::Logs::LogGroup":
        return ARN("logs", `log-group:${id}:*`);
      case "AWS::Lambda::Function":
        return ARN("lambda", `function:${id}`);
      default:
        return ref.startsWith("arn:") ? ref : ARN("local", id);
    }
  }
  if (attribute === "ProtectConfigurationId") return "protect-local";
  return `${id}.${attribute}`;
}

/** A resolver of intrinsic functions over `template` (and the stack it imports from). */
export function intrinsicResolver(template: CfnTemplate, imported?: CfnTemplate): (value: unknown) => unknown {
  const exports = new Map<string, unknown>();
  const outputs = new Map<string, unknown>();
  const importedResolve = imported ? intrinsicResolver(imported) : undefined;
  for (const [id, output] of Object.entries(imported?.Outputs ?? {})) {
    outputs.set(id, output.Value);
    const name = output.Export?.Name;
    if (typeof name === "string") exports.set(name, output.Value);
  }
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    const [key] = Object.keys(object);
    const arg = key === undefined ? undefined : object[key];
    switch (key) {
      case "Ref": {
        const name = String(arg);
        if (name === "AWS::Partition") return "aws";
        if (name === "AWS::Region") return LOCAL_REGION;
        if (name === "AWS::AccountId") return LOCAL_ACCOUNT;
        if (name === "AWS::URLSuffix") return "amazonaws.com";
        const resource = template.Resources?.[name];
        return resource ? refOf(name, resource, resolve) : name;
      }
      case "Fn::GetAtt": {
        const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(".");
        const resource = template.Resources?.[String(id)];
        return resource ? attributeOf(String(id), resource, String(attribute), resolve) : `${id}.${attribute}`;
      }
      case "Fn::Join": {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts) as unknown[]).map(String).join(separator);
      }
      case "Fn::Select": {
        const [index, list] = arg as [number, unknown];
        return (resolve(list) as unknown[])[Number(resolve(index))];
      }
      case "Fn::Split": {
        const [separator, text] = arg as [string, unknown];
        return String(resolve(text)).split(separator);
      }
      case "Fn::GetStackOutput": {
        // Weak cross-stack references (`@aws-cdk/core:defaultCrossStackReferences: weak`).
        const output = outputs.get(String((arg as { OutputName?: unknown }).OutputName));
        return output === undefined || !importedResolve ? JSON.stringify(arg) : importedResolve(output);
      }
      case "Fn::ImportValue": {
        const exported = exports.get(String(resolve(arg)));
        return exported === undefined || !importedResolve ? String(arg) : importedResolve(exported);
      }
      default:
        return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v)]));
    }
  };
  return resolve;
}

const list = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).map(String);

/** Every statement of every policy attached to the role `roleLogicalId` (inline or AWS::IAM::Policy). */
export function resolveStatements(template: CfnTemplate, imported: CfnTemplate, roleLogicalId: string): Statement[] {
  const resolve = intrinsicResolver(template, imported);
  const documents: unknown[] = [];
  for (const resource of Object.values(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    if (resource.Type === "AWS::IAM::Policy") {
      const roles = (props.Roles as unknown[] | undefined) ?? [];
      if (roles.some((role) => (role as { Ref?: string }).Ref === roleLogicalId)) documents.push(props.PolicyDocument);
    }
  }
  const role = template.Resources?.[roleLogicalId];
  for (const policy of (role?.Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) {
    documents.push(policy.PolicyDocument);
  }
  return documents.flatMap((document) => {
    const resolved = resolve(document) as { Statement?: Array<Record<string, unknown>> };
    return (resolved.Statement ?? []).map((statement) => ({
      ...(typeof statement.Sid === "string" && { Sid: statement.Sid }),
      Effect: statement.Effect === "Deny" ? "Deny" : "Allow",
      ...(statement.Action !== undefined && { Action: list(statement.Action) }),
      ...(statement.NotAction !== undefined && { NotAction: list(statement.NotAction) }),
      ...(statement.Resource !== undefined && { Resource: list(statement.Resource) }),
      ...(statement.NotResource !== undefined && { NotResource: list(statement.NotResource) }),
      ...(statement.Condition !== undefined && { Condition: statement.Condition }),
    }));
  });
}
