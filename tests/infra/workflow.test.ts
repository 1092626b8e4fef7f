import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { describe, expect, it } from "vitest";
import {
  findPlaceholders,
  functionNameOfPlaceholder,
  substitutionsFor,
  Workflow,
  workflowRef,
} from "../../infra/constructs/workflow.js";
import { ENV } from "../../src/config/env-names.js";
import { TEST_OUT_ROOT, testApp } from "../helpers/cdk.js";

/** `${name}`, spelled so that it is plainly not a forgotten template literal. */
const ph = (name: string) => `\${${name}}`;

describe("findPlaceholders", () => {
  it("lists each placeholder once in order of first appearance", () => {
    // Prepare
    const asl = JSON.stringify({ A: ph("BFunctionArn"), B: ph("AFunctionArn"), C: ph("BFunctionArn") });

    // Act
    const placeholders = findPlaceholders(asl);

    // Assess
    expect(placeholders).toEqual(["BFunctionArn", "AFunctionArn"]);
  });
});

describe("functionNameOfPlaceholder", () => {
  it("maps a PascalCase function ARN placeholder to its kebab-case entry name", () => {
    // Prepare
    const placeholders = ["AcknowledgeReportFunctionArn", "FireTimerFunctionArn", "TableName"];

    // Act
    const names = placeholders.map(functionNameOfPlaceholder);

    // Assess
    expect(names).toEqual(["acknowledge-report", "fire-timer", undefined]);
  });
});

describe("substitutionsFor", () => {
  const stack = new Stack(testApp(), "Fns");
  const fn = new lambda.Function(stack, "Fn", {
    code: lambda.Code.fromInline("export const handler = async () => ({});"),
    handler: "index.handler",
    runtime: lambda.Runtime.NODEJS_24_X,
  });

  it("substitutes each placeholder with the ARN of the function it names", () => {
    // Prepare
    const asl = JSON.stringify({ Resource: ph("FireTimerFunctionArn") });

    // Act
    const { substitutions, invoked } = substitutionsFor(asl, new Map([["fire-timer", fn]]), "timer.asl.json");

    // Assess
    expect(substitutions).toEqual({ FireTimerFunctionArn: fn.functionArn });
    expect(invoked).toEqual([fn]);
  });

  it("fails when a placeholder names a function the stack does not define", () => {
    // Prepare
    const asl = JSON.stringify({ Resource: ph("NotifyPartnerFunctionArn") });

    // Act
    const act = () => substitutionsFor(asl, new Map([["fire-timer", fn]]), "case.asl.json");

    // Assess
    expect(act).toThrow(
      /case\.asl\.json: placeholder \$\{NotifyPartnerFunctionArn\} needs the task function "notify-partner"/,
    );
  });

  it("fails when a placeholder is not a function ARN", () => {
    // Prepare
    const asl = JSON.stringify({ TableName: ph("TableName") });

    // Act
    const act = () => substitutionsFor(asl, new Map(), "case.asl.json");

    // Assess
    expect(act).toThrow(/\$\{TableName\} is not of the form/);
  });
});

describe("Workflow", () => {
  it("fails synth when its ASL file gains a Task whose function is missing", () => {
    // Prepare
    const dir = mkdtempSync(join(TEST_OUT_ROOT, "asl-"));
    const definitionPath = join(dir, "case.asl.json");
    writeFileSync(
      definitionPath,
      JSON.stringify({
        StartAt: "Notify",
        States: { Notify: { Type: "Task", Resource: ph("NotifyPartnerFunctionArn"), End: true } },
      }),
    );
    const stack = new Stack(testApp(), "WorkflowStack");

    // Act
    const act = () =>
      new Workflow(stack, "Case", {
        ref: workflowRef(stack, "vigil-test-case", ENV.caseStateMachineArn),
        definitionPath,
        taskFunctions: new Map(),
      });

    // Assess
    expect(act).toThrow(/needs the task function "notify-partner"/);
  });
});
