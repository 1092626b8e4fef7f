import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CognitoIdentityProviderClient, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import {
  DescribeAccountAttributesCommand,
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  DescribeProtectConfigurationsCommand,
  DescribeSenderIdsCommand,
  DescribeSpendLimitsCommand,
  GetProtectConfigurationCountryRuleSetCommand,
  PinpointSMSVoiceV2Client,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DescribeActiveReceiptRuleSetCommand, SESClient } from "@aws-sdk/client-ses";
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetEmailIdentityCommand,
  ListEmailIdentitiesCommand,
  SESv2Client,
} from "@aws-sdk/client-sesv2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  checkBootstrap,
  checkConfigurationSet,
  checkOperators,
  checkOriginationIdentity,
  checkProtectConfiguration,
  checkProviderEndpoint,
  checkReceiptRuleSet,
  checkReplyMx,
  checkSecrets,
  checkSesAccount,
  checkSesIdentity,
  checkSmsAccount,
  checkSpendLimit,
  checkStacks,
  type DoctorClients,
  exitCodeOf,
  isMissingCredentials,
  runDoctor,
} from "../../../scripts/doctor/checks.js";

const TARGET = { stage: "prod", region: "eu-west-1", account: "123456789012" };
const named = (name: string, message = name) => Object.assign(new Error(message), { name });
const WHSEC = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/prod/secrets-AbCdEf";
const OUTPUTS = {
  SesIdentityDomain: "wallet.example",
  InboundReplyDomain: "reply.wallet.example",
  SesConfigurationSet: "vigil-prod",
  InboundReceiptRuleSet: "vigil-prod-inbound",
  SmsProtectConfigurationId: "protect-1",
  IntakeSecretArn: SECRET_ARN,
  ProviderSigningSecretArn: SECRET_ARN,
  OperatorUserPoolId: "eu-west-1_pool",
  ProviderWebhookUrl: "https://accounts.wallet.example/hooks/vigil",
};

const sts = mockClient(STSClient);
const cloudformation = mockClient(CloudFormationClient);
const ses = mockClient(SESClient);
const sesv2 = mockClient(SESv2Client);
const sms = mockClient(PinpointSMSVoiceV2Client);
const secrets = mockClient(SecretsManagerClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const clients: DoctorClients = {
  sts: new STSClient({}),
  cloudformation: new CloudFormationClient({}),
  ses: new SESClient({}),
  sesv2: new SESv2Client({}),
  sms: new PinpointSMSVoiceV2Client({}),
  secrets: new SecretsManagerClient({}),
  cognito: new CognitoIdentityProviderClient({}),
};
const net = {
  resolveMx: async () => [{ exchange: "inbound-smtp.eu-west-1.amazonaws.com", priority: 10 }],
  head: async () => 405,
};

/** An account where everything a first report needs is in place. */
function healthyAccount(): void {
  sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/ops" });
  cloudformation.on(DescribeStacksCommand, { StackName: "CDKToolkit" }).resolves({
    Stacks: [
      {
        StackName: "CDKToolkit",
        StackStatus: "UPDATE_COMPLETE",
        CreationTime: new Date(0),
        Outputs: [{ OutputKey: "BootstrapVersion", OutputValue: "29" }],
      },
    ],
  });
  cloudformation.on(DescribeStacksCommand, { StackName: "Vigil-prod-Stateful" }).resolves({
    Stacks: [{ StackName: "Vigil-prod-Stateful", StackStatus: "CREATE_COMPLETE", CreationTime: new Date(0) }],
  });
  cloudformation.on(DescribeStacksCommand, { StackName: "Vigil-prod-Service" }).resolves({
    Stacks: [
      {
        StackName: "Vigil-prod-Service",
        StackStatus: "UPDATE_COMPLETE",
        CreationTime: new Date(0),
        Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  sesv2.on(GetAccountCommand).resolves({ ProductionAccessEnabled: true, SendingEnabled: true });
  sesv2.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: true, DkimAttributes: { Status: "SUCCESS" } });
  sesv2.on(GetConfigurationSetCommand).resolves({ ConfigurationSetName: "vigil-prod" });
  ses.on(DescribeActiveReceiptRuleSetCommand).resolves({
    Metadata: { Name: "vigil-prod-inbound" },
    Rules: [{ Name: "vigil-prod-replies", Enabled: true }],
  });
  sms
    .on(DescribeAccountAttributesCommand)
    .resolves({ AccountAttributes: [{ Name: "ACCOUNT_TIER", Value: "PRODUCTION" }] });
  sms.on(DescribePhoneNumbersCommand).resolves({
    PhoneNumbers: [
      {
        PhoneNumberId: "phone-1",
        PhoneNumberArn: "arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-1",
        PhoneNumber: "+18005550100",
        Status: "ACTIVE",
      } as never,
    ],
  });
  sms.on(DescribeSenderIdsCommand).resolves({ SenderIds: [] });
  sms.on(DescribePoolsCommand).resolves({ Pools: [] });
  sms.on(DescribeSpendLimitsCommand).resolves({
    SpendLimits: [{ Name: "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT", EnforcedLimit: 100, MaxLimit: 100, Overridden: true }],
  });
  sms.on(DescribeProtectConfigurationsCommand).resolves({ ProtectConfigurations: [] });
  sms
    .on(GetProtectConfigurationCountryRuleSetCommand)
    .resolves({ CountryRuleSet: { US: { ProtectStatus: "ALLOW" }, NG: { ProtectStatus: "BLOCK" } } } as never);
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({
      webhookSecrets: [WHSEC],
      providerWebhookSecret: WHSEC,
      verificationPepper: "p".repeat(64),
    }),
  });
  cognito.on(ListUsersCommand).resolves({ Users: [{ Username: "ana", Enabled: true, UserStatus: "CONFIRMED" }] });
}

describe("npm run doctor checks", () => {
  beforeEach(() => {
    for (const mock of [sts, cloudformation, ses, sesv2, sms, secrets, cognito]) mock.reset();
    healthyAccount();
  });

  describe("runDoctor", () => {
    it("reports ready (exit 0) when a report could flow end to end", async () => {
      // Prepare / Act
      const { account, results } = await runDoctor(clients, net, TARGET);

      // Assess
      expect(account).toBe("123456789012");
      expect(results.filter((result) => result.status !== "ok")).toEqual([]);
      expect(results.map((result) => result.id)).toEqual([
        "credentials",
        "bootstrap",
        "stack-stateful",
        "stack-service",
        "ses-account",
        "ses-identity-sending",
        "ses-identity-reply",
        "ses-configuration-set",
        "receipt-rules",
        "reply-mx",
        "sms-account",
        "sms-origination",
        "sms-spend",
        "sms-protect",
        "secrets",
        "operators",
        "provider-endpoint",
      ]);
      expect(exitCodeOf(results)).toBe(0);
    });

    it("turns a check that throws into a failure and still runs the others", async () => {
      // Prepare
      cognito.on(ListUsersCommand).rejects(named("AccessDeniedException"));

      // Act
      const { results } = await runDoctor(clients, net, TARGET);

      // Assess
      expect(results.find((result) => result.id === "operators")).toMatchObject({
        status: "fail",
        detail: "the check itself failed: AccessDeniedException",
      });
      expect(results.find((result) => result.id === "provider-endpoint")?.status).toBe("ok");
      expect(exitCodeOf(results)).toBe(1);
    });

    it("throws the SDK's credentials error, which the CLI reports in one line with exit 2", async () => {
      // Prepare
      sts
        .on(GetCallerIdentityCommand)
        .rejects(named("CredentialsProviderError", "Could not load credentials from any providers"));

      // Act
      const failure = await runDoctor(clients, net, TARGET).catch((error: unknown) => error);

      // Assess
      expect(isMissingCredentials(failure)).toBe(true);
      expect(isMissingCredentials(named("AccessDeniedException"))).toBe(false);
    });
  });

  it("checks the CDK bootstrap stack and its version", async () => {
    // Prepare / Act
    const present = await checkBootstrap(clients, TARGET);
    cloudformation
      .on(DescribeStacksCommand, { StackName: "CDKToolkit" })
      .rejects(named("ValidationError", "Stack with id CDKToolkit does not exist"));
    const absent = await checkBootstrap(clients, TARGET);

    // Assess
    expect(present).toMatchObject({ status: "ok", detail: "version 29, UPDATE_COMPLETE" });
    expect(absent).toMatchObject({ status: "fail", fix: "npx cdk bootstrap aws://123456789012/eu-west-1" });
  });

  it("fails an old bootstrap version", async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand, { StackName: "CDKToolkit" }).resolves({
      Stacks: [
        {
          StackName: "CDKToolkit",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(0),
          Outputs: [{ OutputKey: "BootstrapVersion", OutputValue: "4" }],
        },
      ],
    });

    // Act / Assess
    expect(await checkBootstrap(clients, TARGET)).toMatchObject({ status: "fail", detail: "version 4, need 6+" });
  });

  it("checks both Vigil stacks and reads the service stack's outputs", async () => {
    // Prepare / Act
    const deployed = await checkStacks(clients, TARGET);
    cloudformation
      .on(DescribeStacksCommand, { StackName: "Vigil-prod-Service" })
      .resolves({ Stacks: [{ StackName: "x", StackStatus: "UPDATE_ROLLBACK_COMPLETE", CreationTime: new Date(0) }] });
    cloudformation
      .on(DescribeStacksCommand, { StackName: "Vigil-prod-Stateful" })
      .rejects(named("ValidationError", "does not exist"));
    const broken = await checkStacks(clients, TARGET);

    // Assess
    expect(deployed.results.map((result) => result.status)).toEqual(["ok", "ok"]);
    expect(deployed.outputs.InboundReplyDomain).toBe("reply.wallet.example");
    expect(broken.results.map((result) => [result.status, result.detail])).toEqual([
      ["fail", "not deployed"],
      ["fail", "UPDATE_ROLLBACK_COMPLETE"],
    ]);
  });

  it("checks SES production access, and in the sandbox lists the verified recipients", async () => {
    // Prepare / Act
    const production = await checkSesAccount(clients);
    sesv2.on(GetAccountCommand).resolves({ ProductionAccessEnabled: false, SendingEnabled: true });
    sesv2.on(ListEmailIdentitiesCommand).resolves({
      EmailIdentities: [
        { IdentityType: "EMAIL_ADDRESS", IdentityName: "qa@wallet.example", VerificationStatus: "SUCCESS" },
        { IdentityType: "DOMAIN", IdentityName: "wallet.example", VerificationStatus: "SUCCESS" },
      ],
    });
    const sandbox = await checkSesAccount(clients);
    sesv2.on(ListEmailIdentitiesCommand).resolves({ EmailIdentities: [] });
    const sandboxWithoutRecipients = await checkSesAccount(clients);

    // Assess
    expect(production.status).toBe("ok");
    expect(sandbox).toMatchObject({ status: "warn", detail: expect.stringContaining("qa@wallet.example") });
    expect(sandboxWithoutRecipients.status).toBe("fail");
  });

  it("fails an SES account whose sending is paused", async () => {
    // Prepare
    sesv2.on(GetAccountCommand).resolves({ ProductionAccessEnabled: true, SendingEnabled: false });

    // Act / Assess
    expect((await checkSesAccount(clients)).status).toBe("fail");
  });

  it("checks an SES identity's verification and DKIM", async () => {
    // Prepare / Act
    const verified = await checkSesIdentity(clients, "wallet.example", "sending");
    sesv2
      .on(GetEmailIdentityCommand)
      .resolves({ VerifiedForSendingStatus: false, DkimAttributes: { Status: "PENDING" } });
    const pending = await checkSesIdentity(clients, "reply.wallet.example", "reply");
    sesv2.on(GetEmailIdentityCommand).rejects(named("NotFoundException"));
    const missing = await checkSesIdentity(clients, "wallet.example", "sending");

    // Assess
    expect(verified.status).toBe("ok");
    expect(pending).toMatchObject({ status: "fail", detail: "verified: false, DKIM: PENDING" });
    expect(pending.fix).toContain("ReplyDkimRecord");
    expect(missing.status).toBe("fail");
  });

  it("checks the configuration set", async () => {
    // Prepare / Act
    const present = await checkConfigurationSet(clients, "vigil-prod");
    sesv2.on(GetConfigurationSetCommand).rejects(named("NotFoundException"));
    const absent = await checkConfigurationSet(clients, "vigil-prod");

    // Assess
    expect([present.status, absent.status]).toEqual(["ok", "fail"]);
  });

  it("checks that the active receipt rule set holds Vigil's enabled rule", async () => {
    // Prepare / Act
    const active = await checkReceiptRuleSet(clients, TARGET, "vigil-prod-inbound");
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({
      Metadata: { Name: "corporate" },
      Rules: [{ Name: "forward-all", Enabled: true }],
    });
    const otherSet = await checkReceiptRuleSet(clients, TARGET, "vigil-prod-inbound");
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({});
    const none = await checkReceiptRuleSet(clients, TARGET, "vigil-prod-inbound");

    // Assess
    expect(active).toMatchObject({ status: "ok", detail: "vigil-prod-inbound / vigil-prod-replies" });
    expect(otherSet).toMatchObject({ status: "fail", detail: "active set corporate has no rule vigil-prod-replies" });
    expect(otherSet.fix).toContain("aws ses set-active-receipt-rule-set --rule-set-name vigil-prod-inbound");
    expect(none).toMatchObject({ status: "fail", detail: "no active rule set" });
  });

  it("checks the reply domain's MX with the injected DNS lookup", async () => {
    // Prepare / Act
    const pointed = await checkReplyMx(net, TARGET, "reply.wallet.example");
    const elsewhere = await checkReplyMx(
      { resolveMx: async () => [{ exchange: "mx.mailhost.example.", priority: 10 }] },
      TARGET,
      "reply.wallet.example",
    );
    const nxdomain = await checkReplyMx(
      { resolveMx: async () => Promise.reject(Object.assign(new Error("queryMx ENOTFOUND"), { code: "ENOTFOUND" })) },
      TARGET,
      "reply.wallet.example",
    );

    // Assess
    expect(pointed.status).toBe("ok");
    expect(elsewhere).toMatchObject({ status: "fail", detail: "MX: mx.mailhost.example" });
    expect(elsewhere.fix).toContain("reply.wallet.example MX 10 inbound-smtp.eu-west-1.amazonaws.com");
    expect(nxdomain).toMatchObject({ status: "fail", detail: "DNS lookup failed (ENOTFOUND)" });
  });

  it("checks the SMS sandbox", async () => {
    // Prepare / Act
    const production = await checkSmsAccount(clients);
    sms
      .on(DescribeAccountAttributesCommand)
      .resolves({ AccountAttributes: [{ Name: "ACCOUNT_TIER", Value: "SANDBOX" }] });
    const sandbox = await checkSmsAccount(clients);

    // Assess
    expect(production.status).toBe("ok");
    expect(sandbox).toMatchObject({ status: "warn", detail: "SANDBOX: SMS reach only verified destination numbers" });
  });

  it("checks for an active origination identity, the configured one when set", async () => {
    // Prepare / Act
    const anyActive = await checkOriginationIdentity(clients, undefined);
    const configured = await checkOriginationIdentity(clients, "phone-1");
    const unknown = await checkOriginationIdentity(clients, "phone-2");
    sms.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [] });
    const none = await checkOriginationIdentity(clients, undefined);

    // Assess
    expect([anyActive.status, configured.status, unknown.status, none.status]).toEqual(["ok", "ok", "fail", "fail"]);
  });

  it("checks the monthly SMS spend limit is above the 1 USD default", async () => {
    // Prepare / Act
    const raised = await checkSpendLimit(clients);
    sms.on(DescribeSpendLimitsCommand).resolves({
      SpendLimits: [{ Name: "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT", EnforcedLimit: 1, MaxLimit: 1, Overridden: false }],
    });
    const initial = await checkSpendLimit(clients);

    // Assess
    expect(raised.status).toBe("ok");
    expect(initial.status).toBe("fail");
  });

  it("checks the protect configuration and the countries it allows", async () => {
    // Prepare / Act
    const allowing = await checkProtectConfiguration(clients, "protect-1");
    sms
      .on(GetProtectConfigurationCountryRuleSetCommand)
      .resolves({ CountryRuleSet: { US: { ProtectStatus: "BLOCK" } } } as never);
    const blockingAll = await checkProtectConfiguration(clients, "protect-1");
    sms.on(DescribeProtectConfigurationsCommand).rejects(named("ResourceNotFoundException"));
    const missing = await checkProtectConfiguration(clients, "protect-1");

    // Assess
    expect(allowing).toMatchObject({ status: "ok", detail: "protect-1: SMS allowed to US" });
    expect([blockingAll.status, missing.status]).toEqual(["fail", "fail"]);
  });

  it("checks the secrets are set, without printing them", async () => {
    // Prepare / Act
    const set = await checkSecrets(clients, { intake: SECRET_ARN, providerSigning: SECRET_ARN });
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        webhookSecrets: ["whsec_REPLACE_WITH_PROVIDER_SHARED_SECRET"],
        providerWebhookSecret: "whsec_REPLACE_WITH_OUTBOUND_SIGNING_SECRET",
        verificationPepper: "p".repeat(64),
      }),
    });
    const placeholders = await checkSecrets(clients, { intake: SECRET_ARN, providerSigning: SECRET_ARN });

    // Assess
    expect(set.status).toBe("ok");
    expect(placeholders.status).toBe("fail");
    expect(placeholders.detail).toContain("webhookSecrets entry is a placeholder");
    expect(JSON.stringify([set, placeholders])).not.toContain(WHSEC);
    expect(JSON.stringify(placeholders)).not.toContain("REPLACE_WITH");
  });

  it("checks that at least one operator can sign in", async () => {
    // Prepare / Act
    const present = await checkOperators(clients, "eu-west-1_pool");
    cognito.on(ListUsersCommand).resolves({ Users: [{ Username: "old", Enabled: false }] });
    const none = await checkOperators(clients, "eu-west-1_pool");

    // Assess
    expect(present).toMatchObject({ status: "ok", detail: "1 enabled user(s)" });
    expect(none.status).toBe("fail");
    expect(none.fix).toContain("aws cognito-idp admin-create-user --user-pool-id eu-west-1_pool");
  });

  it("checks the provider endpoint with an injected HTTPS HEAD", async () => {
    // Prepare / Act
    const reachable = await checkProviderEndpoint(net, OUTPUTS.ProviderWebhookUrl);
    const unreachable = await checkProviderEndpoint(
      {
        head: async () =>
          Promise.reject(Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } })),
      },
      OUTPUTS.ProviderWebhookUrl,
    );
    const plainHttp = await checkProviderEndpoint(net, "http://accounts.wallet.example/hooks");

    // Assess
    expect(reachable).toMatchObject({ status: "ok", detail: "answered HTTP 405 to HEAD" });
    expect(unreachable).toMatchObject({ status: "fail", detail: "unreachable (ENOTFOUND)" });
    expect(plainHttp.status).toBe("fail");
  });
});
