import { describe, expect, it } from "vitest";
import { buildDeps } from "../../../src/adapters/compose.js";
import { assertFunctionNeeds } from "../../../src/config/function-needs.js";
import { ConfigError } from "../../../src/errors/index.js";

const AWS_ENV = {
  VIGIL_TABLE_NAME: "vigil-prod",
  VIGIL_CASE_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-prod-case",
  VIGIL_TIMER_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-prod-timer",
  VIGIL_INTAKE_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/prod/intake-AbCdEf",
  VIGIL_PEPPER_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/prod/pepper-AbCdEf",
};

describe("assertFunctionNeeds", () => {
  it("accepts a function given every variable it needs", () => {
    // Act
    const check = () => assertFunctionNeeds("receive-report", AWS_ENV);

    // Assess
    expect(check).not.toThrow();
  });

  it("refuses a missing state machine ARN with a ConfigError naming the variable", () => {
    // Prepare
    const { VIGIL_CASE_STATE_MACHINE_ARN: _, ...env } = AWS_ENV;

    // Act
    const check = () => assertFunctionNeeds("receive-report", env);

    // Assess
    expect(check).toThrow(ConfigError);
    expect(check).toThrow(/VIGIL_CASE_STATE_MACHINE_ARN/);
  });

  it("refuses a blank secret ARN, naming the local alternative too", () => {
    // Prepare
    const env = { ...AWS_ENV, VIGIL_INTAKE_SECRET_ARN: " " };

    // Act
    const check = () => assertFunctionNeeds("receive-report", env);

    // Assess
    expect(check).toThrow(/VIGIL_INTAKE_SECRET_ARN \(or VIGIL_WEBHOOK_SECRETS outside AWS\)/);
  });

  it("accepts the local runtime's value variables in place of the secret ARNs", () => {
    // Prepare
    const { VIGIL_INTAKE_SECRET_ARN: _i, VIGIL_PEPPER_SECRET_ARN: _p, ...env } = AWS_ENV;

    // Act
    const check = () =>
      assertFunctionNeeds("receive-report", {
        ...env,
        VIGIL_WEBHOOK_SECRETS: "whsec_x",
        VIGIL_VERIFICATION_PEPPER: "pepper-0123456789",
      });

    // Assess
    expect(check).not.toThrow();
  });

  it("asks nothing beyond the table of a read-only function", () => {
    // Act
    const check = () => assertFunctionNeeds("get-case", {});

    // Assess
    expect(check).not.toThrow();
  });
});

describe("buildDeps", () => {
  it("fails at build time, not at the first workflow start, when the timer ARN is missing", () => {
    // Prepare
    const { VIGIL_TIMER_STATE_MACHINE_ARN: _, ...env } = AWS_ENV;

    // Act
    const build = () => buildDeps("act-on-case", env);

    // Assess
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/VIGIL_TIMER_STATE_MACHINE_ARN/);
  });

  it("gives a function that drives no workflow a client that names the variable if it ever tries", async () => {
    // Prepare
    const deps = buildDeps("get-case", { VIGIL_TABLE_NAME: "vigil-prod" });

    // Act
    const start = deps.workflow.startCase("c_1-g1", { caseId: "c_1", generation: 1 });

    // Assess
    await expect(start).rejects.toThrow(/VIGIL_CASE_STATE_MACHINE_ARN/);
  });
});
