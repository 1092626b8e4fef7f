import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { ConfiguredSecretSource, StaticSecretSource } from "../../src/adapters/secrets/secret-sources.js";
import { formatSecret } from "../../src/domain/standard-webhooks.js";
import { ConfigError, RateLimitedError, UnauthorizedError } from "../../src/errors/index.js";
import { makeReceiveReport } from "../../src/use-cases/receive-report.js";
import { makeTestDeps, TEST_WEBHOOK_SECRET, type TestDeps } from "../fixtures/deps.js";

/**
 * Attacks and accidents on intake secrets (issue 11, "Secrets"): one failed GetSecretValue or one malformed
 * secret made every report a 500 until a cold start; a rotation only took effect on a cold start; the
 * per-sender limit pooled every report of the provider's backend under its one IP.
 */
const client = new SecretsManagerClient({});
const secretsManager = mockClient(client);
beforeEach(() => secretsManager.reset());

const NEXT = formatSecret(new Uint8Array(randomBytes(32)));
let sequence = 0;

function signed(deps: TestDeps, secret: string, body?: string) {
  const id = `msg_sec_${++sequence}`;
  const rawBody =
    body ??
    JSON.stringify({
      type: "incident.reported",
      timestamp: new Date(deps.clock.now()).toISOString(),
      data: {
        accountId: `acct_sec_${sequence}`,
        incidentType: "phishing",
        reporter: { email: "ana@example.com" },
      },
    });
  const at = new Date(deps.clock.now());
  return {
    headers: {
      id,
      timestamp: String(Math.floor(at.getTime() / 1000)),
      signature: new Webhook(secret).sign(id, at, rawBody),
    },
    rawBody,
    sender: "203.0.113.7",
  };
}

function onSecretsManager(deps: TestDeps) {
  deps.secrets = new ConfiguredSecretSource({
    env: { VIGIL_INTAKE_SECRET_ARN: "arn:intake" },
    clock: deps.clock,
    metrics: deps.metrics,
    client,
  }) as unknown as TestDeps["secrets"];
  return makeReceiveReport(deps);
}

const intake = (...webhookSecrets: string[]) => ({ SecretString: JSON.stringify({ webhookSecrets }) });

describe("attack: breaking intake through its secrets", () => {
  it("recovers from one failed GetSecretValue on the next report, without a cold start", async () => {
    // Prepare
    const deps = makeTestDeps();
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: "throttled", $metadata: {} }))
      .resolves(intake(TEST_WEBHOOK_SECRET));
    const receive = onSecretsManager(deps);
    await expect(receive(signed(deps, TEST_WEBHOOK_SECRET))).rejects.toThrow();

    // Act
    const next = await receive(signed(deps, TEST_WEBHOOK_SECRET));

    // Assess
    expect(next.duplicate).toBe(false);
  });

  it("accepts a rotated secret within 5 minutes on a warm instance, and the retired one no longer after", async () => {
    // Prepare
    const deps = makeTestDeps();
    secretsManager.on(GetSecretValueCommand).resolvesOnce(intake(TEST_WEBHOOK_SECRET)).resolves(intake(NEXT));
    const receive = onSecretsManager(deps);
    await receive(signed(deps, TEST_WEBHOOK_SECRET));

    // Act
    deps.clock.advance(300);
    const rotated = await receive(signed(deps, NEXT));
    const retired = receive(signed(deps, TEST_WEBHOOK_SECRET));

    // Assess
    expect(rotated.duplicate).toBe(false);
    await expect(retired).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("skips a malformed secret added beside a valid one (metric), and keeps verifying with the valid one", async () => {
    // Prepare
    const deps = makeTestDeps();
    secretsManager.on(GetSecretValueCommand).resolves(intake("whsec_dG9vLXNob3J0", TEST_WEBHOOK_SECRET));
    const receive = onSecretsManager(deps);

    // Act
    const result = await receive(signed(deps, TEST_WEBHOOK_SECRET));

    // Assess
    expect(result.duplicate).toBe(false);
    expect(deps.metrics.counts.InvalidWebhookSecret).toBe(1);
  });

  it("refuses the REPLACE_ placeholder with an error that says what to do", async () => {
    // Prepare
    const deps = makeTestDeps();
    secretsManager.on(GetSecretValueCommand).resolves(intake("whsec_REPLACE_WITH_PROVIDER_SHARED_SECRET"));
    const receive = onSecretsManager(deps);

    // Act
    const attempt = receive(signed(deps, TEST_WEBHOOK_SECRET));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/REPLACE_ placeholder.*set it/);
  });

  it("limits a sender per verifying secret and IP: another secret from the same IP is not throttled", async () => {
    // Prepare
    const deps = makeTestDeps();
    deps.secrets = new StaticSecretSource({ ...deps.secrets.secrets, webhookSecrets: [TEST_WEBHOOK_SECRET, NEXT] });
    const receive = makeReceiveReport(deps);
    // Signed but unparseable bodies: each counts toward the limit, then fails validation (nothing written).
    for (let i = 0; i < 600; i += 1) await receive(signed(deps, TEST_WEBHOOK_SECRET, "{}")).catch(() => undefined);

    // Act
    const sameSecret = receive(signed(deps, TEST_WEBHOOK_SECRET));
    const otherSecret = await receive(signed(deps, NEXT));

    // Assess
    await expect(sameSecret).rejects.toBeInstanceOf(RateLimitedError);
    expect(otherSecret.duplicate).toBe(false);
  });
});
