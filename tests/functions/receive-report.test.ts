import { createHash, randomUUID } from "node:crypto";
import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { HttpResponse } from "../../src/adapters/http/problem.js";
import { TEST_PROVIDER_SECRET, TEST_WEBHOOK_SECRET } from "../fixtures/deps.js";
import { httpEvent as apiGatewayEvent, fakeContext } from "../helpers/lambda.js";

const CASE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-case";
const ENV = {
  VIGIL_TABLE_NAME: "vigil-test",
  VIGIL_CASE_STATE_MACHINE_ARN: CASE_MACHINE,
  VIGIL_TIMER_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-timer",
  VIGIL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
  VIGIL_PROVIDER_WEBHOOK_SECRET: TEST_PROVIDER_SECRET,
  VIGIL_VERIFICATION_PEPPER: "test-pepper-0123456789abcdef",
};

const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;
let handler: Handler;
let logError: ReturnType<typeof vi.spyOn>;

const context = fakeContext({ functionName: "vigil-receive-report" });

function reportBody(data: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: "incident.reported",
    timestamp: new Date().toISOString(),
    data: {
      accountId: "acct_fn",
      incidentType: "unauthorized_access",
      reporter: { email: "ana@example.com", phone: "+14155550100" },
      description: "a login I do not recognise",
      ...data,
    },
  });
}

function httpEvent(body: string, options: { id?: string; signed?: boolean; headers?: Record<string, string> } = {}) {
  const id = options.id ?? `msg_${randomUUID()}`;
  const now = new Date();
  const signature = new Webhook(TEST_WEBHOOK_SECRET).sign(id, now, body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...(options.signed === false
      ? {}
      : {
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": signature,
        }),
    ...options.headers,
  };
  const event = apiGatewayEvent({ route: "POST /v1/reports", headers, body, sourceIp: "203.0.113.7" });
  return { event, id };
}

const problem = (response: HttpResponse) => JSON.parse(response.body ?? "{}") as Record<string, unknown>;
const transactedItems = () =>
  ddb
    .commandCalls(TransactWriteItemsCommand)
    .flatMap((call) => call.args[0].input.TransactItems ?? [])
    .map((action) => action.Put?.Item ?? {});
/** The intake write cancelled because the webhook id is held by `record` (returned as the old item, as asked). */
const webhookHeld = (record: Record<string, unknown>) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: [
      { Code: "None" },
      { Code: "ConditionalCheckFailed", Item: { doc: { S: JSON.stringify(record) } } },
      { Code: "None" },
    ],
  });

beforeAll(async () => {
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
  ({ handler } = (await import("../../functions/receive-report.js")) as unknown as { handler: Handler });
  const { logger } = await import("../../src/adapters/lambda/handlers.js");
  logError = vi.spyOn(logger, "error").mockImplementation(() => undefined);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  logError.mockClear();
  ddb.on(PutItemCommand).resolves({});
  ddb.on(TransactWriteItemsCommand).resolves({});
  ddb.on(GetItemCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:exec", startDate: new Date() });
});

describe("functions/receive-report handler", () => {
  it("answers 202 with the new case after writing the case, webhook and account claims in one transaction and starting the workflow", async () => {
    // Prepare
    const { event, id } = httpEvent(reportBody());

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.headers?.["content-type"]).toBe("application/json");
    const body = JSON.parse(response.body ?? "{}");
    expect(body).toEqual({
      caseId: expect.stringMatching(/^c_[0-9A-Z]{26}$/),
      status: "open",
      priority: "P2",
      duplicate: false,
      merged: false,
    });
    // The case first: a reader that finds a claim must find its case (ADR 0015).
    expect(transactedItems().map((item) => item.pk?.S)).toEqual([
      `CASE#${body.caseId}`,
      `WEBHOOK#${id}`,
      "ACCOUNT#acct_fn",
    ]);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(
      transactedItems().find((item) => item.pk?.S === `CASE#${body.caseId}` && item.sk?.S === "CASE"),
    ).toMatchObject({
      version: { N: "1" },
      gsi2pk: { S: "SWEEP#UNSETTLED" },
    });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: CASE_MACHINE,
      name: body.caseId,
      input: JSON.stringify({ caseId: body.caseId, generation: 1 }),
    });
  });

  it("answers 202 even when Step Functions is throttled (the start is deferred)", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));

    // Act
    const response = await handler(httpEvent(reportBody()).event, context);

    // Assess
    expect(response.statusCode).toBe(202);
  });

  it("answers 415 problem+json and touches nothing when the body is not JSON", async () => {
    // Prepare
    const { event } = httpEvent("accountId=acct_fn", { headers: { "content-type": "text/plain" } });

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response.statusCode).toBe(415);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    expect(problem(response)).toMatchObject({ status: 415, title: "Unsupported Media Type" });
    expect(ddb.calls()).toHaveLength(0);
  });

  it("answers 413 problem+json when the body is over 32 KiB", async () => {
    // Prepare
    const { event } = httpEvent(reportBody({ description: "x".repeat(33 * 1024) }));

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response.statusCode).toBe(413);
    expect(problem(response)).toMatchObject({ status: 413, title: "Content Too Large" });
    expect(ddb.calls()).toHaveLength(0);
  });

  it("answers 400 with the invalid fields when the signed body breaks the schema", async () => {
    // Prepare
    const { event } = httpEvent(reportBody({ incidentType: "bogus", reporter: { email: "nope" } }));

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    const body = problem(response);
    expect(body).toMatchObject({ status: 400, title: "Bad Request" });
    expect((body.errors as Array<{ path: string }>).map((error) => error.path)).toEqual(
      expect.arrayContaining(["/data/incidentType", "/data/reporter/email"]),
    );
    expect(ddb.calls()).toHaveLength(0);
  });

  it("answers 400 when the signed body is not valid JSON", async () => {
    // Act
    const response = await handler(httpEvent("{oops").event, context);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(problem(response)).toMatchObject({ errors: [{ path: "" }] });
  });

  it("answers 401 problem+json when the report is not signed", async () => {
    // Act
    const response = await handler(httpEvent(reportBody(), { signed: false }).event, context);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(problem(response)).toMatchObject({
      status: 401,
      title: "Unauthorized",
      type: "https://vigil.dev/problems/unauthorized",
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it("answers 409 when the webhook-id was used with another body", async () => {
    // Prepare
    const record = { webhookId: "msg_x", bodyHash: "other", state: "done", claimedAt: Date.now(), caseId: "c_1" };
    ddb.on(TransactWriteItemsCommand).rejects(webhookHeld(record));

    // Act
    const response = await handler(httpEvent(reportBody(), { id: "msg_x" }).event, context);

    // Assess
    expect(response.statusCode).toBe(409);
  });

  it("answers 429 with Retry-After while the same webhook-id is still being processed", async () => {
    // Prepare
    const body = reportBody();
    const bodyHash = createHash("sha256").update(body).digest("hex");
    const record = { webhookId: "msg_busy", bodyHash, state: "claimed", claimedAt: Date.now(), caseId: "c_unwritten" };
    ddb.on(TransactWriteItemsCommand).rejects(webhookHeld(record));

    // Act
    const response = await handler(httpEvent(body, { id: "msg_busy" }).event, context);

    // Assess
    expect(response.statusCode).toBe(429);
    expect(response.headers?.["retry-after"]).toBe("2");
  });

  it("answers 503 when DynamoDB throttles", async () => {
    // Prepare
    ddb
      .on(TransactWriteItemsCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));

    // Act
    const response = await handler(httpEvent(reportBody()).event, context);

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("ProvisionedThroughputExceeded");
  });

  it("answers a generic 500 without internals and logs the error (not the request) when something unknown breaks", async () => {
    // Prepare
    const internal = "connect ECONNREFUSED arn:aws:dynamodb:eu-west-1:123456789012:table/vigil-test";
    ddb.on(TransactWriteItemsCommand).rejects(Object.assign(new Error(internal), { name: "SomethingOdd" }));

    // Act
    const response = await handler(httpEvent(reportBody()).event, context);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    expect(problem(response)).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "An unexpected error occurred; it has been logged.",
    });
    expect(response.body).not.toMatch(/ECONNREFUSED|arn:aws|SomethingOdd/);
    expect(logError).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(logError.mock.calls[0]);
    expect(logged).toContain("SomethingOdd");
    expect(logged).not.toContain("ana@example.com");
  });
});
