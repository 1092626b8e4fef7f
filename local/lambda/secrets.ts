/**
 * Secrets by need, locally. On AWS each function reads only the Secrets Manager secrets its role grants
 * (`AppFunction.bindSecret`, statement ids from `SECRET_NEEDS` in infra/constructs/app-function.ts). Locally the
 * values travel as environment variables; a function's environment gets a value only when its synthesized role
 * holds the matching grant, so a handler that uses a secret infra does not give it fails locally as on AWS
 * (a ConfigError naming the secret).
 */
import { ENV } from "../../src/config/env-names.js";
import type { Statement } from "../iam/template.js";

/** Statement id of each secret grant → the variable that carries its value locally. */
export const SECRET_GRANTS: Readonly<Record<string, string>> = {
  ReadIntakeSecret: ENV.webhookSecrets,
  ReadProviderSigningSecret: ENV.providerWebhookSecret,
  ReadVerificationPepper: ENV.verificationPepper,
};

/**
 * `env` without the secret values that `statements` (one function's role) do not grant. `statements`
 * undefined (IAM not enforced, or a function the template does not know) keeps every value.
 */
export function secretsByNeed(
  env: Readonly<Record<string, string>>,
  statements: readonly Statement[] | undefined,
): Record<string, string> {
  if (!statements) return { ...env };
  const granted = new Set(
    statements
      .filter((statement) => statement.Effect === "Allow" && statement.Sid !== undefined)
      .map((statement) => SECRET_GRANTS[statement.Sid as string])
      .filter((name): name is string => name !== undefined),
  );
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (Object.values(SECRET_GRANTS).includes(name) && !granted.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}
