import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EnvSecretSource, SecretsManagerSource } from "../../../src/adapters/secrets/secret-sources.js";
import { ConfigError } from "../../../src/errors/index.js";

const WEBHOOK = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PROVIDER = "whsec_dGVzdC1wcm92aWRlci1zZWNyZXQtMzItYnl0ZXMh";
const PEPPER = "pepper-0123456789abcdef";
const secrets = { webhookSecrets: [WEBHOOK], providerWebhookSecret: PROVIDER, verificationPepper: PEPPER };

const client = new SecretsManagerClient({});
const secretsManager = mockClient(client);

beforeEach(() => secretsManager.reset());

/** The message of what `load()` rejects with, for asserting that no secret value leaks into it. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => new Error("expected a rejection"),
    (caught: unknown) => caught as Error,
  );
  return error;
}

describe("SecretsManagerSource", () => {
  it("parses the JSON secret", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secrets) });
    const source = new SecretsManagerSource("arn:secret:vigil", client);

    // Act
    const loaded = await source.load();

    // Assess
    expect(loaded).toEqual(secrets);
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: "arn:secret:vigil" });
  });

  it("fetches the secret once per cold start when loaded again", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secrets) });
    const source = new SecretsManagerSource("arn:secret:vigil", client);

    // Act
    await Promise.all([source.load(), source.load()]);
    await source.load();

    // Assess
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it("fetches again after a failed fetch", async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: "not yet", $metadata: {} }))
      .resolves({ SecretString: JSON.stringify(secrets) });
    const source = new SecretsManagerSource("arn:secret:vigil", client);
    await expect(source.load()).rejects.toBeInstanceOf(ResourceNotFoundException);

    // Act
    const loaded = await source.load();

    // Assess
    expect(loaded).toEqual(secrets);
  });

  it("throws ConfigError naming the bad fields but no values when the secret is invalid", async () => {
    // Prepare
    const invalid = {
      webhookSecrets: ["not-a-whsec-value"],
      providerWebhookSecret: PROVIDER,
      verificationPepper: "short-pepper",
    };
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(invalid) });

    // Act
    const error = await rejection(new SecretsManagerSource("arn:secret:vigil", client).load());

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("webhookSecrets.0");
    expect(error.message).toContain("verificationPepper");
    expect(error.message).not.toContain("not-a-whsec-value");
    expect(error.message).not.toContain("short-pepper");
    expect(error.message).not.toContain(PROVIDER);
  });

  it("throws ConfigError without the secret text when the secret is not JSON", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });

    // Act
    const error = await rejection(new SecretsManagerSource("arn:secret:vigil", client).load());

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain(WEBHOOK.slice(6, 20));
    expect(error.stack ?? "").not.toContain(WEBHOOK.slice(6, 20));
    expect(String((error as Error & { cause?: Error }).cause?.message ?? "")).not.toContain(WEBHOOK.slice(6, 20));
  });
});

describe("EnvSecretSource", () => {
  it("reads comma-separated webhook secrets, trimmed, and the other secrets", async () => {
    // Prepare
    const other = "whsec_dGVzdC1yb3RhdGVkLXNlY3JldC0zMi1ieXRlcyEh";
    const source = new EnvSecretSource({
      VIGIL_WEBHOOK_SECRETS: ` ${WEBHOOK} , ${other},`,
      VIGIL_PROVIDER_WEBHOOK_SECRET: PROVIDER,
      VIGIL_VERIFICATION_PEPPER: PEPPER,
    });

    // Act
    const loaded = await source.load();

    // Assess
    expect(loaded).toEqual({
      webhookSecrets: [WEBHOOK, other],
      providerWebhookSecret: PROVIDER,
      verificationPepper: PEPPER,
    });
  });

  it("throws ConfigError naming the missing secrets when the environment lacks them", async () => {
    // Prepare
    const source = new EnvSecretSource({ VIGIL_PROVIDER_WEBHOOK_SECRET: PROVIDER });

    // Act
    const error = await rejection(source.load());

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("webhookSecrets");
    expect(error.message).toContain("verificationPepper");
    expect(error.message).not.toContain(PROVIDER);
  });
});
