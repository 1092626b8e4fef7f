/**
 * Lambda events and context for handler tests, built from AWS's own sample events
 * (`tests/fixtures/events/*.json`, each naming its source) so a test's event has the shape Lambda
 * really delivers, with only the fields the test is about replaced.
 */
import { readFileSync } from "node:fs";
import type { APIGatewayProxyEventV2, Context, ScheduledEvent, SNSEvent } from "aws-lambda";

const fixture = <T>(name: string): T => {
  const { _source: _, ...event } = JSON.parse(
    readFileSync(new URL(`../fixtures/events/${name}.json`, import.meta.url), "utf8"),
  ) as Record<string, unknown>;
  return event as T;
};

/** The Lambda context, as the Node.js runtime hands it to a handler. */
export function fakeContext(overrides: Partial<Context> = {}): Context {
  const functionName = overrides.functionName ?? "vigil-test-function";
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/12/02/[$LATEST]abcdef0123456789",
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

export interface HttpRequest {
  /** The API Gateway route key, e.g. `"POST /v1/cases/{caseId}/actions"`. */
  route: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON (with `content-type: application/json` unless set). */
  body?: unknown;
  /** JWT claims of the operator authorizer; none: an unauthenticated request. */
  claims?: Record<string, string>;
  sourceIp?: string;
}

/** An HTTP API (payload 2.0) event for one route, from AWS's sample. */
export function httpEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  const sample = fixture<APIGatewayProxyEventV2>("apigw-http-v2");
  const [method = "GET", template = "/"] = request.route.split(" ");
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(request.pathParameters?.[name] ?? ""),
  );
  const json = request.body !== undefined && typeof request.body !== "string";
  const headers: Record<string, string> = {
    "user-agent": "vitest",
    ...(json ? { "content-type": "application/json" } : {}),
    ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  };
  const {
    authorizer: _authorizer,
    authentication: _authentication,
    ...requestContext
  } = sample.requestContext as APIGatewayProxyEventV2["requestContext"] & { authorizer?: unknown };
  const { cookies: _cookies, stageVariables: _stageVariables, ...rest } = sample;
  return {
    ...rest,
    routeKey: request.route,
    rawPath: path,
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    headers,
    ...(request.query ? { queryStringParameters: request.query } : { queryStringParameters: undefined }),
    pathParameters: request.pathParameters,
    body: request.body === undefined ? undefined : json ? JSON.stringify(request.body) : (request.body as string),
    isBase64Encoded: false,
    requestContext: {
      ...requestContext,
      routeKey: request.route,
      http: { ...requestContext.http, method, path, sourceIp: request.sourceIp ?? requestContext.http.sourceIp },
      ...(request.claims ? { authorizer: { jwt: { claims: request.claims, scopes: [] } } } : {}),
    },
  } as APIGatewayProxyEventV2;
}

/** An SNS event with one record per message, from AWS's sample. */
export function snsEvent(...messages: string[]): SNSEvent {
  const sample = fixture<SNSEvent>("sns");
  const [record] = sample.Records;
  if (!record) throw new Error("the SNS sample has no record");
  return {
    Records: messages.map((Message, index) => ({
      ...record,
      Sns: {
        ...record.Sns,
        MessageId: `${record.Sns.MessageId.slice(0, -2)}${String(index).padStart(2, "0")}`,
        Message,
      },
    })),
  };
}

/** What a case workflow task receives from Step Functions (callback tasks also get `taskToken`). */
export function taskEvent(
  overrides: Partial<{ caseId: string; generation: number; taskToken: string }> & Record<string, unknown> = {},
): { caseId: string; generation: number; taskToken: string } & Record<string, unknown> {
  return { ...fixture<{ caseId: string; generation: number; taskToken: string }>("step-functions-task"), ...overrides };
}

/** An EventBridge scheduled event (the schedule ticks of `start-pending-workflows` and `anchor-audit`). */
export function scheduledEvent(): ScheduledEvent {
  return fixture<ScheduledEvent>("scheduled-event");
}
