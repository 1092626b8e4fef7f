import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SMS_COUNTRY_CODES } from "../../infra/constructs/sms-guardrails.js";
import { resourcesOf, type SynthesizedVigil, synthesizeVigil, TEST_ACCOUNT } from "./fixtures.js";

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
const resourcesIn = (vigil: SynthesizedVigil): [string, Resource][] => [
  ...(Object.entries(vigil.statefulTemplate.toJSON().Resources) as [string, Resource][]),
  ...(Object.entries(vigil.serviceTemplate.toJSON().Resources) as [string, Resource][]),
];

/** End User Messaging's documented SMS destinations (copied from AWS's documentation, with its source). */
const documentedCountries = JSON.parse(
  readFileSync(new URL("../fixtures/aws/eum-sms-countries.json", import.meta.url), "utf8"),
) as { sourceUrl: string; countries: { country: string; isoCode: string }[] };

/** Properties that set a physical name, by resource type: each is unique per account (and region) or global. */
const NAME_PROPERTIES: Record<string, string[]> = {
  "AWS::Events::EventBus": ["Name"],
  "AWS::StepFunctions::StateMachine": ["StateMachineName"],
  "AWS::Logs::LogGroup": ["LogGroupName"],
  "AWS::SES::ConfigurationSet": ["Name"],
  "AWS::SES::ReceiptRuleSet": ["RuleSetName"],
  "AWS::CloudWatch::Alarm": ["AlarmName"],
  "AWS::CloudWatch::Dashboard": ["DashboardName"],
  "AWS::SecretsManager::Secret": ["Name"],
  "AWS::Cognito::UserPool": ["UserPoolName"],
  "AWS::ApiGatewayV2::Api": ["Name"],
};

describe("a first deployment into a fresh account", () => {
  const vigil = synthesizeVigil({ stage: "qa7" });

  it("retains nothing that a failed first create made, so a retry can create it again", () => {
    // Prepare
    const resources = resourcesIn(vigil);

    // Act
    const retainedOnCreate = resources.filter(([, resource]) => resource.DeletionPolicy === "Retain");
    const retained = resources.filter(([, resource]) => resource.DeletionPolicy === "RetainExceptOnCreate");

    // Assess
    expect(retainedOnCreate.map(([id]) => id)).toEqual([]);
    expect(new Set(retained.map(([, resource]) => resource.Type))).toEqual(
      new Set([
        "AWS::DynamoDB::Table",
        "AWS::SecretsManager::Secret",
        "AWS::Cognito::UserPool",
        "AWS::Logs::LogGroup",
        "AWS::KMS::Key",
        "AWS::S3::Bucket",
      ]),
    );
    for (const [, resource] of retained) expect(resource.UpdateReplacePolicy).toBe("Retain");
  });

  it("puts the stage in every fixed name, so two stages fit in one account and region", () => {
    // Prepare
    const named = resourcesIn(vigil).flatMap(([id, resource]) =>
      (NAME_PROPERTIES[resource.Type] ?? [])
        .map((key) => resource.Properties?.[key])
        .filter((value): value is string => typeof value === "string")
        .map((name) => ({ id, type: resource.Type, name })),
    );

    // Act
    const withoutStage = named.filter(({ name }) => !name.includes("qa7"));

    // Assess
    expect(named.map(({ type }) => type)).toEqual(expect.arrayContaining(Object.keys(NAME_PROPERTIES)));
    expect(withoutStage).toEqual([]);
    expect(vigil.config.eventBusName).toBe("vigil-qa7-events");
  });
});

describe("SES identities", () => {
  it("creates a sending and a reply identity, and outputs their DKIM records and the reply domain's MX", () => {
    // Prepare
    const vigil = synthesizeVigil();

    // Act
    const identities = Object.values(vigil.serviceTemplate.findResources("AWS::SES::EmailIdentity")).map(
      (resource) => resource.Properties.EmailIdentity,
    );
    const outputs = vigil.serviceTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(identities.sort()).toEqual(["reply.wallet.example", "wallet.example"]);
    expect(Object.keys(outputs).filter((key) => key.startsWith("DkimRecord"))).toHaveLength(3);
    expect(Object.keys(outputs).filter((key) => key.startsWith("ReplyDkimRecord"))).toHaveLength(3);
    expect(outputs.ReplyDomainMx?.Value).toBe("reply.wallet.example MX 10 inbound-smtp.eu-west-1.amazonaws.com");
  });

  it("imports a domain identity that already exists instead of creating it", () => {
    // Prepare
    const vigil = synthesizeVigil({ existingSesIdentities: "wallet.example" });

    // Act
    const identities = Object.values(vigil.serviceTemplate.findResources("AWS::SES::EmailIdentity")).map(
      (resource) => resource.Properties.EmailIdentity,
    );
    const sendResources = resourcesOf(vigil.service, vigil.serviceTemplate, "receive-report", "ses:SendEmail");

    // Assess
    expect(identities).toEqual(["reply.wallet.example"]);
    expect(sendResources).toContain(`arn:aws:ses:eu-west-1:${TEST_ACCOUNT}:identity/wallet.example`);
    expect(Object.keys(vigil.serviceTemplate.toJSON().Outputs).some((key) => key.startsWith("DkimRecord"))).toBe(false);
  });
});

describe("inbound replies", () => {
  it("receives replies on the reply domain only, in Vigil's own inactive rule set by default", () => {
    // Prepare
    const vigil = synthesizeVigil({ inboundReplyDomain: "replies-vigil.wallet.example" });

    // Act
    const [rule] = Object.values(vigil.serviceTemplate.findResources("AWS::SES::ReceiptRule"));

    // Assess
    expect(rule?.Properties.Rule.Recipients).toEqual(["replies@replies-vigil.wallet.example"]);
    vigil.serviceTemplate.hasResourceProperties("AWS::SES::ReceiptRuleSet", { RuleSetName: "vigil-test-inbound" });
    vigil.serviceTemplate.resourceCountIs("Custom::AWS", 0);
  });

  it("adds Vigil's rule to an existing active rule set when one is named", () => {
    // Prepare
    const vigil = synthesizeVigil({ receiptRuleSetName: "corporate-inbound" });

    // Act
    const [rule] = Object.values(vigil.serviceTemplate.findResources("AWS::SES::ReceiptRule"));
    const [key] = Object.values(vigil.serviceTemplate.findResources("AWS::KMS::Key"));
    const sesStatement = (
      (key?.Properties.KeyPolicy.Statement ?? []) as {
        Sid?: string;
        Condition?: Record<string, Record<string, unknown>>;
      }[]
    ).find((statement) => statement.Sid === "SesEncryptsReplies");

    // Assess
    vigil.serviceTemplate.resourceCountIs("AWS::SES::ReceiptRuleSet", 0);
    expect(rule?.Properties.RuleSetName).toBe("corporate-inbound");
    expect(sesStatement?.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": TEST_ACCOUNT },
      ArnLike: {
        "aws:SourceArn": `arn:aws:ses:eu-west-1:${TEST_ACCOUNT}:receipt-rule-set/corporate-inbound:receipt-rule/vigil-test-replies`,
      },
    });
  });

  it("creates and activates its own rule set through a custom resource on opt-in, and stays nag-clean", () => {
    // Prepare
    const vigil = synthesizeVigil({ activateReceiptRuleSet: "true" });

    // Act
    const [activation] = Object.values(vigil.serviceTemplate.findResources("Custom::AWS"));
    const create = JSON.stringify(activation?.Properties.Create);
    const remove = JSON.stringify(activation?.Properties.Delete);

    // Assess
    expect(create).toContain("setActiveReceiptRuleSet");
    expect(create).toContain("vigil-test-inbound");
    expect(remove).toContain("setActiveReceiptRuleSet");
    expect(remove).not.toContain("vigil-test-inbound");
  });
});

describe("SMS protect configuration", () => {
  it("names only country codes AWS documents for SMS, and allows only US by default", () => {
    // Prepare
    const documented = new Set(documentedCountries.countries.map((row) => row.isoCode));
    const vigil = synthesizeVigil({ smsAllowedCountries: undefined });

    // Act
    const [protect] = Object.values(vigil.serviceTemplate.findResources("AWS::SMSVOICE::ProtectConfiguration"));
    const rules = protect?.Properties.CountryRuleSet.SMS as { CountryCode: string; ProtectStatus: string }[];

    // Assess
    expect(documentedCountries.sourceUrl).toMatch(/^https:\/\/github\.com\/awsdocs\//);
    expect(rules.map((rule) => rule.CountryCode).filter((code) => !documented.has(code))).toEqual([]);
    expect(rules.filter((rule) => rule.ProtectStatus === "ALLOW").map((rule) => rule.CountryCode)).toEqual(["US"]);
    expect(rules).toHaveLength(SMS_COUNTRY_CODES.length);
  });

  it("refuses at synth an allowed country the protect configuration cannot name", () => {
    // Prepare / Act / Assess
    expect(() => synthesizeVigil({ smsAllowedCountries: "US,AN" })).toThrow(/AN cannot be used/);
  });
});

describe("event bus", () => {
  it("lets a consumer account manage only the rules it creates on the stage's bus", () => {
    // Prepare
    const vigil = synthesizeVigil({ eventConsumerAccounts: "210987654321" });

    // Act
    const [policy] = Object.values(vigil.serviceTemplate.findResources("AWS::Events::EventBusPolicy"));

    // Assess
    expect(policy?.Properties.Statement).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:root" },
      Resource: `arn:aws:events:eu-west-1:${TEST_ACCOUNT}:rule/vigil-test-events/*`,
      Condition: { StringEqualsIfExists: { "events:creatorAccount": "210987654321" } },
    });
    expect(policy?.Properties.Statement.Action).toContain("events:PutRule");
    expect(policy?.Properties.Statement.Action).not.toContain("events:PutEvents");
  });
});

describe("KMS key policy of the SNS topics", () => {
  it("lets CloudWatch use the key without the source conditions AWS does not document for it", () => {
    // Prepare
    const vigil = synthesizeVigil();
    const [key] = Object.values(vigil.serviceTemplate.findResources("AWS::KMS::Key"));

    // Act
    const statements = (key?.Properties.KeyPolicy.Statement ?? []) as { Sid?: string; Condition?: unknown }[];

    // Assess
    expect(statements.find((s) => s.Sid === "CloudWatchEncryptsAlarms")?.Condition).toBeUndefined();
    expect(statements.find((s) => s.Sid === "SesEncryptsReplies")?.Condition).toBeDefined();
  });
});

describe("stack outputs for npm run doctor", () => {
  it("outputs every key the doctor reads", () => {
    // Prepare
    const doctor = readFileSync(new URL("../../scripts/doctor/checks.ts", import.meta.url), "utf8");
    const read = [...doctor.matchAll(/out\("([A-Za-z]+)"\)/g)].map((match) => match[1]);
    const vigil = synthesizeVigil({ smsOriginationIdentity: "phone-1234" });

    // Act
    const outputs = Object.keys(vigil.serviceTemplate.toJSON().Outputs);

    // Assess
    expect(read.length).toBeGreaterThan(5);
    expect(read.filter((key) => !outputs.includes(key ?? ""))).toEqual([]);
  });
});
