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
 * | `providerWebhookUrl` | `https://provider.example.com/webhooks/vigil` | where lock/unlock/case webhooks are delivered (HTTPS) |
 * | `oncallEmail` | `oncall@example.com` | escalations go here |
 * | `oncallPhone` | — | E.164 number for escalation SMS; no SMS escalation when unset |
 * | `publicBaseUrl` | — | base URL of the links in emails; the HTTP API's own URL when unset |
 * | `helpBaseUrl` | — | the provider's help pages, linked from guidance; unset means no links |
 * | `supportUrl` | `helpBaseUrl` | the provider's support contact, linked from messages and pages |
 * | `brandName` | `Wallet Security` | who "we" are in every message to reporters |
 * | `consoleUrl` | `<publicBaseUrl>/console` | the operator console; on-call pages link to `<consoleUrl>/cases/{caseId}` |
 * | `smsOriginationIdentity` | — | End User Messaging phone number / pool / sender id (id or ARN); the account default when unset |
 * | `smsAllowedCountries` | `US` | ISO 3166-1 alpha-2 countries SMS may go to; every other country is blocked |
 * | `smsMonthlyLimit` | `1000` | expected SMS messages per month; the volume alarm fires at 1 % of it within one hour |
 * | `alarmEmail` | — | subscribed to the alarm topic when set |
 * | `eventBusName` | `vigil-events` | custom EventBridge bus for provider integrations (unique per account and region) |
 * | `apiRateLimit` | `50` | HTTP API steady-state requests per second (stage default) |
 * | `apiBurstLimit` | `100` | HTTP API burst (stage default) |
 *
 * The defaults synthesize anywhere; a real deployment must at least set `emailFrom`, `providerWebhookUrl` and
 * `oncallEmail`. Secrets are never configuration: they live in the Secrets Manager secret of the stateful stack.
 */
export interface VigilConfig {
  readonly stage: string;
  readonly region: string;
  readonly account?: string;
  /** `address` or `Display Name <address>`, as SES takes it in `Source`. */
  readonly emailFrom: string;
  readonly sesIdentityDomain: string;
  /** Where reporters' replies to verification emails are received (`replies@<sesIdentityDomain>`). */
  readonly inboundReplyAddress: string;
  readonly providerWebhookUrl: string;
  readonly oncallEmail: string;
  readonly oncallPhone?: string;
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
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
}

/** The context keys {@link loadConfig} reads, in documentation order. */
export const CONFIG_KEYS = [
  "stage",
  "region",
  "emailFrom",
  "sesIdentityDomain",
  "providerWebhookUrl",
  "oncallEmail",
  "oncallPhone",
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
  "apiRateLimit",
  "apiBurstLimit",
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
  sesIdentityDomain: optional(z.string().regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i, "must be a domain name")),
  providerWebhookUrl: httpsUrl.default("https://provider.example.com/webhooks/vigil"),
  oncallEmail: z.email().default("oncall@example.com"),
  oncallPhone: optional(z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number such as +14155550100")),
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
    .default("vigil-events"),
  apiRateLimit: z.coerce.number().positive().default(50),
  apiBurstLimit: z.coerce.number().int().positive().default(100),
});

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
  if (c.apiBurstLimit < c.apiRateLimit) {
    throw new Error("Invalid Vigil configuration (CDK context):\n  apiBurstLimit: must be at least apiRateLimit");
  }
  return {
    stage: c.stage,
    region: c.region ?? env.region ?? "eu-west-1",
    account: env.account,
    emailFrom: c.emailFrom,
    sesIdentityDomain,
    inboundReplyAddress: `replies@${sesIdentityDomain}`,
    providerWebhookUrl: c.providerWebhookUrl,
    oncallEmail: c.oncallEmail,
    oncallPhone: c.oncallPhone,
    publicBaseUrl: c.publicBaseUrl,
    helpBaseUrl: c.helpBaseUrl,
    supportUrl: c.supportUrl,
    brandName: c.brandName,
    consoleUrl: c.consoleUrl,
    smsOriginationIdentity: c.smsOriginationIdentity,
    smsAllowedCountries: [...new Set(c.smsAllowedCountries)],
    smsMonthlyLimit: c.smsMonthlyLimit,
    alarmEmail: c.alarmEmail,
    eventBusName: c.eventBusName,
    apiRateLimit: c.apiRateLimit,
    apiBurstLimit: c.apiBurstLimit,
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
