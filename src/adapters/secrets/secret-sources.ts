import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as z from "zod";
import { ConfigError } from "../../errors/index.js";
import type { SecretSource, Secrets } from "../../ports/secrets.js";

const SecretsSchema = z.object({
  webhookSecrets: z.array(z.string().startsWith("whsec_")).min(1),
  providerWebhookSecret: z.string().startsWith("whsec_"),
  verificationPepper: z.string().min(16),
});

/** Secrets from one Secrets Manager secret (JSON), fetched once per cold start and cached. */
export class SecretsManagerSource implements SecretSource {
  private cached?: Promise<Secrets>;
  constructor(
    private readonly secretId: string,
    private readonly client = new SecretsManagerClient({}),
  ) {}

  load(): Promise<Secrets> {
    this.cached ??= this.client
      .send(new GetSecretValueCommand({ SecretId: this.secretId }))
      .then(({ SecretString }) => parse(parseJson(SecretString ?? "{}")))
      .catch((error) => {
        this.cached = undefined;
        throw error;
      });
    return this.cached;
  }
}

/** Secrets from environment variables (the local runtime and tests). */
export class EnvSecretSource implements SecretSource {
  constructor(private readonly env: Record<string, string | undefined>) {}

  async load(): Promise<Secrets> {
    return parse({
      webhookSecrets: (this.env.VIGIL_WEBHOOK_SECRETS ?? "")
        .split(",")
        .map((secret) => secret.trim())
        .filter(Boolean),
      providerWebhookSecret: this.env.VIGIL_PROVIDER_WEBHOOK_SECRET,
      verificationPepper: this.env.VIGIL_VERIFICATION_PEPPER,
    });
  }
}

/** JSON.parse whose error never carries the text: V8's SyntaxError quotes the input, i.e. the secret. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError("invalid secrets: the secret string is not JSON");
  }
}

function parse(value: unknown): Secrets {
  const result = SecretsSchema.safeParse(value);
  if (!result.success) {
    // Name the fields, never the values.
    const fields = result.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new ConfigError(`invalid secrets: ${fields}`);
  }
  return result.data;
}
