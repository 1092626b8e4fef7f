import * as z from "zod";
import { DEFAULT_POLICY, type Policy } from "../domain/policy.js";
import { ConfigError } from "../errors/index.js";
import { ENV } from "./env-names.js";

const optional = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const ConfigSchema = z.object({
  tableName: z.string().min(3),
  caseStateMachineArn: optional,
  timerStateMachineArn: optional,
  secretsArn: optional,
  publicBaseUrl: z.url().default("http://127.0.0.1:3000"),
  emailFrom: z.string().default("Vigil Security <security@vigil.example>"),
  sesConfigurationSet: optional,
  smsOriginationIdentity: optional,
  smsProtectConfigurationId: optional,
  oncallEmail: z.email().default("oncall@vigil.example"),
  oncallPhone: optional,
  providerWebhookUrl: optional,
  eventBusName: optional,
  helpBaseUrl: optional,
  policy: z.string().optional(),
});

/** Deployment configuration, parsed once per cold start. */
export interface AppConfig {
  tableName: string;
  caseStateMachineArn?: string;
  timerStateMachineArn?: string;
  secretsArn?: string;
  publicBaseUrl: string;
  emailFrom: string;
  sesConfigurationSet?: string;
  smsOriginationIdentity?: string;
  smsProtectConfigurationId?: string;
  oncallEmail: string;
  oncallPhone?: string;
  providerWebhookUrl?: string;
  eventBusName?: string;
  helpBaseUrl?: string;
  policy: Policy;
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

/** Deep-merges JSON overrides into the default policy (a provider tunes only what it needs). */
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
      : (patch ?? base);
  return merge(DEFAULT_POLICY, overrides) as Policy;
}
