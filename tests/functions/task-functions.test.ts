import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openCase } from "../../src/domain/case.js";
import { DEFAULT_POLICY } from "../../src/domain/policy.js";
import type { Case } from "../../src/schemas/case.js";
import { TEST_PROVIDER_SECRET, TEST_WEBHOOK_SECRET } from "../fixtures/deps.js";
import { fakeContext } from "../helpers/lambda.js";

const ENV = {
  VIGIL_TABLE_NAME: "vigil-test",
  VIGIL_CASE_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-case",
  VIGIL_TIMER_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-timer",
  VIGIL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
  VIGIL_PROVIDER_WEBHOOK_SECRET: TEST_PROVIDER_SECRET,
  VIGIL_VERIFICATION_PEPPER: "test-pepper-0123456789abcdef",
  VIGIL_ONCALL_EMAIL: "oncall@vigil.test",
};
const TASKS = [
  "acknowledge-report",
  "await-resolution",
  "close-unverified",
  "complete-case",
  "escalate-case",
  "fire-timer",
  "contain-incident",
  "read-case-plan",
  "request-verification",
  "send-guidance",
] as const;
type Task = (typeof TASKS)[number];
type Handler = (event: unknown, context: Context) => Promise<unknown>;

const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const ses = mockClient(SESClient);
const sms = mockClient(PinpointSMSVoiceV2Client);

/** A minimal stateful table: enough for get-then-put flows (conditions are not evaluated). */
const table = new Map<string, Record<string, AttributeValue>>();
const keyOf = (item: Record<string, AttributeValue> | undefined) => `${item?.pk?.S}|${item?.sk?.S}`;

const handlers = {} as Record<Task, Handler>;
const context = fakeContext({ functionName: "vigil-task" });

function storeCase(overrides: Partial<Case> = {}): Case {
  const item: Case = {
    ...openCase({
      caseId: "c_task",
      webhookId: "msg_1",
      now: Date.now(),
      policy: DEFAULT_POLICY,
      report: {
        accountId: "acct_1",
        incidentType: "key_compromise",
        reporter: { email: "ana@example.com", phone: "+14155550100" },
      },
    }),
    ...overrides,
  };
  table.set("CASE#c_task|CASE", {
    pk: { S: "CASE#c_task" },
    sk: { S: "CASE" },
    doc: { S: JSON.stringify(item) },
    version: { N: "1" },
  });
  return item;
}

function storedCase(): Case {
  return JSON.parse(table.get("CASE#c_task|CASE")?.doc?.S ?? "null") as Case;
}

beforeAll(async () => {
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
  for (const task of TASKS) {
    handlers[task] = ((await import(`../../functions/${task}.ts`)) as { handler: Handler }).handler;
  }
  const { logger } = await import("../../src/adapters/lambda/handlers.js");
  vi.spyOn(logger, "warn").mockImplementation(() => undefined);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  table.clear();
  for (const mock of [ddb, sfn, ses, sms]) mock.reset();
  ddb.on(PutItemCommand).callsFake((input: { Item: Record<string, AttributeValue> }) => {
    table.set(keyOf(input.Item), input.Item);
    return {};
  });
  ddb
    .on(GetItemCommand)
    .callsFake(async (input: { Key: Record<string, AttributeValue> }) => ({ Item: table.get(keyOf(input.Key)) }));
  ddb.on(QueryCommand).resolves({ Items: [] });
  sfn.onAnyCommand().resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: "m-1" });
  sms.on(SendTextMessageCommand).resolves({ MessageId: "s-1" });
});

describe("workflow task functions", () => {
  it.each(TASKS)("%s rejects a malformed input with a ValidationError and calls nothing", async (task) => {
    // Act
    const attempt = handlers[task]({ caseId: "", generation: "one" }, context);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "ValidationError" });
    expect(ddb.calls()).toHaveLength(0);
  });

  it("lets a throttled DynamoDB reach the workflow as a TransientError (the name the ASL retries)", async () => {
    // Prepare
    ddb.on(GetItemCommand).rejects(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));

    // Act
    const attempt = handlers["acknowledge-report"]({ caseId: "c_task", generation: 1 }, context);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "TransientError" });
  });

  it("lets CaseConcluded reach the workflow when verification is requested on a closed case", async () => {
    // Prepare
    storeCase({ status: "closed", closeReason: "closed_by_agent" });

    // Act
    const attempt = handlers["request-verification"]({ caseId: "c_task", generation: 1, taskToken: "t-1" }, context);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "CaseConcluded" });
  });

  it("contains first: requests the lock, arms the SLA timer and sends nothing", async () => {
    // Prepare
    storeCase();

    // Act
    const plan = await handlers["contain-incident"]({ caseId: "c_task", generation: 1 }, context);

    // Assess
    expect(plan).toMatchObject({ lockRequired: false, urgentGuidance: true, verificationTimeoutSeconds: 86_400 });
    expect(["requested", "applied"]).toContain(storedCase().lock.state);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: ENV.VIGIL_TIMER_STATE_MACHINE_ARN,
      name: "c_task-sla-1",
    });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
    expect(sms).not.toHaveReceivedCommand(SendTextMessageCommand);
    expect(storedCase().workflow).toMatchObject({ started: true, timerGeneration: 1 });
  });

  it("acknowledges the report on both channels and returns the plan", async () => {
    // Prepare
    storeCase();

    // Act
    const plan = await handlers["acknowledge-report"]({ caseId: "c_task", generation: 1 }, context);

    // Assess
    expect(plan).toMatchObject({ urgentGuidance: true, verificationTimeoutSeconds: 86_400 });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, { Destination: { ToAddresses: ["ana@example.com"] } });
    expect(sms).toHaveReceivedCommandWith(SendTextMessageCommand, { DestinationPhoneNumber: "+14155550100" });
  });

  it("lets Step Functions see an SES rejection only as its class: no address in the error", async () => {
    // Prepare
    storeCase();
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error("Email address is not verified: ana@example.com"), { name: "MessageRejected" }));
    sms.on(SendTextMessageCommand).rejects(
      Object.assign(new Error("+14155550100 opted out"), {
        name: "ConflictException",
        Reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT",
      }),
    );

    // Act
    const attempt = handlers["acknowledge-report"]({ caseId: "c_task", generation: 1 }, context);

    // Assess
    const error = (await attempt.catch((caught: unknown) => caught)) as Error;
    expect(error.name).toBe("ReporterUnreachable");
    expect(`${error.message} ${error.stack}`).not.toMatch(/ana@example\.com|4155550100/);
    expect(storedCase().channels).toEqual({ email: false, sms: false });
  });

  it("pages the configured on-call address when a case escalates", async () => {
    // Prepare
    storeCase();

    // Act
    const plan = await handlers["escalate-case"](
      { caseId: "c_task", generation: 1, failure: { Error: "States.Timeout" } },
      context,
    );

    // Assess
    expect(plan).toMatchObject({ urgentGuidance: true });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, { Destination: { ToAddresses: ["oncall@vigil.test"] } });
    expect(storedCase().escalations).toBe(1);
  });

  it("resumes the workflow at once when the case awaiting resolution is already resolved", async () => {
    // Prepare
    storeCase({ status: "resolved", closeReason: "resolved" });

    // Act
    await handlers["await-resolution"]({ caseId: "c_task", generation: 1, taskToken: "t-9" }, context);

    // Assess
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: "t-9",
      output: '{"outcome":"resolved"}',
    });
  });
});
