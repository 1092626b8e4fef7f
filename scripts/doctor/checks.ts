import { type CloudFormationClient, DescribeStacksCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { type CognitoIdentityProviderClient, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import {
  DescribeAccountAttributesCommand,
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  DescribeProtectConfigurationsCommand,
  DescribeSenderIdsCommand,
  DescribeSpendLimitsCommand,
  GetProtectConfigurationCountryRuleSetCommand,
  type PinpointSMSVoiceV2Client,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DescribeActiveReceiptRuleSetCommand, type SESClient } from "@aws-sdk/client-ses";
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetEmailIdentityCommand,
  ListEmailIdentitiesCommand,
  type SESv2Client,
} from "@aws-sdk/client-sesv2";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";

/**
 * The checks of `npm run doctor`: read-only calls that tell whether a report could flow end to end through a
 * deployed stage (signed webhook in → case → email and SMS out → reply in → provider webhook out → agents in).
 * Each check is a pure function of its clients (tests pass aws-sdk-client-mock clients) and returns a result with
 * the fix for a miss. DNS and HTTPS go through injected functions, so tests make no network call.
 */

/** `ok`: nothing to do. `warn`: works with limits (sandbox). `fail`: a report cannot flow until fixed. */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about a `warn` or `fail`. */
  readonly fix?: string;
}

/** The AWS clients the checks call (only Describe/Get/List operations, plus STS GetCallerIdentity). */
export interface DoctorClients {
  readonly sts: STSClient;
  readonly cloudformation: CloudFormationClient;
  readonly ses: SESClient;
  readonly sesv2: SESv2Client;
  readonly sms: PinpointSMSVoiceV2Client;
  readonly secrets: SecretsManagerClient;
  readonly cognito: CognitoIdentityProviderClient;
}

/** Network access the checks need besides AWS APIs. */
export interface DoctorNet {
  /** MX records of a domain (node:dns `resolveMx`). */
  readonly resolveMx: (domain: string) => Promise<{ exchange: string; priority: number }[]>;
  /** An HTTPS HEAD without a body; resolves with the status of any HTTP answer, rejects on network/TLS errors. */
  readonly head: (url: string) => Promise<number>;
}

export interface DoctorTarget {
  readonly stage: string;
  readonly region: string;
  /** Account id, from {@link checkCredentials}; used in the fixes. */
  readonly account?: string;
}

/** The CDK bootstrap version the synthesized templates require (`requiresBootstrapStackVersion` in cdk.out). */
export const REQUIRED_BOOTSTRAP_VERSION = 6;

const ok = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: "ok", detail });
const miss = (id: string, title: string, status: "warn" | "fail", detail: string, fix: string): CheckResult => ({
  id,
  title,
  status,
  detail,
  fix,
});
const errorName = (error: unknown) => (error instanceof Error ? error.name : "Error");

/** The error names the SDK's default credential chain raises when it finds nothing to sign with. */
export function isMissingCredentials(error: unknown): boolean {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : "";
  return (
    name === "CredentialsProviderError" ||
    /Could not load credentials|credential(s)? (is|are) missing|Unable to locate credentials/i.test(message)
  );
}

/** Who the credentials belong to. Throws the SDK's error when there are none (the CLI turns that into exit 2). */
export async function checkCredentials(
  clients: Pick<DoctorClients, "sts">,
): Promise<CheckResult & { account: string }> {
  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  return {
    ...ok("credentials", "AWS credentials", `account ${identity.Account}, ${identity.Arn}`),
    account: identity.Account ?? "",
  };
}

async function describeStack(cloudformation: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    return (await cloudformation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (error) {
    if (errorName(error) === "ValidationError") return undefined; // "Stack with id … does not exist"
    throw error;
  }
}

/** The CDK bootstrap stack exists, is healthy and is recent enough for the templates. */
export async function checkBootstrap(
  clients: Pick<DoctorClients, "cloudformation">,
  target: DoctorTarget,
): Promise<CheckResult> {
  const title = "CDK bootstrap (CDKToolkit)";
  const fix = `npx cdk bootstrap aws://${target.account ?? "ACCOUNT"}/${target.region}`;
  const stack = await describeStack(clients.cloudformation, "CDKToolkit");
  if (stack === undefined) return miss("bootstrap", title, "fail", "no CDKToolkit stack in this region", fix);
  const version = Number(stack.Outputs?.find((output) => output.OutputKey === "BootstrapVersion")?.OutputValue);
  if (!stack.StackStatus?.endsWith("_COMPLETE") || stack.StackStatus.includes("ROLLBACK")) {
    return miss("bootstrap", title, "fail", `stack status ${stack.StackStatus}`, fix);
  }
  if (!(version >= REQUIRED_BOOTSTRAP_VERSION)) {
    return miss(
      "bootstrap",
      title,
      "fail",
      `version ${Number.isNaN(version) ? "unknown" : version}, need ${REQUIRED_BOOTSTRAP_VERSION}+`,
      fix,
    );
  }
  return ok("bootstrap", title, `version ${version}, ${stack.StackStatus}`);
}

/** Outputs of the Vigil service stack, by key (empty when the stack is not deployed). */
export type StackOutputs = Readonly<Record<string, string>>;

/** Both Vigil stacks of the stage are deployed and stable. Returns the service stack's outputs for the other checks. */
export async function checkStacks(
  clients: Pick<DoctorClients, "cloudformation">,
  target: DoctorTarget,
): Promise<{ results: CheckResult[]; outputs: StackOutputs }> {
  const results: CheckResult[] = [];
  let outputs: StackOutputs = {};
  for (const part of ["Stateful", "Service"] as const) {
    const name = `Vigil-${target.stage}-${part}`;
    const title = `Stack ${name}`;
    const fix = `npx cdk deploy --all -c stage=${target.stage} (see docs/deploy.md, step 2)`;
    const stack = await describeStack(clients.cloudformation, name);
    if (stack === undefined) {
      results.push(miss(`stack-${part.toLowerCase()}`, title, "fail", "not deployed", fix));
      continue;
    }
    const status = stack.StackStatus ?? "UNKNOWN";
    const healthy = ["CREATE_COMPLETE", "UPDATE_COMPLETE"].includes(status);
    results.push(
      healthy
        ? ok(`stack-${part.toLowerCase()}`, title, status)
        : miss(`stack-${part.toLowerCase()}`, title, "fail", status, `${fix}; read the stack events for the cause`),
    );
    if (part === "Service") {
      outputs = Object.fromEntries(
        (stack.Outputs ?? []).map((output) => [output.OutputKey ?? "", output.OutputValue ?? ""]),
      );
    }
  }
  return { results, outputs };
}

/** SES production access; in the sandbox, which recipient addresses are verified (only those can receive mail). */
export async function checkSesAccount(clients: Pick<DoctorClients, "sesv2">): Promise<CheckResult> {
  const title = "SES production access";
  const account = await clients.sesv2.send(new GetAccountCommand({}));
  if (account.SendingEnabled === false) {
    return miss(
      "ses-account",
      title,
      "fail",
      "sending is paused for this account",
      "Read the SES account dashboard (reputation, enforcement status) and ask AWS Support to resume sending",
    );
  }
  if (account.ProductionAccessEnabled === true) return ok("ses-account", title, "production access");
  const identities = await clients.sesv2.send(new ListEmailIdentitiesCommand({ PageSize: 100 }));
  const verified = (identities.EmailIdentities ?? []).filter(
    (identity) => identity.IdentityType === "EMAIL_ADDRESS" && identity.VerificationStatus === "SUCCESS",
  );
  const fix =
    "Request production access (SES console → Account dashboard → Request production access; AWS answers within about 24 hours). Until then verify each test recipient: aws sesv2 create-email-identity --email-identity <address>";
  if (verified.length === 0) {
    return miss("ses-account", title, "fail", "sandbox, and no verified recipient address: no email can go out", fix);
  }
  return miss(
    "ses-account",
    title,
    "warn",
    `sandbox: email reaches only ${verified.length} verified address(es): ${verified.map((identity) => identity.IdentityName).join(", ")}`,
    fix,
  );
}

/** A domain identity is verified for sending and its DKIM is `SUCCESS`. */
export async function checkSesIdentity(
  clients: Pick<DoctorClients, "sesv2">,
  domain: string | undefined,
  role: "sending" | "reply",
): Promise<CheckResult> {
  const id = `ses-identity-${role}`;
  const title = `SES ${role} identity ${domain ?? "(unknown)"}`;
  if (domain === undefined) {
    return miss(id, title, "fail", "the service stack has no output for it", "Deploy the service stack first");
  }
  const dkimFix = `Publish the ${role === "sending" ? "DkimRecord*" : "ReplyDkimRecord*"} CNAMEs (stack outputs, or: aws sesv2 get-email-identity --email-identity ${domain}); SES verifies within 72 hours, usually minutes`;
  try {
    const identity = await clients.sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
    const dkim = identity.DkimAttributes?.Status ?? "NOT_STARTED";
    if (identity.VerifiedForSendingStatus !== true || dkim !== "SUCCESS") {
      return miss(id, title, "fail", `verified: ${identity.VerifiedForSendingStatus === true}, DKIM: ${dkim}`, dkimFix);
    }
    return ok(id, title, "verified, DKIM SUCCESS");
  } catch (error) {
    if (errorName(error) !== "NotFoundException") throw error;
    return miss(
      id,
      title,
      "fail",
      "no such identity in this account and region",
      "Deploy the service stack (it creates the identity), or remove the domain from existingSesIdentities",
    );
  }
}

/** The configuration set the functions send with exists. */
export async function checkConfigurationSet(
  clients: Pick<DoctorClients, "sesv2">,
  name: string | undefined,
): Promise<CheckResult> {
  const title = `SES configuration set ${name ?? "(unknown)"}`;
  if (name === undefined) return miss("ses-configuration-set", title, "fail", "no stack output", "Deploy the stack");
  try {
    await clients.sesv2.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }));
    return ok("ses-configuration-set", title, "exists");
  } catch (error) {
    if (errorName(error) !== "NotFoundException") throw error;
    return miss("ses-configuration-set", title, "fail", "missing", "Redeploy the service stack");
  }
}

/** The account's active receipt rule set holds Vigil's enabled rule for the reply address. */
export async function checkReceiptRuleSet(
  clients: Pick<DoctorClients, "ses">,
  target: DoctorTarget,
  expectedSet: string | undefined,
): Promise<CheckResult> {
  const title = "SES receipt rule set (active, with Vigil's rule)";
  const ruleName = `vigil-${target.stage}-replies`;
  const active = await clients.ses.send(new DescribeActiveReceiptRuleSetCommand({}));
  const activeName = active.Metadata?.Name;
  const rule = (active.Rules ?? []).find((candidate) => candidate.Name === ruleName);
  const activate = `aws ses set-active-receipt-rule-set --rule-set-name ${expectedSet ?? `vigil-${target.stage}-inbound`} (replaces the active set; or deploy with -c receiptRuleSetName=<active set> to add the rule to it)`;
  if (activeName === undefined) return miss("receipt-rules", title, "fail", "no active rule set", activate);
  if (rule === undefined) {
    return miss("receipt-rules", title, "fail", `active set ${activeName} has no rule ${ruleName}`, activate);
  }
  if (rule.Enabled !== true) {
    return miss("receipt-rules", title, "fail", `rule ${ruleName} is disabled`, "Redeploy the service stack");
  }
  return ok("receipt-rules", title, `${activeName} / ${ruleName}`);
}

/** The reply domain's MX points at SES inbound in the stage's region. */
export async function checkReplyMx(
  net: Pick<DoctorNet, "resolveMx">,
  target: DoctorTarget,
  replyDomain: string | undefined,
): Promise<CheckResult> {
  const title = `MX of ${replyDomain ?? "the reply domain"}`;
  const expected = `inbound-smtp.${target.region}.amazonaws.com`;
  if (replyDomain === undefined) return miss("reply-mx", title, "fail", "no stack output", "Deploy the stack");
  const fix = `Publish: ${replyDomain} MX 10 ${expected} (the ReplyDomainMx output; only this domain, never the one people mail each other on)`;
  let records: { exchange: string }[];
  try {
    records = await net.resolveMx(replyDomain);
  } catch (error) {
    return miss(
      "reply-mx",
      title,
      "fail",
      `DNS lookup failed (${(error as NodeJS.ErrnoException).code ?? errorName(error)})`,
      fix,
    );
  }
  const exchanges = records.map((record) => record.exchange.toLowerCase().replace(/\.$/, ""));
  return exchanges.includes(expected)
    ? ok("reply-mx", title, expected)
    : miss("reply-mx", title, "fail", `MX: ${exchanges.join(", ") || "none"}`, fix);
}

/** End User Messaging SMS: out of the SMS sandbox. */
export async function checkSmsAccount(clients: Pick<DoctorClients, "sms">): Promise<CheckResult> {
  const title = "SMS sandbox (End User Messaging)";
  const attributes = await clients.sms.send(new DescribeAccountAttributesCommand({}));
  const tier = attributes.AccountAttributes?.find((attribute) => attribute.Name === "ACCOUNT_TIER")?.Value;
  if (tier === "PRODUCTION") return ok("sms-account", title, "production");
  return miss(
    "sms-account",
    title,
    "warn",
    `${tier ?? "unknown"}: SMS reach only verified destination numbers`,
    "Request production access (End User Messaging SMS console → Account → Request production access; a support case, typically answered within a day); verify test numbers meanwhile: aws pinpoint-sms-voice-v2 create-verified-destination-number",
  );
}

/** An active origination identity (the configured one, else any phone number, sender id or pool). */
export async function checkOriginationIdentity(
  clients: Pick<DoctorClients, "sms">,
  configured: string | undefined,
): Promise<CheckResult> {
  const title = "SMS origination identity";
  const [numbers, senderIds, pools] = await Promise.all([
    clients.sms.send(new DescribePhoneNumbersCommand({})),
    clients.sms.send(new DescribeSenderIdsCommand({})),
    clients.sms.send(new DescribePoolsCommand({})),
  ]);
  const identities = [
    ...(numbers.PhoneNumbers ?? [])
      .filter((number) => number.Status === "ACTIVE")
      .flatMap((number) => [number.PhoneNumberId, number.PhoneNumberArn, number.PhoneNumber]),
    ...(senderIds.SenderIds ?? []).flatMap((sender) => [sender.SenderId, sender.SenderIdArn]),
    ...(pools.Pools ?? []).filter((pool) => pool.Status === "ACTIVE").flatMap((pool) => [pool.PoolId, pool.PoolArn]),
  ].filter((identity): identity is string => identity !== undefined);
  const fix =
    "Register a phone number (toll-free or 10DLC for US: registration takes days to weeks) in End User Messaging SMS, then deploy with -c smsOriginationIdentity=<phone number id or ARN>";
  if (configured !== undefined) {
    return identities.includes(configured)
      ? ok("sms-origination", title, configured)
      : miss("sms-origination", title, "fail", `${configured} is not an active identity of this account`, fix);
  }
  return identities.length > 0
    ? ok(
        "sms-origination",
        title,
        `${identities.length} active identity value(s); none configured, the account default applies`,
      )
    : miss("sms-origination", title, "fail", "no active phone number, sender id or pool", fix);
}

/** The monthly SMS spend limit is above the new-account default of 1 USD. */
export async function checkSpendLimit(clients: Pick<DoctorClients, "sms">): Promise<CheckResult> {
  const title = "SMS monthly spend limit";
  const limits = await clients.sms.send(new DescribeSpendLimitsCommand({}));
  const text = limits.SpendLimits?.find((limit) => limit.Name === "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT");
  const enforced = text?.EnforcedLimit ?? 0;
  const fix =
    "Raise it to your expected monthly SMS cost: aws pinpoint-sms-voice-v2 set-text-message-spend-limit-override --monthly-limit <USD> (above the account maximum, open a quota increase case)";
  if (enforced <= 1)
    return miss("sms-spend", title, "fail", `${enforced} USD: about one hundred messages a month at most`, fix);
  return ok("sms-spend", title, `${enforced} USD (account maximum ${text?.MaxLimit ?? "?"} USD)`);
}

/** The stage's protect configuration exists and allows at least one country. */
export async function checkProtectConfiguration(
  clients: Pick<DoctorClients, "sms">,
  id: string | undefined,
): Promise<CheckResult> {
  const title = "SMS protect configuration";
  if (id === undefined) return miss("sms-protect", title, "fail", "no stack output", "Deploy the service stack");
  try {
    await clients.sms.send(new DescribeProtectConfigurationsCommand({ ProtectConfigurationIds: [id] }));
    const rules = await clients.sms.send(
      new GetProtectConfigurationCountryRuleSetCommand({ ProtectConfigurationId: id, NumberCapability: "SMS" }),
    );
    const allowed = Object.entries(rules.CountryRuleSet ?? {})
      .filter(([, rule]) => rule.ProtectStatus === "ALLOW")
      .map(([country]) => country)
      .sort();
    return allowed.length > 0
      ? ok("sms-protect", title, `${id}: SMS allowed to ${allowed.join(", ")}`)
      : miss("sms-protect", title, "fail", `${id} allows no country`, "Deploy with -c smsAllowedCountries=US[,…]");
  } catch (error) {
    if (errorName(error) !== "ResourceNotFoundException") throw error;
    return miss("sms-protect", title, "fail", `${id} not found`, "Redeploy the service stack");
  }
}

const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
/** A Standard Webhooks secret: `whsec_` + base64 of 24–64 bytes. */
function validWebhookSecret(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const match = WHSEC.exec(value);
  if (match === null) return false;
  const bytes = Buffer.from(match[1] ?? "", "base64").length;
  return bytes >= 24 && bytes <= 64;
}

/**
 * The Vigil secret is set: every `whsec_` value is a real Standard Webhooks secret (not the generated placeholder)
 * and the pepper is present. Values are read to validate them and never printed.
 */
export async function checkSecrets(
  clients: Pick<DoctorClients, "secrets">,
  arns: { intake?: string; providerSigning?: string },
): Promise<CheckResult> {
  const title = "Secrets (intake secrets, provider signing secret)";
  if (arns.intake === undefined || arns.providerSigning === undefined)
    return miss("secrets", title, "fail", "no stack output", "Deploy the stacks");
  const fix = `Put the provider's intake secret(s) and the outbound signing secret: aws secretsmanager put-secret-value --secret-id ${arns.intake} --secret-string '{"webhookSecrets":["whsec_…"]}', and likewise {"providerWebhookSecret":"whsec_…"} on ${arns.providerSigning} (docs/deploy.md, step 3)`;
  const read = async (arn: string): Promise<Record<string, unknown> | null> => {
    const value = await clients.secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    try {
      return JSON.parse(value.SecretString ?? "") as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const [intakeSecret, signingSecret] = await Promise.all([read(arns.intake), read(arns.providerSigning)]);
  if (!intakeSecret || !signingSecret) return miss("secrets", title, "fail", "a secret is not JSON", fix);
  const intake = Array.isArray(intakeSecret.webhookSecrets) ? intakeSecret.webhookSecrets : [];
  const problems = [
    ...(intake.length === 0 ? ["webhookSecrets is empty"] : []),
    ...(intake.some((secret) => !validWebhookSecret(secret))
      ? ["a webhookSecrets entry is a placeholder or not whsec_<base64 of 24–64 bytes>"]
      : []),
    ...(!validWebhookSecret(signingSecret.providerWebhookSecret)
      ? ["providerWebhookSecret is a placeholder or not whsec_<base64 of 24–64 bytes>"]
      : []),
  ];
  return problems.length === 0
    ? ok("secrets", title, `${intake.length} intake secret(s) and the outbound signing secret set`)
    : miss("secrets", title, "fail", problems.join("; "), fix);
}

/** At least one enabled operator can sign in to the operator API. */
export async function checkOperators(
  clients: Pick<DoctorClients, "cognito">,
  userPoolId: string | undefined,
): Promise<CheckResult> {
  const title = "Operators (Cognito user pool)";
  if (userPoolId === undefined) return miss("operators", title, "fail", "no stack output", "Deploy the stack");
  const users = await clients.cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60 }));
  const enabled = (users.Users ?? []).filter((user) => user.Enabled !== false);
  return enabled.length > 0
    ? ok(
        "operators",
        title,
        `${enabled.length} enabled user(s)${(users.PaginationToken ?? "") !== "" ? " or more" : ""}`,
      )
    : miss(
        "operators",
        title,
        "fail",
        "no enabled user: nobody can work a case",
        `aws cognito-idp admin-create-user --user-pool-id ${userPoolId} --username <agent email> --user-attributes Name=email,Value=<agent email> Name=email_verified,Value=true`,
      );
}

/** The provider's webhook endpoint answers over HTTPS (any status: a HEAD carries no payload and no signature). */
export async function checkProviderEndpoint(
  net: Pick<DoctorNet, "head">,
  url: string | undefined,
): Promise<CheckResult> {
  const title = `Provider webhook endpoint ${url ?? "(unknown)"}`;
  if (url === undefined) return miss("provider-endpoint", title, "fail", "no stack output", "Deploy the stack");
  const fix =
    "Make the provider's endpoint reachable from the internet over HTTPS with a valid certificate, or deploy with -c providerWebhookUrl=<its URL>";
  if (!url.startsWith("https://")) return miss("provider-endpoint", title, "fail", "not an HTTPS URL", fix);
  try {
    const status = await net.head(url);
    return ok("provider-endpoint", title, `answered HTTP ${status} to HEAD`);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? errorName(error);
    return miss("provider-endpoint", title, "fail", `unreachable (${cause})`, fix);
  }
}

/**
 * Runs every check for one stage. A check that throws (an unexpected AWS error, a missing permission) becomes a
 * `fail` with the error's name, so one problem never hides the others.
 */
export async function runDoctor(
  clients: DoctorClients,
  net: DoctorNet,
  target: Omit<DoctorTarget, "account">,
): Promise<{ account: string; results: CheckResult[] }> {
  const credentials = await checkCredentials(clients);
  const full: DoctorTarget = { ...target, account: credentials.account };
  const results: CheckResult[] = [credentials];
  const guard = async (id: string, title: string, check: () => Promise<CheckResult>) => {
    try {
      results.push(await check());
    } catch (error) {
      results.push(
        miss(
          id,
          title,
          "fail",
          `the check itself failed: ${errorName(error)}`,
          "Check the credentials' read permissions for this service",
        ),
      );
    }
  };
  await guard("bootstrap", "CDK bootstrap (CDKToolkit)", () => checkBootstrap(clients, full));
  let outputs: StackOutputs = {};
  try {
    const stacks = await checkStacks(clients, full);
    results.push(...stacks.results);
    outputs = stacks.outputs;
  } catch (error) {
    results.push(
      miss(
        "stacks",
        "Vigil stacks",
        "fail",
        `the check itself failed: ${errorName(error)}`,
        "Check cloudformation:DescribeStacks",
      ),
    );
  }
  const out = (key: string): string | undefined => outputs[key] || undefined;
  await guard("ses-account", "SES production access", () => checkSesAccount(clients));
  await guard("ses-identity-sending", "SES sending identity", () =>
    checkSesIdentity(clients, out("SesIdentityDomain"), "sending"),
  );
  await guard("ses-identity-reply", "SES reply identity", () =>
    checkSesIdentity(clients, out("InboundReplyDomain"), "reply"),
  );
  await guard("ses-configuration-set", "SES configuration set", () =>
    checkConfigurationSet(clients, out("SesConfigurationSet")),
  );
  await guard("receipt-rules", "SES receipt rule set", () =>
    checkReceiptRuleSet(clients, full, out("InboundReceiptRuleSet")),
  );
  await guard("reply-mx", "MX of the reply domain", () => checkReplyMx(net, full, out("InboundReplyDomain")));
  await guard("sms-account", "SMS sandbox", () => checkSmsAccount(clients));
  await guard("sms-origination", "SMS origination identity", () =>
    checkOriginationIdentity(clients, out("SmsOriginationIdentity")),
  );
  await guard("sms-spend", "SMS monthly spend limit", () => checkSpendLimit(clients));
  await guard("sms-protect", "SMS protect configuration", () =>
    checkProtectConfiguration(clients, out("SmsProtectConfigurationId")),
  );
  await guard("secrets", "Secrets", () =>
    checkSecrets(clients, { intake: out("IntakeSecretArn"), providerSigning: out("ProviderSigningSecretArn") }),
  );
  await guard("operators", "Operators", () => checkOperators(clients, out("OperatorUserPoolId")));
  await guard("provider-endpoint", "Provider webhook endpoint", () =>
    checkProviderEndpoint(net, out("ProviderWebhookUrl")),
  );
  return { account: credentials.account, results };
}

/** Exit code: 0 when a report could flow end to end (no `fail`; `warn`s are limits such as a sandbox), else 1. */
export function exitCodeOf(results: readonly CheckResult[]): 0 | 1 {
  return results.some((result) => result.status === "fail") ? 1 : 0;
}
