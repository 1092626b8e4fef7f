import {
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  ThrottlingException as SmsThrottlingException,
  ValidationException,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { MessageRejected, SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SesEmailSender } from "../../../src/adapters/ses/ses-email-sender.js";
import { EumSmsSender } from "../../../src/adapters/sms/eum-sms-sender.js";
import { TransientError } from "../../../src/errors/index.js";

const email = { to: "ana@example.com", subject: "Case c_1", text: "plain text", html: "<p>html</p>" };

describe("SesEmailSender", () => {
  const client = new SESClient({});
  const ses = mockClient(client);
  beforeEach(() => ses.reset());

  it("sends text and HTML from the configured sender through the configuration set", async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: "m-1" });
    const sender = new SesEmailSender(client, { from: "Vigil <security@vigil.test>", configurationSet: "vigil" });

    // Act
    await sender.send(email);

    // Assess
    expect(ses).toHaveReceivedCommandExactlyOnceWith(SendEmailCommand, {
      Source: "Vigil <security@vigil.test>",
      Destination: { ToAddresses: ["ana@example.com"] },
      ConfigurationSetName: "vigil",
      Message: {
        Subject: { Data: "Case c_1", Charset: "UTF-8" },
        Body: { Text: { Data: "plain text", Charset: "UTF-8" }, Html: { Data: "<p>html</p>", Charset: "UTF-8" } },
      },
    });
  });

  it("sets Reply-To only when one is configured", async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: "m-1" });

    // Act
    await new SesEmailSender(client, { from: "a@vigil.test" }).send(email);
    await new SesEmailSender(client, { from: "a@vigil.test", replyTo: "replies@vigil.test" }).send(email);

    // Assess
    const inputs = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(inputs[0]?.ReplyToAddresses).toBeUndefined();
    expect(inputs[0]?.ConfigurationSetName).toBeUndefined();
    expect(inputs[1]?.ReplyToAddresses).toEqual(["replies@vigil.test"]);
  });

  it("throws TransientError naming the SES error when SES throttles", async () => {
    // Prepare
    const error = Object.assign(new Error("Maximum sending rate exceeded."), { name: "Throttling" });
    ses.on(SendEmailCommand).rejects(error);

    // Act
    const attempt = new SesEmailSender(client, { from: "a@vigil.test" }).send(email);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    await expect(attempt).rejects.toThrow("SES SendEmail failed: Throttling");
  });

  it("turns a sandbox MessageRejected into MessageUndeliverable without SES's text, which names the recipient", async () => {
    // Prepare
    const error = new MessageRejected({
      message:
        "Email address is not verified. The following identities failed the check in region EU-WEST-1: ana@example.com",
      $metadata: {},
    });
    ses.on(SendEmailCommand).rejects(error);

    // Act
    const attempt = new SesEmailSender(client, { from: "a@vigil.test" }).send(email);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: "MessageUndeliverable",
      channel: "email",
      reason: "sandbox_recipient",
    });
    await expect(attempt).rejects.not.toThrow(/ana@example\.com/);
  });
});

describe("EumSmsSender", () => {
  const client = new PinpointSMSVoiceV2Client({});
  const sms = mockClient(client);
  beforeEach(() => sms.reset());

  it("sends a TRANSACTIONAL text from the configured identity and protect configuration", async () => {
    // Prepare
    sms.on(SendTextMessageCommand).resolves({ MessageId: "s-1" });
    const sender = new EumSmsSender(client, { originationIdentity: "+15550100", protectConfigurationId: "protect-1" });

    // Act
    await sender.send({ to: "+14155550100", text: "Your code is 123456" });

    // Assess
    expect(sms).toHaveReceivedCommandExactlyOnceWith(SendTextMessageCommand, {
      DestinationPhoneNumber: "+14155550100",
      MessageBody: "Your code is 123456",
      MessageType: "TRANSACTIONAL",
      OriginationIdentity: "+15550100",
      ProtectConfigurationId: "protect-1",
    });
  });

  it("throws TransientError when the service throttles", async () => {
    // Prepare
    sms.on(SendTextMessageCommand).rejects(new SmsThrottlingException({ message: "slow down", $metadata: {} }));

    // Act
    const attempt = new EumSmsSender(client, {}).send({ to: "+14155550100", text: "hi" });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
  });

  it("turns a ValidationException into MessageUndeliverable with its reason class, without the number", async () => {
    // Prepare
    const error = new ValidationException({
      message: "Destination +14155550100 is blocked",
      $metadata: {},
      Reason: "DESTINATION_COUNTRY_BLOCKED",
    });
    sms.on(SendTextMessageCommand).rejects(error);

    // Act
    const attempt = new EumSmsSender(client, {}).send({ to: "+14155550100", text: "hi" });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "MessageUndeliverable", reason: "blocked_destination" });
    await expect(attempt).rejects.not.toThrow(/4155550100/);
  });
});
