import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { DEFAULT_POLICY } from "../../../src/domain/policy.js";
import { ConfigError } from "../../../src/errors/index.js";

const minimal = { VIGIL_TABLE_NAME: "vigil-table" };

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("fills defaults that work out of the box when only the table is set", () => {
    // Act
    const config = loadConfig(minimal);

    // Assess
    expect(config).toEqual({
      tableName: "vigil-table",
      publicBaseUrl: "http://127.0.0.1:3000",
      emailFrom: "Vigil Security <security@vigil.example>",
      oncallEmail: "oncall@vigil.example",
      brandName: "Wallet Security",
      sesMaxSendRate: 14,
      smsMaxMps: 3,
      policy: DEFAULT_POLICY,
    });
  });

  it("reads the pacing rates and refuses one that is not a positive number", () => {
    // Act
    const config = loadConfig({ ...minimal, VIGIL_SES_MAX_SEND_RATE: "200", VIGIL_SMS_MAX_MPS: "100" });
    const invalid = () => loadConfig({ ...minimal, VIGIL_SES_MAX_SEND_RATE: "0" });

    // Assess
    expect(config).toMatchObject({ sesMaxSendRate: 200, smsMaxMps: 100 });
    expect(invalid).toThrow(/VIGIL_SES_MAX_SEND_RATE/);
  });

  it("reads the brand, the support contact and the console, and refuses a console that is not a URL", () => {
    // Act
    const config = loadConfig({
      ...minimal,
      VIGIL_BRAND_NAME: " Acme Wallet ",
      VIGIL_SUPPORT_URL: "https://help.acme.example/contact",
      VIGIL_CONSOLE_URL: "https://console.acme.example",
    });
    const bad = () => loadConfig({ ...minimal, VIGIL_CONSOLE_URL: "console" });

    // Assess
    expect(config).toMatchObject({
      brandName: "Acme Wallet",
      supportUrl: "https://help.acme.example/contact",
      consoleUrl: "https://console.acme.example",
    });
    expect(bad).toThrow(/VIGIL_CONSOLE_URL/);
  });

  it("reads every variable and treats blank optional ones as absent", () => {
    // Act
    const config = loadConfig({
      ...minimal,
      VIGIL_CASE_STATE_MACHINE_ARN: " arn:aws:states:eu-west-1:1:stateMachine:case ",
      VIGIL_TIMER_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:1:stateMachine:timer",
      VIGIL_PUBLIC_BASE_URL: "https://vigil.example.com",
      VIGIL_ONCALL_EMAIL: "pager@example.com",
      VIGIL_ONCALL_PHONE: "   ",
      VIGIL_EVENT_BUS_NAME: "",
    });

    // Assess
    expect(config).toMatchObject({
      caseStateMachineArn: "arn:aws:states:eu-west-1:1:stateMachine:case",
      timerStateMachineArn: "arn:aws:states:eu-west-1:1:stateMachine:timer",
      publicBaseUrl: "https://vigil.example.com",
      oncallEmail: "pager@example.com",
    });
    expect(config.oncallPhone).toBeUndefined();
    expect(config.eventBusName).toBeUndefined();
  });

  it.each([
    [{}, "VIGIL_TABLE_NAME"],
    [{ ...minimal, VIGIL_PUBLIC_BASE_URL: "not a url" }, "VIGIL_PUBLIC_BASE_URL"],
    [{ ...minimal, VIGIL_ONCALL_EMAIL: "pager-at-example" }, "VIGIL_ONCALL_EMAIL"],
    [{ ...minimal, VIGIL_ONCALL_ESCALATION_EMAIL: "lead-at-example" }, "VIGIL_ONCALL_ESCALATION_EMAIL"],
    [{ ...minimal, VIGIL_ONCALL_ESCALATION_PHONE: "not a url" }, "VIGIL_ONCALL_ESCALATION_PHONE"],
    [{ ...minimal, VIGIL_POLICY: '{"escalationRepeatLimit": -1}' }, "escalationRepeatLimit"],
  ])("throws ConfigError naming the variable but not its value for %j", (env, name) => {
    // Act
    const error = configError(env);

    // Assess
    expect(error.message).toContain(name);
    expect(error.message).not.toMatch(/not a url|pager-at-example/);
  });

  it("reads the optional second contact and the escalation repeat limit (default 8)", () => {
    // Act
    const config = loadConfig({
      ...minimal,
      VIGIL_ONCALL_ESCALATION_EMAIL: " lead@example.com ",
      VIGIL_ONCALL_ESCALATION_PHONE: "+14155550199",
      VIGIL_POLICY: '{"escalationRepeatLimit": 3}',
    });

    // Assess
    expect(DEFAULT_POLICY.escalationRepeatLimit).toBe(8);
    expect(config).toMatchObject({
      oncallEscalationEmail: "lead@example.com",
      oncallEscalationPhone: "+14155550199",
      policy: { escalationRepeatLimit: 3 },
    });
    expect(loadConfig({ ...minimal, VIGIL_ONCALL_ESCALATION_EMAIL: "" }).oncallEscalationEmail).toBeUndefined();
  });

  it("names every bad variable at once", () => {
    // Act
    const error = configError({ VIGIL_PUBLIC_BASE_URL: "nope", VIGIL_ONCALL_EMAIL: "nope" });

    // Assess
    expect(error.message).toContain("VIGIL_TABLE_NAME");
    expect(error.message).toContain("VIGIL_PUBLIC_BASE_URL");
    expect(error.message).toContain("VIGIL_ONCALL_EMAIL");
  });

  it("deep-merges policy overrides into the defaults", () => {
    // Prepare
    const overrides = {
      assetsAtRiskThresholdUsd: 5000,
      slaTargets: { resolution: { P1: 7200 } },
      warningFractions: [0.75],
    };

    // Act
    const { policy } = loadConfig({ ...minimal, VIGIL_POLICY: JSON.stringify(overrides) });

    // Assess
    expect(policy.assetsAtRiskThresholdUsd).toBe(5000);
    expect(policy.slaTargets.resolution).toEqual({ ...DEFAULT_POLICY.slaTargets.resolution, P1: 7200 });
    expect(policy.slaTargets.firstResponse).toEqual(DEFAULT_POLICY.slaTargets.firstResponse);
    expect(policy.warningFractions).toEqual([0.75]);
    expect(policy.basePriority).toEqual(DEFAULT_POLICY.basePriority);
    expect(DEFAULT_POLICY.slaTargets.resolution.P1).toBe(4 * 3600);
  });

  it("throws ConfigError naming VIGIL_POLICY when the overrides are not JSON", () => {
    // Act
    const error = configError({ ...minimal, VIGIL_POLICY: "{slaTargets:" });

    // Assess
    expect(error.message).toContain("VIGIL_POLICY");
  });

  it.each([
    ['{"slaTargets":{"firstResponse":{"P1":"fast"}}}', "slaTargets.firstResponse.P1"],
    ['{"assetsAtRiskThresholdUsd":-1}', "assetsAtRiskThresholdUsd"],
    ['{"basePriority":{"phishing":"P9"}}', "basePriority.phishing"],
    ['{"verificationPauseCapSeconds":0}', "verificationPauseCapSeconds"],
    ['{"slaTarget":{}}', "slaTarget"],
  ])("throws ConfigError at cold start when the overrides %s make an invalid policy", (json, path) => {
    // Act
    const error = configError({ ...minimal, VIGIL_POLICY: json });

    // Assess
    expect(error.message).toContain("VIGIL_POLICY");
    expect(error.message).toContain(path);
  });

  it("lets an override switch off the containment clock of a priority with null", () => {
    // Act
    const { policy } = loadConfig({ ...minimal, VIGIL_POLICY: '{"slaTargets":{"containment":{"P2":null}}}' });

    // Assess
    expect(policy.slaTargets.containment).toEqual({ P1: 60, P2: null, P3: null, P4: null });
  });
});
