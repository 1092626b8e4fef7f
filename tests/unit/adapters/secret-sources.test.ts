import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CountingMetrics, FakeClock } from "../../../src/adapters/in-memory/index.js";
import { ConfiguredSecretSource } from "../../../src/adapters/secrets/secret-sources.js";
import { keyFingerprint, parseSecret } from "../../../src/domain/standard-webhooks.js";
import { ConfigError } from "../../../src/errors/index.js";

const WEBHOOK = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ROTATED = "whsec_dGVzdC1yb3RhdGVkLXNlY3JldC0zMi1ieXRlcyEh";
const PROVIDER = "whsec_dGVzdC1wcm92aWRlci1zZWNyZXQtMzItYnl0ZXMh";
const PEPPER = "pepper-0123456789abcdef";
const INTAKE_ARN = "arn:secret:vigil-intake";
const PROVIDER_ARN = "arn:secret:vigil-provider";
const PEPPER_ARN = "arn:secret:vigil-pepper";

const client = new SecretsManagerClient({});
const secretsManager = mockClient(client);

beforeEach(() => secretsManager.reset());

/** What a promise rejects with, for asserting that no secret value leaks into it. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error("expected a rejection"),
    (caught: unknown) => caught as Error,
  );
}

function awsSource(env: Record<string, string> = { VIGIL_INTAKE_SECRET_ARN: INTAKE_ARN }) {
  const clock = new FakeClock();
  const metrics = new CountingMetrics();
  return { clock, metrics, source: new ConfiguredSecretSource({ env, clock, metrics, client }) };
}

const intake = (webhookSecrets: unknown) => ({ SecretString: JSON.stringify({ webhookSecrets }) });

describe("ConfiguredSecretSource on Secrets Manager", () => {
  it("reads each need from its own secret", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: INTAKE_ARN }).resolves(intake([WEBHOOK]));
    secretsManager
      .on(GetSecretValueCommand, { SecretId: PROVIDER_ARN })
      .resolves({ SecretString: JSON.stringify({ providerWebhookSecret: PROVIDER }) });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: PEPPER_ARN })
      .resolves({ SecretString: JSON.stringify({ verificationPepper: PEPPER }) });
    const { source } = awsSource({
      VIGIL_INTAKE_SECRET_ARN: INTAKE_ARN,
      VIGIL_PROVIDER_SECRET_ARN: PROVIDER_ARN,
      VIGIL_PEPPER_SECRET_ARN: PEPPER_ARN,
    });

    // Act
    const [keys, providerKey, pepper] = await Promise.all([
      source.webhookKeys(),
      source.providerSigningKey(),
      source.verificationPepper(),
    ]);

    // Assess
    const key = parseSecret(WEBHOOK);
    expect(keys).toEqual([{ key, fingerprint: keyFingerprint(key) }]);
    expect(providerKey).toEqual(parseSecret(PROVIDER));
    expect(pepper).toBe(PEPPER);
  });

  it("keeps a value for 5 minutes on the clock, then reads the rotated secret", async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce(intake([WEBHOOK]))
      .resolves(intake([WEBHOOK, ROTATED]));
    const { clock, source } = awsSource();

    // Act
    await Promise.all([source.webhookKeys(), source.webhookKeys()]);
    clock.advance(299);
    const cached = await source.webhookKeys();
    clock.advance(1);
    const reloaded = await source.webhookKeys();

    // Assess
    expect(cached).toHaveLength(1);
    expect(reloaded).toHaveLength(2);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it("never keeps a failed fetch: the next call fetches again", async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: "not yet", $metadata: {} }))
      .resolves(intake([WEBHOOK]));
    const { source } = awsSource();
    await expect(source.webhookKeys()).rejects.toBeInstanceOf(ResourceNotFoundException);

    // Act
    const keys = await source.webhookKeys();

    // Assess
    expect(keys).toHaveLength(1);
  });

  it("never keeps a secret that did not validate: fixing it takes effect on the next call", async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce(intake(["whsec_c2hvcnQ="]))
      .resolves(intake([WEBHOOK]));
    const { source } = awsSource();
    await expect(source.webhookKeys()).rejects.toBeInstanceOf(ConfigError);

    // Act
    const keys = await source.webhookKeys();

    // Assess
    expect(keys).toHaveLength(1);
  });

  it("skips an invalid intake secret with an InvalidWebhookSecret metric and keeps the valid one", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves(intake(["whsec_c2hvcnQ=", "not-a-whsec", WEBHOOK]));
    const { metrics, source } = awsSource();

    // Act
    const keys = await source.webhookKeys();

    // Assess
    expect(keys.map(({ key }) => key)).toEqual([parseSecret(WEBHOOK)]);
    expect(metrics.counts.InvalidWebhookSecret).toBe(2);
  });

  it.each([
    ["intake", { VIGIL_INTAKE_SECRET_ARN: INTAKE_ARN }, intake(["whsec_REPLACE_WITH_PROVIDER_SHARED_SECRET"])],
    [
      "provider",
      { VIGIL_PROVIDER_SECRET_ARN: PROVIDER_ARN },
      { SecretString: JSON.stringify({ providerWebhookSecret: "whsec_REPLACE_WITH_OUTBOUND_SIGNING_SECRET" }) },
    ],
  ])("refuses the REPLACE_ placeholder of the %s secret with a clear error", async (need, env, answer) => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves(answer);
    const { source } = awsSource(env);

    // Act
    const error = await rejection(need === "intake" ? source.webhookKeys() : source.providerSigningKey());

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/REPLACE_ placeholder.*set it/);
  });

  it("throws ConfigError naming what is wrong but no value when the secret is invalid or not JSON", async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify({ verificationPepper: "short-pepper" }) })
      .resolves({ SecretString: WEBHOOK });
    const { source } = awsSource({ VIGIL_PEPPER_SECRET_ARN: PEPPER_ARN, VIGIL_INTAKE_SECRET_ARN: INTAKE_ARN });

    // Act
    const short = await rejection(source.verificationPepper());
    const notJson = await rejection(source.webhookKeys());

    // Assess
    expect(short).toBeInstanceOf(ConfigError);
    expect(short.message).not.toContain("short-pepper");
    expect(notJson).toBeInstanceOf(ConfigError);
    expect(`${notJson.message} ${notJson.stack}`).not.toContain(WEBHOOK.slice(6, 20));
  });

  it("refuses a secret this function was not given, without calling Secrets Manager", async () => {
    // Prepare
    const { source } = awsSource({ VIGIL_INTAKE_SECRET_ARN: INTAKE_ARN });

    // Act
    const error = await rejection(source.providerSigningKey());

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("this function is not given the provider signing secret");
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });
});

describe("ConfiguredSecretSource on environment variables (local runtime)", () => {
  it("reads comma-separated webhook secrets, trimmed, and the other secrets", async () => {
    // Prepare
    const source = new ConfiguredSecretSource({
      env: {
        VIGIL_WEBHOOK_SECRETS: ` ${WEBHOOK} , ${ROTATED},`,
        VIGIL_PROVIDER_WEBHOOK_SECRET: PROVIDER,
        VIGIL_VERIFICATION_PEPPER: PEPPER,
      },
      clock: new FakeClock(),
      metrics: new CountingMetrics(),
    });

    // Act
    const keys = await source.webhookKeys();

    // Assess
    expect(keys.map(({ key }) => key)).toEqual([parseSecret(WEBHOOK), parseSecret(ROTATED)]);
    expect(await source.providerSigningKey()).toEqual(parseSecret(PROVIDER));
    expect(await source.verificationPepper()).toBe(PEPPER);
  });
});
