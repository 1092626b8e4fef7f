import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  MISSING_VERDICT,
  rawMimeOf,
  SesReceivedNotificationSchema,
  SnsEventSchema,
} from "../../../src/schemas/inbound-email.js";
import { makeReceiveEmailReply } from "../../../src/use-cases/receive-email-reply.js";
import { makeTestDeps, startVerification } from "../../fixtures/deps.js";

/** AWS's documented samples (tests/fixtures/aws/, each with its source). */
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/aws/${name}`, import.meta.url), "utf8")) as unknown;

/** SNS event → notification → InboundEmail, as functions/receive-email-reply.ts parses it. */
function parseEvent(event: unknown) {
  const records = SnsEventSchema.parse(event).Records;
  return records.map((record) => SesReceivedNotificationSchema.safeParse(JSON.parse(record.Sns.Message)));
}

describe("SES SNS-action notifications (AWS samples)", () => {
  it("reads AWS's UTF-8 sample, which has neither dmarcVerdict nor encoding, as an unauthenticated reply", () => {
    // Prepare
    const event = fixture("ses-sns-action-utf8.json");

    // Act
    const [parsed] = parseEvent(event);

    // Assess
    expect(parsed?.success).toBe(true);
    expect(parsed?.data?.verdicts).toEqual({ spf: "PASS", dkim: "PASS", dmarc: MISSING_VERDICT });
    expect(parsed?.data?.rawMime).toMatch(/^Return-Path: <61967230-7A45-4A9D-BEC9-87CBCF2211C9@example\.com>\r\n/);
    expect(parsed?.data?.rawMime).toContain("\r\n\r\nExample content\r\n");
    expect(parsed?.data?.envelopeFrom).toBe("61967230-7A45-4A9D-BEC9-87CBCF2211C9@example.com");
  });

  it("decodes the Base64 sample to the same message", () => {
    // Prepare
    const [utf8] = parseEvent(fixture("ses-sns-action-utf8.json"));

    // Act
    const [base64] = parseEvent(fixture("ses-sns-action-base64.json"));

    // Assess
    expect(base64?.success).toBe(true);
    expect(base64?.data?.rawMime).toBe(utf8?.data?.rawMime);
  });

  it("recognises Base64 content without a declared encoding, and never decodes a MIME message", () => {
    // Prepare
    const mime = "From: ana@example.com\r\nSubject: Re: case\r\n\r\nYES\r\n";

    // Act
    const undeclared = rawMimeOf(Buffer.from(mime).toString("base64"), undefined);
    const plain = rawMimeOf(mime, undefined);
    const declared = rawMimeOf(mime, "UTF8");

    // Assess
    expect(undeclared).toBe(mime);
    expect(plain).toBe(mime);
    expect(declared).toBe(mime);
  });

  it("refuses a YES reply from the sample when DMARC is absent (authentication_failed, not unreadable)", async () => {
    // Prepare: AWS's sample, its subject and body turned into a YES reply to a real case from its sender.
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps, {
      incidentType: "malware",
      reporter: { email: "sender@example.com", phone: "+14155550100" },
    });
    const event = fixture("ses-sns-action-utf8.json") as { Records: { Sns: { Message: string } }[] };
    const record = event.Records[0];
    if (record === undefined) throw new Error("fixture has no record");
    const notification = JSON.parse(record.Sns.Message) as { content: string };
    notification.content = notification.content
      .replace("Subject: Example subject", `Subject: Re: Confirm your report (case ${caseId})`)
      .replace("Example content", "YES");
    record.Sns.Message = JSON.stringify(notification);
    const [parsed] = parseEvent(event);

    // Act
    const outcome = await makeReceiveEmailReply(deps)(parsed?.data ?? ({ rawMime: "", verdicts: {} } as never));

    // Assess
    expect(outcome).toEqual({ outcome: "ignored", reason: "authentication_failed", caseId });
  });
});
