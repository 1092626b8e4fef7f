import { describe, expect, it } from "vitest";
import { json, toProblem } from "../../../src/adapters/http/problem.js";
import {
  ActionNotAllowedError,
  BusinessRuleError,
  CaseConcludedError,
  ConfigError,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  TransientError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../../../src/errors/index.js";

const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? "{}") as Record<string, unknown>;

describe("toProblem", () => {
  it.each([
    [new UnauthorizedError("no signature"), 401, "Unauthorized", "unauthorized"],
    [new NotFoundError("case c_1 not found"), 404, "Not Found", "not-found"],
    [new ConflictError("same id, other body"), 409, "Conflict", "conflict"],
    [new PayloadTooLargeError("too big"), 413, "Content Too Large", "payload-too-large"],
    [new UnsupportedMediaTypeError("not json"), 415, "Unsupported Media Type", "unsupported-media-type"],
    [new CaseConcludedError("case closed"), 409, "Conflict", "case-concluded"],
  ])("maps %s to its status, title, type and message", (error, status, title, slug) => {
    // Act
    const response = toProblem(error);

    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers).toEqual({ "content-type": "application/problem+json" });
    expect(bodyOf(response)).toEqual({
      type: `https://vigil.dev/problems/${slug}`,
      title,
      status,
      detail: error.message,
    });
  });

  it("lists the field errors of a ValidationError", () => {
    // Prepare
    const errors = [
      { path: "/data/incidentType", message: "Invalid option" },
      { path: "/data/reporter/email", message: "Invalid email address" },
    ];

    // Act
    const response = toProblem(new ValidationError("the body does not match the schema", errors));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ title: "Bad Request", status: 400, errors });
  });

  it("sets Retry-After from a RateLimitedError", () => {
    // Act
    const response = toProblem(new RateLimitedError("too many reports for this account", 3600));

    // Assess
    expect(response.statusCode).toBe(429);
    expect(response.headers?.["retry-after"]).toBe("3600");
    expect(bodyOf(response)).toMatchObject({ title: "Too Many Requests", detail: "too many reports for this account" });
  });

  it("carries the reason and Retry-After of a business rule", () => {
    // Act
    const response = toProblem(
      new ActionNotAllowedError("unlock not allowed: cooldown", "cooldown", { retryAfterSeconds: 120 }),
    );

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.headers?.["retry-after"]).toBe("120");
    expect(bodyOf(response)).toMatchObject({
      type: "https://vigil.dev/problems/action-not-allowed",
      reason: "cooldown",
    });
  });

  it("answers 422 for a business rule whose subclass sets no status, without Retry-After", () => {
    // Prepare
    class NotNowError extends BusinessRuleError {
      override readonly name = "NotNowError";
    }

    // Act
    const response = toProblem(new NotNowError("not now", "not_now"));

    // Assess
    expect(response.statusCode).toBe(422);
    expect(response.headers?.["retry-after"]).toBeUndefined();
    expect(bodyOf(response)).toMatchObject({ title: "Unprocessable Content", reason: "not_now" });
  });

  it.each([
    ["an unknown error", new Error("connect ECONNREFUSED 10.0.0.12:8000 table=vigil-prod")],
    ["a thrown string", "arn:aws:dynamodb:eu-west-1:123456789012:table/vigil-prod"],
    ["a ConfigError", new ConfigError("invalid configuration: VIGIL_TABLE_NAME")],
  ])("answers a generic 500 that hides the internals of %s", (_, error) => {
    // Act
    const response = toProblem(error);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({
      type: error instanceof ConfigError ? "https://vigil.dev/problems/config" : "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "An unexpected error occurred; it has been logged.",
    });
    expect(response.body).not.toMatch(/ECONNREFUSED|arn:aws|VIGIL_TABLE_NAME/);
  });

  it("answers 503 without the dependency's message for a TransientError", () => {
    // Act
    const response = toProblem(new TransientError("DynamoDB PutItem case failed: ThrottlingException"));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toMatchObject({ title: "Service Unavailable", status: 503 });
    expect(response.body).not.toContain("DynamoDB");
  });
});

describe("json", () => {
  it("serialises the body with a JSON content type and extra headers", () => {
    // Act
    const response = json(202, { caseId: "c_1" }, { "x-extra": "1" });

    // Assess
    expect(response).toEqual({
      statusCode: 202,
      headers: { "content-type": "application/json", "x-extra": "1" },
      body: '{"caseId":"c_1"}',
    });
  });
});
