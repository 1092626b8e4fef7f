import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const aslValidator = require("asl-validator") as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Lambda.Unknown",
  "Lambda.ClientExecutionTimeoutException",
  "Sandbox.Timedout",
];

// biome-ignore lint/suspicious/noExplicitAny: ASL states are free-form JSON; the tests read whichever fields exist.
type State = Record<string, any>;
const files = readdirSync(`${ROOT}workflows`).filter((file) => file.endsWith(".asl.json"));

function states(definition: State): Array<[string, State]> {
  const all: Array<[string, State]> = [];
  for (const [name, state] of Object.entries(definition.States ?? {}) as Array<[string, State]>) {
    all.push([name, state]);
    for (const branch of state.Branches ?? []) all.push(...states(branch));
    if (state.ItemProcessor) all.push(...states(state.ItemProcessor));
  }
  return all;
}

const isLambdaTask = (state: State) =>
  state.Type === "Task" &&
  (String(state.Resource).includes("FunctionArn}") || String(state.Resource).includes(":lambda:"));

describe.each(files)("workflows/%s", (file) => {
  const text = readFileSync(`${ROOT}workflows/${file}`, "utf8");
  const definition = JSON.parse(text) as State;

  it("is valid ASL once its placeholders are substituted", () => {
    // Prepare
    const substituted = JSON.parse(text.replace(/\$\{(\w+)\}/g, "arn:aws:lambda:eu-west-1:123456789012:function:$1"));
    // Act
    const result = aslValidator(substituted);
    // Assess
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("uses JSONPath only: no JSONata and no Assign (the local engine ignores both silently)", () => {
    // Assess
    expect(text).not.toMatch(/"QueryLanguage"\s*:\s*"JSONata"/);
    expect(text).not.toMatch(/\{%/);
    for (const [, state] of states(definition)) expect(state.Assign).toBeUndefined();
  });

  it("names every state as a PascalCase phrase", () => {
    for (const [name] of states(definition)) expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it("gives every callback task a timeout", () => {
    const callbacks = states(definition).filter(([, state]) => String(state.Resource).endsWith(".waitForTaskToken"));
    for (const [name, state] of callbacks) {
      expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath, `${name} has no timeout`).toBeDefined();
    }
  });

  it("gives every Lambda task the Lambda service-error retrier and the TransientError retrier", () => {
    for (const [name, state] of states(definition).filter(([, s]) => isLambdaTask(s))) {
      const retried = (state.Retry ?? []).flatMap((retrier: State) => retrier.ErrorEquals);
      expect(retried, `${name} retriers`).toEqual(expect.arrayContaining([...LAMBDA_SERVICE_ERRORS, "TransientError"]));
    }
  });

  it("keeps the input in every Catch (a ResultPath that is not $ or null)", () => {
    for (const [name, state] of states(definition)) {
      for (const catcher of state.Catch ?? []) {
        expect(typeof catcher.ResultPath, `${name} Catch ResultPath`).toBe("string");
        expect(catcher.ResultPath).not.toBe("$");
      }
    }
  });

  it("maps every placeholder to a Lambda entry point in functions/", () => {
    // Prepare
    const placeholders = [...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1] as string);
    // Assess
    expect(placeholders.length).toBeGreaterThan(0);
    for (const placeholder of placeholders) {
      expect(placeholder).toMatch(/^\w+FunctionArn$/);
      const file = placeholder
        .replace(/FunctionArn$/, "")
        .replace(/([a-z])([A-Z])/g, "$1-$2")
        .toLowerCase();
      expect(existsSync(`${ROOT}functions/${file}.ts`), `functions/${file}.ts for \${${placeholder}}`).toBe(true);
    }
  });
});
