import type { SNSEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHandler } from "../../functions/receive-email-reply.js";
import { logger } from "../../src/adapters/lambda/handlers.js";
import { makeReceiveEmailReply } from "../../src/use-cases/receive-email-reply.js";
import { makeTestDeps, startVerification as startTestVerification } from "../fixtures/deps.js";
import { fakeContext, snsEvent as snsEventOf } from "../helpers/lambda.js";

const holder = { deps: makeTestDeps() };
const handler = createHandler({ receiveEmailReply: makeReceiveEmailReply(holder.deps) });

const EMAIL = "ana@example.com";
const CONTEXT = fakeContext({ functionName: "receive-email-reply" });

const startVerification = async () =>
  (
    await startTestVerification(holder.deps, {
      incidentType: "malware",
      reporter: { email: EMAIL, phone: "+14155550100" },
    })
  ).caseId;

const mime = (caseId: string, body = "YES, this was me\r\n") =>
  [
    `From: Ana <${EMAIL}>`,
    "To: replies@vigil.test",
    `Subject: Re: Confirm your report (case ${caseId})`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
  ].join("\r\n");

/**
 * The SNS event of a SES receipt rule's SNS action (notification JSON as the message), delivered to the
 * `Reply-To` of the latest verification email (the reporter's client replies there).
 */
function snsEvent(options: { content: string; encoding?: "UTF8" | "BASE64"; dmarc?: string }): SNSEvent {
  const recipient = holder.deps.email.sent.findLast((email) => email.replyTo)?.replyTo ?? "replies@vigil.test";
  const notification = {
    notificationType: "Received",
    mail: {
      timestamp: "2026-11-25T08:05:00.000Z",
      source: EMAIL,
      messageId: "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1",
      destination: ["replies@vigil.test"],
      commonHeaders: { from: [`Ana <${EMAIL}>`], to: ["replies@vigil.test"], subject: "Re: Confirm your report" },
    },
    receipt: {
      recipients: [recipient],
      spamVerdict: { status: "PASS" },
      virusVerdict: { status: "PASS" },
      spfVerdict: { status: "PASS" },
      dkimVerdict: { status: "PASS" },
      dmarcVerdict: { status: options.dmarc ?? "PASS" },
      action: {
        type: "SNS",
        topicArn: "arn:aws:sns:eu-west-1:123456789012:replies",
        encoding: options.encoding ?? "UTF8",
      },
    },
    content: options.encoding === "BASE64" ? Buffer.from(options.content).toString("base64") : options.content,
  };
  return snsEventOf(JSON.stringify(notification));
}

const emailState = async (caseId: string) => (await holder.deps.cases.get(caseId))?.case.verification.email;

describe("receive-email-reply handler", () => {
  const output: string[] = [];
  beforeEach(() => {
    output.length = 0;
    // Everything the function could log, not just what the test environment's WARN level lets through.
    logger.setLogLevel("DEBUG");
    const capture = (chunk: unknown) => {
      output.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel("WARN");
  });

  it("confirms the email factor from a UTF-8 SES notification", async () => {
    // Prepare
    const caseId = await startVerification();

    // Act
    const result = await handler(snsEvent({ content: mime(caseId, "YES\r\n") }), CONTEXT);

    // Assess
    expect(result).toEqual({ records: 1, confirmed: 1 });
    expect(await emailState(caseId)).toBe("verified");
  });

  it("decodes a Base64 notification too", async () => {
    // Prepare
    const caseId = await startVerification();

    // Act
    const result = await handler(snsEvent({ content: mime(caseId, "yes\r\n"), encoding: "BASE64" }), CONTEXT);

    // Assess
    expect(result).toEqual({ records: 1, confirmed: 1 });
  });

  it("ignores a reply whose DMARC verdict fails and logs no address or content", async () => {
    // Prepare
    const caseId = await startVerification();

    // Act
    const result = await handler(
      snsEvent({ content: mime(caseId, "YES\r\nmy secret words\r\n"), dmarc: "FAIL" }),
      CONTEXT,
    );

    // Assess
    expect(result).toEqual({ records: 1, confirmed: 0 });
    expect(await emailState(caseId)).toBe("pending");
    const logged = output.join("\n");
    expect(logged).not.toContain(EMAIL);
    expect(logged).not.toContain("secret words");
  });

  it("skips an unreadable notification without throwing", async () => {
    // Prepare
    const event = snsEventOf("{not json");

    // Act
    const result = await handler(event, CONTEXT);

    // Assess
    expect(result).toEqual({ records: 1, confirmed: 0 });
    expect(output.join("\n")).toContain("unreadable_notification");
  });

  it("rejects an event that is not an SNS event", async () => {
    // Act
    const outcome = handler({ hello: "world" } as unknown as SNSEvent, CONTEXT);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: "ValidationError" });
  });
});
