import type { Node } from "constructs";
import * as z from "zod";

/**
 * Deployment configuration of one Vigil stage, read from CDK context.
 *
 * Every key is a flat context key, so it can be set in `cdk.json` (`"context": { "stage": "prod" }`),
 * in `cdk.context.json`, or on the command line (`cdk deploy -c stage=prod -c emailFrom=security@wallet.example`).
 * Command-line values arrive as strings; numbers and lists are parsed from them (`-c smsAllowedCountries=US,CA`).
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `stage` | `dev` | stage name; part of stack, state machine and SES resource names |
 * | `region` | `$CDK_DEFAULT_REGION`, else `eu-west-1` | region to deploy to (SES inbound must be available there) |
 * | `emailFrom` | `security@example.com` | sender of every email (`addr` or `Name <addr>`); must be in `sesIdentityDomain` |
 * | `sesIdentityDomain` | the domain of `emailFrom` | SES domain identity (DKIM records are stack outputs) |
 * | `inboundReplyDomain` | `reply.<sesIdentityDomain>` | a domain (usually a subdomain) only Vigil receives mail for: its own SES identity, its MX points at SES; replies go to `replies@<inboundReplyDomain>` |
 * | `existingSesIdentities` | — | domains (of `sesIdentityDomain` / `inboundReplyDomain`) already verified in SES in this account and region: imported instead of created |
 * | `receiptRuleSetName` | — | an existing (active) receipt rule set to add Vigil's rule to; Vigil creates its own inactive set when unset |
 * | `activateReceiptRuleSet` | `false` | create Vigil's rule set and make it the account's active one (replaces the active set) |
 * | `providerWebhookUrl` | `https://provider.example.com/webhooks/vigil` | where lock/unlock/case webhooks are delivered (HTTPS) |
 * | `oncallEmail` | `oncall@example.com` | escalations go here |
 * | `oncallPhone` | — | E.164 number for escalation SMS; no SMS escalation when unset |
 * | `oncallEscalationEmail` | — | second contact, paged when a breached clock's repeat escalations run out unanswered |
 * | `oncallEscalationPhone` | — | E.164 number of the second contact (SMS); with neither set the exhaustion is only recorded |
 * | `publicBaseUrl` | — | base URL of the links in emails; the HTTP API's own URL when unset |
 * | `helpBaseUrl` | — | the provider's help pages, linked from guidance; unset means no links |
 * | `supportUrl` | `helpBaseUrl` | the provider's support contact, linked from messages and pages |
 * | `brandName` | `Wallet Security` | who "we" are in every message to reporters |
 * | `consoleUrl` | `<publicBaseUrl>/console` | the operator console; on-call pages link to `<consoleUrl>/cases/{caseId}` |
 * | `smsOriginationIdentity` | — | End User Messaging phone number / pool / sender id (id or ARN); the account default when unset |
 * | `smsAllowedCountries` | `US` | ISO 3166-1 alpha-2 countries SMS may go to; every other country is blocked |
 * | `smsMonthlyLimit` | `1000` | expected SMS messages per month; the volume alarm fires at 1 % of it within one hour |
 * | `alarmEmail` | — | subscribed to the alarm topic when set |
 * | `eventBusName` | `vigil-<stage>-events` | custom EventBridge bus for provider integrations (unique per account and region) |
 * | `eventConsumerAccounts` | — | AWS account ids allowed to manage their own rules on the bus (cross-account subscription) |
 * | `emailHourlyLimit` | `500` | expected emails per hour at most; the email volume alarm fires above it |
 * | `sesMaxSendRate` | `14` | emails per second the pacing drain sends queued messages at: the account's SES maximum send rate (`aws sesv2 get-account` → `SendQuota.MaxSendRate`; 14/s is what a new production account is commonly granted) |
 * | `smsMaxMps` | `3` | SMS per second the pacing drain sends at: the origination identity's MPS (a US toll-free number: 3; a US short code: 100) |
 * | `apiRateLimit` | `50` | HTTP API steady-state requests per second (stage default: the operator routes) |
 * | `apiBurstLimit` | `100` | HTTP API burst (stage default) |
 * | `intakeRateLimit` | `50` | `POST /v1/reports` requests per second (its own route throttle) |
 * | `intakeBurstLimit` | `100` | `POST /v1/reports` burst |
 * | `verifyRateLimit` | `10` | requests per second of each public `/v1/verify/…` route (their own route throttles) |
 * | `verifyBurstLimit` | `20` | burst of each public `/v1/verify/…` route |
 * | `intakeConcurrency` | `20` | reserved concurrency of `receive-report` (`0`: not reserved) |
 * | `taskConcurrency` | `10` | reserved concurrency of each workflow task function (`0`: not reserved) |
 * | `replyConcurrency` | `2` | reserved concurrency of `receive-email-reply` (`0`: not reserved) |
 * | `anchorRetentionDays` | `365` | Object Lock (compliance) retention of each audit anchor; cannot be shortened once written |
 *
 * The defaults synthesize anywhere; a real deployment must at least set `emailFrom`, `providerWebhookUrl` and
 * `oncallEmail`, and a production stage (`prod`, `production`, `prod-…`) fails synth while any of them is still
 * at example.com. Secrets are never configuration: they live in the Secrets Manager secret of the stateful stack.
 */
export interface VigilConfig {
  readonly stage: string;
  readonly region: string;
  readonly account?: string;
  /** `address` or `Display Name <address>`, as SES takes it in `Source`. */
  readonly emailFrom: string;
  readonly sesIdentityDomain: string;
  /** The domain only Vigil receives mail for (its MX points at SES inbound). */
  readonly inboundReplyDomain: string;
  /** Where reporters' replies to verification emails are received (`replies@<inboundReplyDomain>`). */
  readonly inboundReplyAddress: string;
  /** Domains already verified in SES: imported, not created (a second create would fail the deployment). */
  readonly existingSesIdentities: readonly string[];
  /** An existing receipt rule set to add Vigil's rule to; Vigil creates its own set when undefined. */
  readonly receiptRuleSetName?: string;
  /** Make Vigil's own rule set the active one (custom resource); ignored with {@link receiptRuleSetName}. */
  readonly activateReceiptRuleSet: boolean;
  readonly providerWebhookUrl: string;
  readonly oncallEmail: string;
  readonly oncallPhone?: string;
  readonly oncallEscalationEmail?: string;
  readonly oncallEscalationPhone?: string;
  readonly publicBaseUrl?: string;
  readonly helpBaseUrl?: string;
  readonly supportUrl?: string;
  readonly brandName?: string;
  readonly consoleUrl?: string;
  readonly smsOriginationIdentity?: string;
  readonly smsAllowedCountries: readonly string[];
  readonly smsMonthlyLimit: number;
  readonly alarmEmail?: string;
  readonly eventBusName: string;
  readonly eventConsumerAccounts: readonly string[];
  readonly emailHourlyLimit: number;
  /** Emails per second the pacing drain sends at (ADR 0014). */
  readonly sesMaxSendRate: number;
  /** SMS message parts per second the pacing drain sends at (ADR 0014). */
  readonly smsMaxMps: number;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  readonly intakeRateLimit: number;
  readonly intakeBurstLimit: number;
  readonly verifyRateLimit: number;
  readonly verifyBurstLimit: number;
  /** Reserved concurrency per function; 0 leaves it unreserved (accounts below the 1,000 default quota). */
  readonly intakeConcurrency: number;
  readonly taskConcurrency: number;
  readonly replyConcurrency: number;
  readonly anchorRetentionDays: number;
}

/** The context keys {@link loadConfig} reads, in documentation order. */
export const CONFIG_KEYS = [
  "stage",
  "region",
  "emailFrom",
  "sesIdentityDomain",
  "inboundReplyDomain",
  "existingSesIdentities",
  "receiptRuleSetName",
  "activateReceiptRuleSet",
  "providerWebhookUrl",
  "oncallEmail",
  "oncallPhone",
  "oncallEscalationEmail",
  "oncallEscalationPhone",
  "publicBaseUrl",
  "helpBaseUrl",
  "supportUrl",
  "brandName",
  "consoleUrl",
  "smsOriginationIdentity",
  "smsAllowedCountries",
  "smsMonthlyLimit",
  "alarmEmail",
  "eventBusName",
  "eventConsumerAccounts",
  "emailHourlyLimit",
  "sesMaxSendRate",
  "smsMaxMps",
  "apiRateLimit",
  "apiBurstLimit",
  "intakeRateLimit",
  "intakeBurstLimit",
  "verifyRateLimit",
  "verifyBurstLimit",
  "intakeConcurrency",
  "taskConcurrency",
  "replyConcurrency",
  "anchorRetentionDays",
] as const;

/** A value of one of {@link CONFIG_KEYS}, as CDK context may hold it (strings from `-c`, JSON from cdk.json). */
export type ConfigInput = Partial<Record<(typeof CONFIG_KEYS)[number], unknown>>;

/** `security@wallet.example` or `Wallet Security <security@wallet.example>` → the address. */
export function addressOf(mailbox: string): string {
  return (/<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();
}
const mailbox = z
  .string()
  .refine((value) => z.email().safeParse(addressOf(value)).success && /^[^<>]*(<[^<>]+>)?\s*$/.test(value), {
    message: "must be an email address, optionally with a display name: Name <address>",
  });

const httpsUrl = z.url({ protocol: /^https$/ }).transform((url) => url.replace(/\/+$/, ""));
const countryList = z.preprocess(
  (value) => (typeof value === "string" ? value.split(",").map((code) => code.trim().toUpperCase()) : value),
  z.array(z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as US")).min(1),
);
const domain = z.string().regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i, "must be a domain name");
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((entry) => entry.trim())
            .filter((entry) => entry !== "")
        : value,
    z.array(item),
  );
// `-c flag=true` arrives as a string; JSON context as a boolean.
const flag = z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean());
// `-c key=` yields an empty string; treat it as unset rather than as an invalid value.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const ConfigInputSchema = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,15}$/, "must be lower-case letters, digits and dashes, at most 16 characters")
    .default("dev"),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1")
    .optional(),
  emailFrom: mailbox.default("security@example.com"),
  sesIdentityDomain: optional(domain),
  inboundReplyDomain: optional(domain),
  existingSesIdentities: list(domain).default([]),
  receiptRuleSetName: optional(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be an SES rule set name")),
  activateReceiptRuleSet: flag.default(false),
  providerWebhookUrl: httpsUrl.default("https://provider.example.com/webhooks/vigil"),
  oncallEmail: z.email().default("oncall@example.com"),
  oncallPhone: optional(z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number such as +14155550100")),
  oncallEscalationEmail: optional(z.email()),
  oncallEscalationPhone: optional(
    z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number such as +14155550100"),
  ),
  publicBaseUrl: optional(httpsUrl),
  helpBaseUrl: optional(httpsUrl),
  supportUrl: optional(httpsUrl),
  brandName: optional(z.string().trim().min(1).max(60)),
  consoleUrl: optional(httpsUrl),
  smsOriginationIdentity: optional(z.string().min(1)),
  smsAllowedCountries: countryList.default(["US"]),
  smsMonthlyLimit: z.coerce.number().int().positive().default(1000),
  alarmEmail: optional(z.email()),
  eventBusName: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,256}$/, "must be a valid EventBridge bus name")
    .optional(),
  eventConsumerAccounts: list(z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id")).default([]),
  emailHourlyLimit: z.coerce.number().int().positive().default(500),
  sesMaxSendRate: z.coerce.number().positive().max(10_000).default(14),
  smsMaxMps: z.coerce.number().positive().max(10_000).default(3),
  apiRateLimit: z.coerce.number().positive().default(50),
  apiBurstLimit: z.coerce.number().int().positive().default(100),
  intakeRateLimit: z.coerce.number().positive().default(50),
  intakeBurstLimit: z.coerce.number().int().positive().default(100),
  verifyRateLimit: z.coerce.number().positive().default(10),
  verifyBurstLimit: z.coerce.number().int().positive().default(20),
  intakeConcurrency: z.coerce.number().int().min(0).default(20),
  taskConcurrency: z.coerce.number().int().min(0).default(10),
  replyConcurrency: z.coerce.number().int().min(0).default(2),
  anchorRetentionDays: z.coerce.number().int().min(1).max(36500).default(365),
});

/** Stages that serve real reporters: `prod`, `production`, `prod-eu`… (the example.com defaults are refused). */
export function isProductionStage(stage: string): boolean {
  return /^prod(uction)?(-|$)/.test(stage);
}

const isExampleDomain = (host: string) => /(^|\.)example\.com$/i.test(host);

/**
 * Validates raw configuration values and fills in the documented defaults.
 * @throws Error naming every invalid key, so a bad `-c` fails synth instead of a deployment.
 */
export function parseConfig(input: ConfigInput, env: { region?: string; account?: string } = {}): VigilConfig {
  const parsed = ConfigInputSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid Vigil configuration (CDK context):\n  ${problems.join("\n  ")}`);
  }
  const c = parsed.data;
  const fromAddress = addressOf(c.emailFrom);
  const emailDomain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1).toLowerCase();
  const sesIdentityDomain = (c.sesIdentityDomain ?? emailDomain).toLowerCase();
  // SES authorizes sending against the verified identity, so the sender must belong to the identity we create.
  if (emailDomain !== sesIdentityDomain && !emailDomain.endsWith(`.${sesIdentityDomain}`)) {
    throw new Error(
      `Invalid Vigil configuration (CDK context):\n  emailFrom: ${c.emailFrom} is not in sesIdentityDomain ${sesIdentityDomain}`,
    );
  }
  const inboundReplyDomain = (c.inboundReplyDomain ?? `reply.${sesIdentityDomain}`).toLowerCase();
  // Pointing a domain's MX at SES hands SES all of that domain's mail: never the domain people mail each other on.
  if (inboundReplyDomain === sesIdentityDomain) {
    throw new Error(
      `Invalid Vigil configuration (CDK context):\n  inboundReplyDomain: must differ from sesIdentityDomain (${sesIdentityDomain}); its MX record points at SES, which would then receive all of that domain's mail. Use a dedicated subdomain such as reply.${sesIdentityDomain}`,
    );
  }
  if (c.receiptRuleSetName !== undefined && c.activateReceiptRuleSet) {
    throw new Error(
      "Invalid Vigil configuration (CDK context):\n  activateReceiptRuleSet: cannot be combined with receiptRuleSetName (Vigil's rule goes into that set, which is already active)",
    );
  }
  // The example.com defaults let `cdk synth` run anywhere; a production stage must never ship with them (its
  // reporters' mail would come from, and its lock webhooks and pages go to, a domain nobody there owns).
  if (isProductionStage(c.stage)) {
    const placeholders = (
      [
        ["emailFrom", fromAddress],
        ["providerWebhookUrl", new URL(c.providerWebhookUrl).hostname],
        ["oncallEmail", c.oncallEmail],
      ] as const
    ).filter(([, value]) => isExampleDomain(value.slice(value.lastIndexOf("@") + 1)));
    if (placeholders.length) {
      throw new Error(
        `Invalid Vigil configuration (CDK context):\n  ${placeholders
          .map(
            ([key]) => `${key}: still the example.com placeholder; stage ${c.stage} needs the real value (-c ${key}=…)`,
          )
          .join("\n  ")}`,
      );
    }
  }
  for (const prefix of ["api", "intake", "verify"] as const) {
    if (c[`${prefix}BurstLimit`] < c[`${prefix}RateLimit`]) {
      throw new Error(
        `Invalid Vigil configuration (CDK context):\n  ${prefix}BurstLimit: must be at least ${prefix}RateLimit`,
      );
    }
  }
  return {
    stage: c.stage,
    region: c.region ?? env.region ?? "eu-west-1",
    account: env.account,
    emailFrom: c.emailFrom,
    sesIdentityDomain,
    inboundReplyDomain,
    inboundReplyAddress: `replies@${inboundReplyDomain}`,
    existingSesIdentities: [...new Set(c.existingSesIdentities.map((entry) => entry.toLowerCase()))],
    receiptRuleSetName: c.receiptRuleSetName,
    activateReceiptRuleSet: c.activateReceiptRuleSet,
    providerWebhookUrl: c.providerWebhookUrl,
    oncallEmail: c.oncallEmail,
    oncallPhone: c.oncallPhone,
    oncallEscalationEmail: c.oncallEscalationEmail,
    oncallEscalationPhone: c.oncallEscalationPhone,
    publicBaseUrl: c.publicBaseUrl,
    helpBaseUrl: c.helpBaseUrl,
    supportUrl: c.supportUrl,
    brandName: c.brandName,
    consoleUrl: c.consoleUrl,
    smsOriginationIdentity: c.smsOriginationIdentity,
    smsAllowedCountries: [...new Set(c.smsAllowedCountries)],
    smsMonthlyLimit: c.smsMonthlyLimit,
    alarmEmail: c.alarmEmail,
    // Bus names are unique per account and region, so two stages in one account need two names.
    eventBusName: c.eventBusName ?? `vigil-${c.stage}-events`,
    eventConsumerAccounts: [...new Set(c.eventConsumerAccounts)],
    emailHourlyLimit: c.emailHourlyLimit,
    sesMaxSendRate: c.sesMaxSendRate,
    smsMaxMps: c.smsMaxMps,
    apiRateLimit: c.apiRateLimit,
    apiBurstLimit: c.apiBurstLimit,
    intakeRateLimit: c.intakeRateLimit,
    intakeBurstLimit: c.intakeBurstLimit,
    verifyRateLimit: c.verifyRateLimit,
    verifyBurstLimit: c.verifyBurstLimit,
    intakeConcurrency: c.intakeConcurrency,
    taskConcurrency: c.taskConcurrency,
    replyConcurrency: c.replyConcurrency,
    anchorRetentionDays: c.anchorRetentionDays,
  };
}

/**
 * Reads {@link VigilConfig} from the CDK context of `node` (usually `app.node`).
 * The account and default region come from the CLI's `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`;
 * both may be absent (offline synth), which leaves the stacks account-agnostic.
 */
export function loadConfig(node: Node, env: NodeJS.ProcessEnv = process.env): VigilConfig {
  const input: ConfigInput = {};
  for (const key of CONFIG_KEYS) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined) input[key] = value;
  }
  return parseConfig(input, { region: env.CDK_DEFAULT_REGION, account: env.CDK_DEFAULT_ACCOUNT });
}
