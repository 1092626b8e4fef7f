import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../infra/config.js";

describe("parseConfig", () => {
  it("fills in the documented defaults when the context is empty", () => {
    // Prepare
    const input = {};

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config).toEqual({
      stage: "dev",
      region: "eu-west-1",
      account: undefined,
      emailFrom: "security@example.com",
      sesIdentityDomain: "example.com",
      inboundReplyDomain: "reply.example.com",
      inboundReplyAddress: "replies@reply.example.com",
      existingSesIdentities: [],
      receiptRuleSetName: undefined,
      activateReceiptRuleSet: false,
      providerWebhookUrl: "https://provider.example.com/webhooks/vigil",
      oncallEmail: "oncall@example.com",
      oncallPhone: undefined,
      publicBaseUrl: undefined,
      helpBaseUrl: undefined,
      smsOriginationIdentity: undefined,
      smsAllowedCountries: ["US"],
      smsMonthlyLimit: 1000,
      alarmEmail: undefined,
      eventBusName: "vigil-dev-events",
      eventConsumerAccounts: [],
      emailHourlyLimit: 500,
      sesMaxSendRate: 14,
      smsMaxMps: 3,
      apiRateLimit: 50,
      apiBurstLimit: 100,
      intakeRateLimit: 50,
      intakeBurstLimit: 100,
      verifyRateLimit: 10,
      verifyBurstLimit: 20,
      intakeConcurrency: 20,
      taskConcurrency: 10,
      replyConcurrency: 2,
      anchorRetentionDays: 365,
    });
  });

  it("refuses a reply domain equal to the sending domain, whose MX would hand all its mail to SES", () => {
    // Prepare
    const input = { emailFrom: "security@wallet.example", inboundReplyDomain: "wallet.example" };

    // Act / Assess
    expect(() => parseConfig(input)).toThrow(/inboundReplyDomain: must differ from sesIdentityDomain/);
  });

  it("refuses to both name an existing rule set and activate Vigil's own", () => {
    // Prepare
    const input = { receiptRuleSetName: "corporate", activateReceiptRuleSet: "true" };

    // Act / Assess
    expect(() => parseConfig(input)).toThrow(/activateReceiptRuleSet: cannot be combined/);
  });

  it("parses the deployment lists and flags from command-line strings", () => {
    // Prepare
    const input = {
      existingSesIdentities: "Wallet.example, reply.wallet.example",
      eventConsumerAccounts: "210987654321",
      activateReceiptRuleSet: "true",
      inboundReplyDomain: "in.wallet.example",
      emailFrom: "security@wallet.example",
    };

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config.existingSesIdentities).toEqual(["wallet.example", "reply.wallet.example"]);
    expect(config.eventConsumerAccounts).toEqual(["210987654321"]);
    expect(config.activateReceiptRuleSet).toBe(true);
    expect(config.inboundReplyAddress).toBe("replies@in.wallet.example");
    expect(() => parseConfig({ eventConsumerAccounts: "12345" })).toThrow(/12-digit AWS account id/);
  });

  it("parses command-line strings into numbers, lists and trimmed URLs", () => {
    // Prepare
    const input = {
      smsMonthlyLimit: "2500",
      smsAllowedCountries: "us, es ,US",
      publicBaseUrl: "https://vigil.wallet.example/",
      oncallPhone: "",
    };

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config.smsMonthlyLimit).toBe(2500);
    expect(config.smsAllowedCountries).toEqual(["US", "ES"]);
    expect(config.publicBaseUrl).toBe("https://vigil.wallet.example");
    expect(config.oncallPhone).toBeUndefined();
  });

  it("rejects every invalid key at once when values are malformed", () => {
    // Prepare
    const input = {
      stage: "Prod!",
      emailFrom: "Security <not-an-address>",
      providerWebhookUrl: "http://insecure.example",
      oncallPhone: "4155550100",
    };

    // Act
    const act = () => parseConfig(input);

    // Assess
    expect(act).toThrow(/stage:[\s\S]*emailFrom:[\s\S]*providerWebhookUrl:[\s\S]*oncallPhone:/);
  });

  it("accepts a sender with a display name and derives the identity domain from its address", () => {
    // Prepare
    const input = { emailFrom: "Wallet Security <security@mail.wallet.example>", sesIdentityDomain: "wallet.example" };

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config.emailFrom).toBe("Wallet Security <security@mail.wallet.example>");
    expect(config.sesIdentityDomain).toBe("wallet.example");
    expect(config.inboundReplyAddress).toBe("replies@reply.wallet.example");
  });

  it("rejects a sender outside the SES identity domain", () => {
    // Prepare
    const input = { emailFrom: "security@other.example", sesIdentityDomain: "wallet.example" };

    // Act
    const act = () => parseConfig(input);

    // Assess
    expect(act).toThrow(/emailFrom: security@other\.example is not in sesIdentityDomain wallet\.example/);
  });

  it("prefers the context region over the CLI default region", () => {
    // Prepare
    const input = { region: "us-west-2" };

    // Act
    const config = parseConfig(input, { region: "us-east-1", account: "123456789012" });

    // Assess
    expect(config.region).toBe("us-west-2");
    expect(config.account).toBe("123456789012");
  });
});

describe("loadConfig", () => {
  it("reads flat context keys of the app when they are set", () => {
    // Prepare
    const app = new App({
      context: {
        stage: "prod",
        emailFrom: "sec@wallet.example",
        alarmEmail: "ops@wallet.example",
        providerWebhookUrl: "https://api.wallet.example/vigil",
        oncallEmail: "oncall@wallet.example",
      },
    });

    // Act
    const config = loadConfig(app.node, {});

    // Assess
    expect(config).toMatchObject({
      stage: "prod",
      emailFrom: "sec@wallet.example",
      sesIdentityDomain: "wallet.example",
      alarmEmail: "ops@wallet.example",
      region: "eu-west-1",
    });
  });
});

describe("parseConfig for a production stage", () => {
  const REAL = {
    emailFrom: "Wallet Security <security@wallet.example>",
    providerWebhookUrl: "https://api.wallet.example/webhooks/vigil",
    oncallEmail: "oncall@wallet.example",
  };

  it("refuses the example.com defaults, naming each key still at its placeholder", () => {
    // Act
    const parse = () => parseConfig({ stage: "prod", emailFrom: REAL.emailFrom });

    // Assess
    expect(parse).toThrow(/providerWebhookUrl: still the example.com placeholder; stage prod/);
    expect(parse).toThrow(/oncallEmail: still the example.com placeholder/);
    expect(parse).not.toThrow(/emailFrom/);
  });

  it.each(["production", "prod-eu"])("treats %s as production too", (stage) => {
    // Act
    const parse = () => parseConfig({ stage });

    // Assess
    expect(parse).toThrow(/emailFrom: still the example.com placeholder/);
  });

  it("accepts a production stage with real values, and other stages with the defaults", () => {
    // Act
    const prod = parseConfig({ stage: "prod", ...REAL });
    const staging = parseConfig({ stage: "staging" });

    // Assess
    expect(prod.providerWebhookUrl).toBe(REAL.providerWebhookUrl);
    expect(staging.oncallEmail).toBe("oncall@example.com");
  });
});
