import { beforeAll, describe, expect, it } from "vitest";
import { SECRET_NEEDS } from "../../infra/constructs/app-function.js";
import { assertFunctionNeeds, FUNCTION_NEEDS } from "../../src/config/function-needs.js";
import { functionLogicalId, resourcesOf, type SynthesizedVigil, synthesizeVigil } from "./fixtures.js";

/** Which functions hold which secret: only where it is used (PRODUCT.md security, issue 11). */
const HOLDERS = {
  intake: ["receive-report"],
  // The signing secret where deliveries are signed: the timer, and containment's inline first lock attempt.
  providerSigning: ["fire-timer", "contain-incident", "start-pending-workflows"],
  // The pepper where codes are issued or checked (the pacing drain re-issues a queued code), and where the keyed
  // email-search hash is made or matched.
  pepper: ["request-verification", "verify-reporter", "receive-report", "list-cases", "drain-outbound"],
} as const;

describe("Vigil secrets, by need", () => {
  let vigil: SynthesizedVigil;
  beforeAll(() => {
    vigil = synthesizeVigil();
  });

  it("are three retained secrets, two of them operator-set placeholders and the pepper generated", () => {
    // Prepare
    const template = vigil.statefulTemplate;

    // Act
    const secrets = Object.values(template.findResources("AWS::SecretsManager::Secret")) as {
      DeletionPolicy: string;
      Properties: {
        Name: string;
        SecretString?: string;
        GenerateSecretString?: { GenerateStringKey: string };
      };
    }[];
    const byName = new Map(secrets.map((secret) => [secret.Properties.Name, secret]));

    // Assess
    expect([...byName.keys()].sort()).toEqual(
      [
        "vigil/test/intake-webhook-secrets",
        "vigil/test/provider-signing-secret",
        "vigil/test/verification-pepper",
      ].sort(),
    );
    for (const secret of secrets) expect(secret.DeletionPolicy).toBe("RetainExceptOnCreate");
    expect(JSON.parse(byName.get("vigil/test/intake-webhook-secrets")?.Properties.SecretString ?? "{}")).toEqual({
      webhookSecrets: [expect.stringMatching(/^whsec_REPLACE_/)],
    });
    expect(JSON.parse(byName.get("vigil/test/provider-signing-secret")?.Properties.SecretString ?? "{}")).toEqual({
      providerWebhookSecret: expect.stringMatching(/^whsec_REPLACE_/),
    });
    expect(byName.get("vigil/test/verification-pepper")?.Properties.GenerateSecretString?.GenerateStringKey).toBe(
      "verificationPepper",
    );
  });

  it.each(Object.entries(HOLDERS))("reach the %s secret only to the functions that use it", (need, holders) => {
    // Prepare
    const template = vigil.serviceTemplate;
    const envName = SECRET_NEEDS[need as keyof typeof SECRET_NEEDS].env;
    const variablesOf = (name: string) =>
      (
        template.toJSON().Resources[functionLogicalId(vigil.service, name)] as {
          Properties: { Environment?: { Variables: Record<string, unknown> } };
        }
      ).Properties.Environment?.Variables ?? {};

    // Act
    const named = [...vigil.service.functions.keys()].filter((name) => envName in variablesOf(name));
    const granted = [...vigil.service.functions.keys()].filter((name) =>
      JSON.stringify(resourcesOf(vigil.service, template, name, "secretsmanager:GetSecretValue")).includes(
        `${need === "intake" ? "IntakeSecret" : need === "pepper" ? "PepperSecret" : "ProviderSigningSecret"}`,
      ),
    );

    // Assess
    expect(named.sort()).toEqual([...holders].sort());
    expect(granted.sort()).toEqual([...holders].sort());
  });

  it("give the public verify page only the pepper, and the reply parser no secret at all", () => {
    // Prepare
    const template = vigil.serviceTemplate;

    // Act
    const verifyReads = resourcesOf(vigil.service, template, "verify-reporter", "secretsmanager:GetSecretValue");
    const replyReads = resourcesOf(vigil.service, template, "receive-email-reply", "secretsmanager:GetSecretValue");

    // Assess
    expect(verifyReads).toHaveLength(1);
    expect(JSON.stringify(verifyReads)).toContain("PepperSecret");
    expect(replyReads).toEqual([]);
  });

  it.each(Object.keys(FUNCTION_NEEDS))("give %s every variable its handler checks at cold start", (name) => {
    // Prepare
    const variables = (
      vigil.serviceTemplate.toJSON().Resources[functionLogicalId(vigil.service, name)] as {
        Properties: { Environment?: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment?.Variables;
    const env = Object.fromEntries(Object.keys(variables ?? {}).map((key) => [key, "set-by-cdk"]));

    // Act
    const check = () => assertFunctionNeeds(name as keyof typeof FUNCTION_NEEDS, env);

    // Assess
    expect(check).not.toThrow();
  });
});
