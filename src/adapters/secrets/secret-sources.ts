import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as z from "zod";
import { ENV } from "../../config/env-names.js";
import { InvalidSecretError, keyFingerprint, parseSecret } from "../../domain/standard-webhooks.js";
import { ConfigError } from "../../errors/index.js";
import type { Clock } from "../../ports/clock.js";
import type { Metrics } from "../../ports/metrics.js";
import type { SecretSource, Secrets, WebhookKey } from "../../ports/secrets.js";
import { SECRET_TTL_MS, TtlCache } from "./ttl-cache.js";

/** What the stateful stack writes before the operator sets the real value (deliberately never valid). */
const PLACEHOLDER = "REPLACE_";
const MIN_PEPPER_LENGTH = 16;

const refusePlaceholder = (what: string, value: string) => {
  if (value.includes(PLACEHOLDER)) {
    throw new ConfigError(
      `the ${what} is still the REPLACE_ placeholder written at deploy time: set it (infra/README.md, "After the first deploy")`,
    );
  }
};

/**
 * The intake keys among `secrets`. Each is validated (`whsec_` + base64 of 24–64 bytes); an invalid one
 * is skipped and counted (`InvalidWebhookSecret`, alarmed on AWS) so one bad entry added during a rotation
 * does not stop intake while a valid one remains.
 *
 * @throws ConfigError when a placeholder is still set, or no entry is valid.
 */
export function webhookKeysOf(secrets: readonly string[], metrics: Metrics): WebhookKey[] {
  const keys: WebhookKey[] = [];
  for (const secret of secrets) {
    refusePlaceholder("intake webhook secret", secret);
    try {
      const key = parseSecret(secret);
      keys.push({ key, fingerprint: keyFingerprint(key) });
    } catch (error) {
      if (!(error instanceof InvalidSecretError)) throw error;
      metrics.count("InvalidWebhookSecret");
    }
  }
  if (!keys.length) throw new ConfigError("no valid intake webhook secret (expected whsec_ + base64 of 24–64 bytes)");
  return keys;
}

/** @throws ConfigError when the signing secret is a placeholder or not a valid `whsec_` secret. */
export function providerKeyOf(secret: string): Uint8Array {
  refusePlaceholder("provider signing secret", secret);
  try {
    return parseSecret(secret);
  } catch (error) {
    // The domain error names the problem (prefix, base64, size), never the value.
    throw new ConfigError(`invalid provider signing secret: ${(error as Error).message}`, { cause: error });
  }
}

/** @throws ConfigError when the pepper is a placeholder or too short. */
export function pepperOf(pepper: string): string {
  refusePlaceholder("verification pepper", pepper);
  if (pepper.length < MIN_PEPPER_LENGTH)
    throw new ConfigError(`the verification pepper must be at least ${MIN_PEPPER_LENGTH} characters`);
  return pepper;
}

const IntakeSecretSchema = z.object({ webhookSecrets: z.array(z.string()).min(1) });
const ProviderSecretSchema = z.object({ providerWebhookSecret: z.string() });
const PepperSecretSchema = z.object({ verificationPepper: z.string() });

/** Where each secret comes from: the ARN variables on AWS (one secret per need), the value variables locally. */
export interface SecretSettings {
  env: Record<string, string | undefined>;
  clock: Clock;
  metrics: Metrics;
  client?: SecretsManagerClient;
  ttlMs?: number;
}

/**
 * {@link SecretSource} for a function. Each need is read from its own Secrets Manager secret when its ARN
 * variable is set (`VIGIL_INTAKE_SECRET_ARN`, `VIGIL_PROVIDER_SECRET_ARN`, `VIGIL_PEPPER_SECRET_ARN`; the
 * infra sets a variable only where it grants the secret), else from the value variable (local runtime).
 * Values are cached for {@link SECRET_TTL_MS} on the clock; a failure (the service, JSON, validation) is
 * never cached. A function asking for a secret it was not given gets a ConfigError naming it.
 */
export class ConfiguredSecretSource implements SecretSource {
  private readonly intake: TtlCache<WebhookKey[]>;
  private readonly provider: TtlCache<Uint8Array>;
  private readonly pepper: TtlCache<string>;

  constructor(settings: SecretSettings) {
    const { env, clock, metrics, ttlMs = SECRET_TTL_MS } = settings;
    let client = settings.client;
    const fetchJson = async (secretId: string): Promise<unknown> => {
      client ??= new SecretsManagerClient({});
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return parseJson(SecretString ?? "{}");
    };
    const cache = <T>(
      what: string,
      arn: string | undefined,
      fromSecret: (json: unknown) => T,
      fromEnv: (() => T) | undefined,
    ): TtlCache<T> =>
      new TtlCache(
        async () => {
          if (arn) return fromSecret(await fetchJson(arn));
          if (fromEnv) return fromEnv();
          throw new ConfigError(`this function is not given the ${what}`);
        },
        clock,
        ttlMs,
      );

    const envList = env[ENV.webhookSecrets];
    this.intake = cache(
      "intake webhook secret",
      env[ENV.intakeSecretArn],
      (json) => webhookKeysOf(fields(IntakeSecretSchema, json).webhookSecrets, metrics),
      envList === undefined ? undefined : () => webhookKeysOf(splitList(envList), metrics),
    );
    const envProvider = env[ENV.providerWebhookSecret];
    this.provider = cache(
      "provider signing secret",
      env[ENV.providerSecretArn],
      (json) => providerKeyOf(fields(ProviderSecretSchema, json).providerWebhookSecret),
      envProvider === undefined ? undefined : () => providerKeyOf(envProvider),
    );
    const envPepper = env[ENV.verificationPepper];
    this.pepper = cache(
      "verification pepper",
      env[ENV.pepperSecretArn],
      (json) => pepperOf(fields(PepperSecretSchema, json).verificationPepper),
      envPepper === undefined ? undefined : () => pepperOf(envPepper),
    );
  }

  webhookKeys(): Promise<WebhookKey[]> {
    return this.intake.get();
  }

  providerSigningKey(): Promise<Uint8Array> {
    return this.provider.get();
  }

  verificationPepper(): Promise<string> {
    return this.pepper.get();
  }
}

/**
 * {@link SecretSource} over fixed values (tests), validated like the real ones so a bad value fails the
 * same way; `metrics` sees the skipped intake secrets.
 */
export class StaticSecretSource implements SecretSource {
  constructor(
    readonly secrets: Secrets,
    private readonly metrics: Metrics = { count: () => undefined, duration: () => undefined },
  ) {}

  async webhookKeys() {
    return webhookKeysOf(this.secrets.webhookSecrets, this.metrics);
  }

  async providerSigningKey() {
    return providerKeyOf(this.secrets.providerWebhookSecret);
  }

  async verificationPepper() {
    return pepperOf(this.secrets.verificationPepper);
  }
}

const splitList = (value: string) =>
  value
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);

/** JSON.parse whose error never carries the text: V8's SyntaxError quotes the input, i.e. the secret. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError("invalid secret: the secret string is not JSON");
  }
}

function fields<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    // Name the fields, never the values.
    const names = result.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ");
    throw new ConfigError(`invalid secret: ${names}`);
  }
  return result.data;
}
