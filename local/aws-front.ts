/**
 * The front door of the local AWS services: every SDK call a function makes goes through it. It names the
 * caller from the SigV4 credential (a function's own environment signs with its name as access key id),
 * checks the call against that function's role policy (IAM), applies the SES account rules (sandbox, sending
 * rate), then forwards the request unchanged to the emulator of the service. Callers that are not functions
 * (the runtime itself, tests) pass unchecked.
 */
import { randomUUID } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { Faults } from "./aws-sinks.js";
import type { VirtualClock } from "./clock.js";
import { readBody } from "./http-body.js";
import { isAllowed, type RequestContext } from "./iam/evaluate.js";
import type { SynthesizedPolicies } from "./iam/policies.js";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./iam/template.js";

const MAX_BODY = 16 * 1024 * 1024;
const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;

/** One call as IAM sees it: the action, every resource it touches, and the condition keys the front knows. */
export interface AwsCall {
  action: string;
  resources: string[];
  context?: RequestContext;
}

/** The partition key attribute of the table (infra/stacks/stateful-stack.ts). */
const PARTITION_KEY = "pk";

/** A refused call, as the log and `/_local/iam` show it (no request data beyond names and ARNs). */
export interface Denial {
  function: string;
  action: string;
  resource: string;
  at: string;
}

/** Options of {@link startAwsFront}. */
export interface AwsFrontOptions {
  /** Emulator base URL per SigV4 service name (`dynamodb`, `ses`, `sms-voice`, `events`, `states`). */
  upstreams: Record<string, string>;
  /**
   * Emulators that run in this process, by service name: their request listener is handed the call
   * (its body replayed, the front's own response to answer on) instead of a second HTTP hop to their
   * URL. The same bytes reach the same listener; only the loopback request and its parsing are saved.
   */
  inProcess?: Partial<Record<string, RequestListener>>;
  /** Role policies per function; `undefined` = IAM not enforced. */
  policies: SynthesizedPolicies | undefined;
  /** The state machine of a task token (SendTask* is authorized on it). */
  stateMachineOfToken(token: string): string | undefined;
  ses: { sandbox: boolean; verified: readonly string[]; ratePerSecond: number | undefined };
  clock: VirtualClock;
  /** Channel faults; those with a `to` are applied here, where the recipient is known. */
  faults?: Faults;
  /**
   * Called when a function writes to a pacing queue (`OUTBOUND#…`, ADR 0014): the runtime then runs the
   * drain on the virtual clock, as the schedule does on AWS.
   */
  onOutboundWrite?: () => void;
  port?: number;
}

/** A started front. */
export interface AwsFront {
  url: string;
  server: Server;
  denials: Denial[];
}

/** Starts the front on 127.0.0.1. */
export async function startAwsFront(options: AwsFrontOptions): Promise<AwsFront> {
  const denials: Denial[] = [];
  const sent: number[] = [];
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const credential = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ""));
    const caller = credential?.[1] ?? "";
    const service = credential?.[2] ?? "";
    const upstream = options.upstreams[service];
    const { text } = await readBody(request, MAX_BODY);
    if (!upstream) return refuse(response, "json", 400, "UnknownOperationException", `no local service ${service}`);
    const protocol = service === "ses" ? "query" : "json";
    const call = describeCall(service, request, text, options.stateMachineOfToken);
    const role = options.policies?.functions[caller];
    // A transaction is authorized action by action, as IAM does (there is no dynamodb:TransactWriteItems action).
    const authorized = call?.action === "dynamodb:TransactWriteItems" ? transactionCalls(text) : call ? [call] : [];
    for (const each of role ? authorized : []) {
      for (const resource of each.resources) {
        if (!role || isAllowed(role.statements, each.action, resource, each.context)) continue;
        denials.push({ function: caller, action: each.action, resource, at: options.clock.nowDate().toISOString() });
        if (denials.length > 200) denials.shift();
        const message = `User: arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.roleLogicalId}/vigil-${caller} is not authorized to perform: ${each.action} on resource: ${resource} because no identity-based policy allows the ${each.action} action`;
        return protocol === "query"
          ? refuse(response, protocol, 403, "AccessDenied", message)
          : refuse(response, protocol, 400, "AccessDeniedException", message);
      }
    }
    if (service === "dynamodb" && call?.action === "dynamodb:PutItem") {
      const leading = call.context?.["dynamodb:LeadingKeys"];
      if (Array.isArray(leading) && leading.some((key) => String(key).startsWith("OUTBOUND#"))) {
        options.onOutboundWrite?.();
      }
    }
    const targeted = targetedFault(service, call, text, options.faults);
    if (targeted) {
      if (service === "ses") {
        const status = /^(ServiceUnavailable|InternalFailure)$/.test(targeted) ? 503 : 400;
        return refuse(response, "query", status, targeted, "injected fault");
      }
      return refuse(response, "json", 400, targeted, "injected fault");
    }
    if (service === "ses" && call && /^ses:Send(Raw)?Email$/.test(call.action)) {
      const form = new URLSearchParams(text);
      if (options.ses.sandbox) {
        const unverified = recipients(form).filter((address) => !isVerified(address, options.ses.verified));
        if (unverified.length > 0) {
          return refuse(
            response,
            "query",
            400,
            "MessageRejected",
            `Email address is not verified. The following identities failed the check in region ${LOCAL_REGION.toUpperCase()}: ${unverified.join(", ")}`,
          );
        }
      }
      if (options.ses.ratePerSecond !== undefined) {
        const now = options.clock.now();
        while (sent.length > 0 && (sent[0] as number) <= now - 1000) sent.shift();
        if (sent.length >= options.ses.ratePerSecond) {
          return refuse(response, "query", 400, "Throttling", "Maximum sending rate exceeded.");
        }
        sent.push(now);
      }
    }
    const listener = options.inProcess?.[service];
    if (listener) return listener(replay(request, text), response);
    forward(request, response, upstream, text);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, denials };
}

/** The request's headers for a body the front read whole: its length, no chunked encoding. */
function headersFor(request: IncomingMessage, body: string): IncomingMessage["headers"] {
  const headers = { ...request.headers, "content-length": String(Buffer.byteLength(body)) };
  delete headers["transfer-encoding"];
  return headers;
}

/** The request again, as a fresh stream of the body the front read (what a listener reads). */
function replay(request: IncomingMessage, body: string): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), {
    headers: headersFor(request, body),
    method: request.method,
    url: request.url,
    socket: request.socket,
  }) as unknown as IncomingMessage;
}

function forward(request: IncomingMessage, response: ServerResponse, upstream: string, body: string): void {
  const target = new URL(request.url ?? "/", upstream);
  const headers = { ...headersFor(request, body), host: target.host };
  const proxied = httpRequest(target, { method: request.method, headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  proxied.on("error", () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  proxied.end(body);
}

function refuse(
  response: ServerResponse,
  protocol: "json" | "query",
  status: number,
  code: string,
  message: string,
): void {
  const requestId = randomUUID();
  if (protocol === "query") {
    response.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": requestId });
    response.end(
      `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
    return;
  }
  response.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId });
  response.end(JSON.stringify({ __type: code, message, Message: message }));
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The error of a channel fault aimed at this message's recipient (and uses one of its count), if any. */
function targetedFault(service: string, call: AwsCall | undefined, text: string, faults: Faults | undefined) {
  if (!faults || !call) return undefined;
  if (service === "ses" && /^ses:Send(Raw)?Email$/.test(call.action)) {
    const fault = faults.email;
    if (fault.to === undefined || fault.count <= 0) return undefined;
    const wanted = fault.to.toLowerCase();
    const hit = recipients(new URLSearchParams(text)).some(
      (address) => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim().toLowerCase() === wanted,
    );
    if (!hit) return undefined;
    fault.count -= 1;
    return fault.error;
  }
  if (service === "sms-voice" && call.action === "sms-voice:SendTextMessage") {
    const fault = faults.sms;
    if (fault.to === undefined || fault.count <= 0) return undefined;
    let destination = "";
    try {
      destination = String((JSON.parse(text || "{}") as { DestinationPhoneNumber?: unknown }).DestinationPhoneNumber);
    } catch {
      return undefined;
    }
    if (destination !== fault.to) return undefined;
    fault.count -= 1;
    return fault.error;
  }
  return undefined;
}

function recipients(form: URLSearchParams): string[] {
  const found: string[] = [];
  for (const [key, value] of form) {
    if (/^Destination\.(To|Cc|Bcc)Addresses\.member\.\d+$/.test(key) || /^Destinations\.member\.\d+$/.test(key)) {
      found.push(value);
    }
  }
  return found;
}

function isVerified(address: string, verified: readonly string[]): boolean {
  const email = (/<([^>]+)>/.exec(address)?.[1] ?? address).trim().toLowerCase();
  const domain = email.slice(email.lastIndexOf("@") + 1);
  return verified.includes(email) || verified.includes(domain);
}

/** The IAM action and resources of one SDK request, or `undefined` for a request IAM does not govern here. */
export function describeCall(
  service: string,
  request: IncomingMessage,
  text: string,
  stateMachineOfToken: (token: string) => string | undefined,
): AwsCall | undefined {
  if (service === "ses") {
    const form = new URLSearchParams(text);
    const action = `ses:${form.get("Action") ?? ""}`;
    const source = form.get("Source") ?? "";
    const address = (/<([^>]+)>/.exec(source)?.[1] ?? source).trim();
    const resources = [arn("ses", `identity/${address.slice(address.lastIndexOf("@") + 1)}`)];
    const configurationSet = form.get("ConfigurationSetName");
    if (configurationSet) resources.push(arn("ses", `configuration-set/${configurationSet}`));
    return { action, resources };
  }
  const operation = String(request.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text || "{}") as Record<string, unknown>;
  } catch {
    return undefined;
  }
  switch (service) {
    case "dynamodb": {
      const table = (name: unknown) => arn("dynamodb", `table/${String(name)}`);
      const tables = body.RequestItems
        ? Object.keys(body.RequestItems as object).map(table)
        : [body.IndexName ? `${table(body.TableName)}/index/${String(body.IndexName)}` : table(body.TableName)];
      const leadingKeys = dynamoLeadingKeys(operation, body);
      return {
        action: `dynamodb:${operation}`,
        resources: tables,
        context: { "dynamodb:LeadingKeys": leadingKeys },
      };
    }
    case "sms-voice": {
      const resources: string[] = [];
      if (body.ProtectConfigurationId)
        resources.push(arn("sms-voice", `protect-configuration/${body.ProtectConfigurationId}`));
      const origin = String(body.OriginationIdentity ?? "");
      resources.push(
        origin.startsWith("arn:") ? origin : arn("sms-voice", `phone-number/${origin || "account-default"}`),
      );
      return { action: `sms-voice:${operation}`, resources };
    }
    case "events": {
      const entries = (body.Entries as Array<{ EventBusName?: string }> | undefined) ?? [];
      const buses = entries.map(({ EventBusName = "default" }) =>
        EventBusName.startsWith("arn:") ? EventBusName : arn("events", `event-bus/${EventBusName}`),
      );
      return { action: `events:${operation}`, resources: [...new Set(buses)] };
    }
    case "states": {
      const resource = body.taskToken
        ? (stateMachineOfToken(String(body.taskToken)) ?? arn("states", "stateMachine:unknown"))
        : String(body.stateMachineArn ?? body.executionArn ?? "*");
      return { action: `states:${operation}`, resources: [resource] };
    }
    default:
      return undefined;
  }
}

type AttributeMap = Record<string, { S?: string; N?: string; B?: string } | undefined>;

/**
 * The calls one `TransactWriteItems` stands for, as IAM authorizes it: each action needs its own permission
 * (`dynamodb:PutItem`, `DeleteItem`, `UpdateItem`, `ConditionCheckItem`) on its table, with its partition key as
 * `dynamodb:LeadingKeys`.
 */
export function transactionCalls(text: string): AwsCall[] {
  const ACTIONS: Record<string, string> = {
    Put: "PutItem",
    Delete: "DeleteItem",
    Update: "UpdateItem",
    ConditionCheck: "ConditionCheckItem",
  };
  let body: { TransactItems?: Array<Record<string, Record<string, unknown>>> };
  try {
    body = JSON.parse(text || "{}");
  } catch {
    return [];
  }
  return (body.TransactItems ?? []).flatMap((entry) =>
    Object.entries(entry ?? {}).map(([kind, action]) => {
      const operation = ACTIONS[kind] ?? kind;
      return {
        action: `dynamodb:${operation}`,
        resources: [arn("dynamodb", `table/${String(action.TableName)}`)],
        context: {
          "dynamodb:LeadingKeys": dynamoLeadingKeys(operation === "PutItem" ? "PutItem" : "DeleteItem", action),
        },
      };
    }),
  );
}

/**
 * `dynamodb:LeadingKeys` of a request: the partition key values of every item it reads or writes, or
 * `undefined` when the front cannot name them (a Scan, a query on an index, an expression it does not parse).
 */
export function dynamoLeadingKeys(operation: string, body: Record<string, unknown>): string[] | undefined {
  const keyOf = (item: unknown): string | undefined => {
    const value = (item as AttributeMap | undefined)?.[PARTITION_KEY];
    return value?.S ?? value?.N ?? value?.B;
  };
  const all = (items: unknown[]): string[] | undefined => {
    const keys = items.map(keyOf);
    return keys.every((key) => key !== undefined) ? (keys as string[]) : undefined;
  };
  switch (operation) {
    case "PutItem":
      return all([body.Item]);
    case "GetItem":
    case "UpdateItem":
    case "DeleteItem":
      return all([body.Key]);
    case "BatchGetItem":
      return all(
        Object.values((body.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).flatMap((t) => t.Keys ?? []),
      );
    case "BatchWriteItem":
      return all(
        Object.values(
          (body.RequestItems ?? {}) as Record<string, Array<Record<string, { Item?: unknown; Key?: unknown }>>>,
        )
          .flat()
          .map((request) => request.PutRequest?.Item ?? request.DeleteRequest?.Key),
      );
    case "Query": {
      if (body.IndexName !== undefined) return undefined;
      const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (body.ExpressionAttributeValues ?? {}) as AttributeMap;
      for (const clause of String(body.KeyConditionExpression ?? "").split(/\s+and\s+/i)) {
        const match = /^\(?\s*([#\w]+)\s*=\s*(:\w+)\s*\)?$/.exec(clause.trim());
        if (!match) continue;
        const [, name = "", placeholder = ""] = match;
        if ((names[name] ?? name) !== PARTITION_KEY) continue;
        const value = values[placeholder];
        const key = value?.S ?? value?.N ?? value?.B;
        return key === undefined ? undefined : [key];
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
