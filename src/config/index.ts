import * as z from "zod";
import { DEFAULT_POLICY, type Policy } from "../domain/policy.js";
import { INCIDENT_TYPES, LOCK_SCOPES, PRIORITIES } from "../domain/types.js";
import { ConfigError } from "../errors/index.js";
import { ENV } from "./env-names.js";

const optional = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** SES maximum send rate of a new production account (GetSendQuota `MaxSendRate`; raise it with AWS). */
export const DEFAULT_SES_MAX_SEND_RATE = 14;
/** End User Messaging MPS of a US toll-free number. */
export const DEFAULT_SMS_MAX_MPS = 3;

const ConfigSchema = z.object({
  tableName: z.string().min(3),
  caseStateMachineArn: optional,
  timerStateMachineArn: optional,
  publicBaseUrl: z.url().default("http://127.0.0.1:3000"),
  emailFrom: z.string().default("Vigil Security <security@vigil.example>"),
  emailReplyTo: optional,
  sesConfigurationSet: optional,
  smsOriginationIdentity: optional,
  smsProtectConfigurationId: optional,
  sesMaxSendRate: z.coerce.number().positive().max(10_000).default(DEFAULT_SES_MAX_SEND_RATE),
  smsMaxMps: z.coerce.number().positive().max(10_000).default(DEFAULT_SMS_MAX_MPS),
  oncallEmail: z.email().default("oncall@vigil.example"),
  oncallPhone: optional,
  oncallEscalationEmail: optional.pipe(z.email().optional()),
  oncallEscalationPhone: optional.pipe(
    z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/)
      .optional(),
  ),
  providerWebhookUrl: optional,
  eventBusName: optional,
  helpBaseUrl: optional,
  brandName: z
    .string()
    .optional()
    .transform((value) => value?.trim() || DEFAULT_BRAND_NAME)
    .pipe(z.string().max(60)),
  supportUrl: optional.pipe(z.url().optional()),
  consoleUrl: optional.pipe(z.url().optional()),
  policy: z.string().optional(),
});

/** Deployment configuration, parsed once per cold start. */
export interface AppConfig {
  tableName: string;
  caseStateMachineArn?: string;
  timerStateMachineArn?: string;
  publicBaseUrl: string;
  emailFrom: string;
  emailReplyTo?: string;
  sesConfigurationSet?: string;
  smsOriginationIdentity?: string;
  smsProtectConfigurationId?: string;
  /** Emails per second the pacing drain sends at (`VIGIL_SES_MAX_SEND_RATE`, ADR 0014). */
  sesMaxSendRate: number;
  /** SMS per second the pacing drain sends at (`VIGIL_SMS_MAX_MPS`, ADR 0014). */
  smsMaxMps: number;
  oncallEmail: string;
  oncallPhone?: string;
  /** The second contact, paged when a breached clock's repeats run out (`Policy.escalationRepeatLimit`). */
  oncallEscalationEmail?: string;
  oncallEscalationPhone?: string;
  providerWebhookUrl?: string;
  eventBusName?: string;
  helpBaseUrl?: string;
  /** Who "we" are in messages to reporters (`VIGIL_BRAND_NAME`); absent: {@link DEFAULT_BRAND_NAME}. */
  brandName?: string;
  /** The provider's support contact (`VIGIL_SUPPORT_URL`); default: the help base URL. */
  supportUrl?: string;
  /** The operator console (`VIGIL_CONSOLE_URL`); default: `<publicBaseUrl>/console`. */
  consoleUrl?: string;
  policy: Policy;
}

/** Who "we" are when no `VIGIL_BRAND_NAME` is configured. */
export const DEFAULT_BRAND_NAME = "Wallet Security";

/** Where on-call pages link to for a case: the console's case page. */
export function consoleCaseUrl(config: Pick<AppConfig, "consoleUrl" | "publicBaseUrl">, caseId: string): string {
  return `${consoleBase(config)}/cases/${encodeURIComponent(caseId)}`;
}

function consoleBase(config: Pick<AppConfig, "consoleUrl" | "publicBaseUrl">): string {
  return (config.consoleUrl ?? `${config.publicBaseUrl.replace(/\/$/, "")}/console`).replace(/\/$/, "");
}

/** The console's queue (every waiting case, gravest first): where an on-call digest sends its reader. */
export function consoleQueueUrl(config: Pick<AppConfig, "consoleUrl" | "publicBaseUrl">): string {
  return `${consoleBase(config)}/`;
}

/** Reads the configuration from the environment; a `ConfigError` names the bad variables (never values). */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const raw = Object.fromEntries(Object.entries(ENV).map(([key, name]) => [key, env[name]]));
  const result = ConfigSchema.safeParse({ ...raw, policy: env[ENV.policyOverrides] });
  if (!result.success) {
    const names = result.error.issues.map((issue) => ENV[issue.path[0] as keyof typeof ENV] ?? String(issue.path[0]));
    throw new ConfigError(`invalid configuration: ${names.join(", ")}`);
  }
  const { policy, ...config } = result.data;
  return { ...config, policy: mergePolicy(policy) };
}

/**
 * The configuration of a function that only starts timer executions (`hand-over-timer`): the timer
 * state machine, nothing else (it has no table, no secret and no messaging).
 */
export function loadTimerWorkflowConfig(env: Record<string, string | undefined> = process.env): {
  timerStateMachineArn: string;
} {
  const arn = env[ENV.timerStateMachineArn]?.trim();
  if (!arn) throw new ConfigError(`invalid configuration: ${ENV.timerStateMachineArn}`);
  return { timerStateMachineArn: arn };
}

const seconds = z.number().int().positive();
const perPriority = <T extends z.ZodType>(value: T) => z.record(z.enum(PRIORITIES), value);

/** The merged policy must still be a whole, sane policy: a typo or a wrong type fails at cold start, not mid-case. */
const PolicySchema = z
  .object({
    basePriority: z.record(z.enum(INCIDENT_TYPES), z.enum(PRIORITIES)),
    assetsAtRiskThresholdUsd: z.number().nonnegative(),
    slaTargets: z
      .object({
        containment: perPriority(seconds.nullable()),
        firstResponse: perPriority(seconds),
        resolution: perPriority(seconds),
      })
      .strict(),
    warningFractions: z
      .array(z.number().gt(0).lt(1))
      .refine(
        (fractions) => fractions.every((value, i) => i === 0 || value > (fractions[i - 1] as number)),
        "must rise",
      ),
    escalationRepeatSeconds: perPriority(seconds),
    escalationRepeatLimit: z.number().int().nonnegative(),
    verificationPauseCapSeconds: seconds,
    lockScopes: z.partialRecord(z.enum(INCIDENT_TYPES), z.array(z.enum(LOCK_SCOPES)).min(1)),
  })
  .strict();

/** Deep-merges JSON overrides into the default policy (a provider tunes only what it needs; `null` switches a containment target off). */
function mergePolicy(json: string | undefined): Policy {
  if (!json) return DEFAULT_POLICY;
  let overrides: unknown;
  try {
    overrides = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`${ENV.policyOverrides} is not valid JSON`, { cause: error });
  }
  const merge = (base: unknown, patch: unknown): unknown =>
    patch && typeof patch === "object" && !Array.isArray(patch) && base && typeof base === "object"
      ? Object.fromEntries(
          Object.keys({ ...base, ...patch }).map((key) => [
            key,
            merge((base as Record<string, unknown>)[key], (patch as Record<string, unknown>)[key]),
          ]),
        )
      : patch === undefined
        ? base
        : patch;
  const result = PolicySchema.safeParse(merge(DEFAULT_POLICY, overrides));
  if (!result.success) {
    // Paths only, never values.
    const paths = result.error.issues.flatMap((issue) => {
      const at = issue.path.map(String);
      return issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...at, key].join(".")) : [at.join(".")];
    });
    throw new ConfigError(`${ENV.policyOverrides} makes an invalid policy: ${paths.join(", ")}`);
  }
  const policy: Policy = result.data;
  return policy;
}
