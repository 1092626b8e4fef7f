import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import {
  bodyGuard,
  header,
  operatorOf,
  problemJson,
  rawBody,
  requireOperator,
} from "../../../src/adapters/http/middleware.js";
import type { HttpResponse } from "../../../src/adapters/http/problem.js";
import {
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "../../../src/errors/index.js";

function event(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "POST /v1/reports",
    rawPath: "/v1/reports",
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    isBase64Encoded: false,
    body: "{}",
    requestContext: {} as APIGatewayProxyEventV2["requestContext"],
    ...overrides,
  };
}

/** A middy request as the middlewares see it. */
function request(evt: APIGatewayProxyEventV2, error?: unknown) {
  return {
    event: evt,
    context: {} as never,
    response: undefined as HttpResponse | undefined,
    error: error as Error,
    internal: {},
  };
}

describe("bodyGuard", () => {
  const guard = bodyGuard({ maxBytes: 10, types: ["application/json"] });

  it("passes a small JSON body with a charset parameter", async () => {
    // Prepare
    const req = request(event({ headers: { "Content-Type": "application/json; charset=utf-8" }, body: "{}" }));

    // Act
    const attempt = guard.before?.(req as never);

    // Assess
    await expect(attempt).resolves.toBeUndefined();
  });

  it("throws PayloadTooLargeError when the body is larger than allowed", async () => {
    // Prepare
    const req = request(event({ body: "x".repeat(11) }));

    // Act
    const attempt = guard.before?.(req as never);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("measures a base64 body by its decoded size", async () => {
    // Prepare
    const req = request(event({ body: Buffer.from("0123456789").toString("base64"), isBase64Encoded: true }));

    // Act
    const attempt = guard.before?.(req as never);

    // Assess
    await expect(attempt).resolves.toBeUndefined();
  });

  it("counts bytes, not characters", async () => {
    // Prepare
    const req = request(event({ body: "ééééää" }));

    // Act
    const attempt = guard.before?.(req as never);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it.each([["text/plain"], [""]])("throws UnsupportedMediaTypeError when the content type is %j", async (type) => {
    // Prepare
    const req = request(event({ headers: type ? { "content-type": type } : {} }));

    // Act
    const attempt = guard.before?.(req as never);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
  });
});

describe("problemJson", () => {
  it("maps a known error to its problem without logging it", async () => {
    // Prepare
    const logger = new Logger({ serviceName: "test", logLevel: "SILENT" });
    const logged = vi.spyOn(logger, "error");
    const req = request(event(), new NotFoundError("case c_1 not found"));

    // Act
    await problemJson(logger).onError?.(req as never);

    // Assess
    expect(req.response?.statusCode).toBe(404);
    expect(logged).not.toHaveBeenCalled();
  });

  it("logs an unknown error by name and stack without the request, and answers a generic 500", async () => {
    // Prepare
    const logger = new Logger({ serviceName: "test", logLevel: "SILENT" });
    const logged = vi.spyOn(logger, "error");
    const req = request(event({ body: '{"reporter":{"email":"ana@example.com"}}' }), new TypeError("x is undefined"));

    // Act
    await problemJson(logger).onError?.(req as never);

    // Assess
    expect(req.response?.statusCode).toBe(500);
    expect(req.response?.body).not.toContain("x is undefined");
    expect(logged).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logged.mock.calls[0])).toContain("TypeError");
    expect(JSON.stringify(logged.mock.calls[0])).not.toContain("ana@example.com");
  });
});

describe("request helpers", () => {
  it("reads headers case-insensitively", () => {
    // Act
    const value = header(event({ headers: { "Webhook-Id": "msg_1" } }), "webhook-id");

    // Assess
    expect(value).toBe("msg_1");
  });

  it("decodes a base64 body and answers an empty string without one", () => {
    // Act
    const decoded = rawBody(event({ body: Buffer.from('{"a":1}').toString("base64"), isBase64Encoded: true }));
    const empty = rawBody(event({ body: undefined }));

    // Assess
    expect([decoded, empty]).toEqual(['{"a":1}', ""]);
  });
});

describe("requireOperator", () => {
  const withClaims = (claims: Record<string, string> | undefined) =>
    event({ requestContext: { authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined } as never });

  it("throws UnauthorizedError when the request carries no JWT claims", async () => {
    // Act
    const attempt = requireOperator().before?.(request(withClaims(undefined)) as never);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("lets a request with a subject and a group through and names the agent with their groups", async () => {
    // Prepare: HTTP APIs hand a JWT array claim to the function as "[a b]".
    const evt = withClaims({ sub: "u-1", "cognito:username": "agent-ana", "cognito:groups": "[agents supervisors]" });

    // Act
    const attempt = requireOperator().before?.(request(evt) as never);

    // Assess
    await expect(attempt).resolves.toBeUndefined();
    expect(operatorOf(evt)).toEqual({ agent: "agent-ana", groups: ["agents", "supervisors"] });
  });

  it("throws a ForbiddenError when the operator is in neither group", async () => {
    // Prepare
    const evt = withClaims({ sub: "u-1", username: "agent-ana", "cognito:groups": "[readonly]" });

    // Act
    const attempt = requireOperator().before?.(request(evt) as never);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "ForbiddenError", status: 403, reason: "no_operator_group" });
  });

  it("reads the groups of an access token whether the claim is an array, JSON text or API Gateway's rendering", () => {
    // Prepare
    const forms = [["agents"], '["agents"]', "[agents]", "agents"];

    // Act
    const groups = forms.map(
      (claim) => operatorOf(withClaims({ sub: "u", username: "a", "cognito:groups": claim as string })).groups,
    );

    // Assess
    expect(groups).toEqual([["agents"], ["agents"], ["agents"], ["agents"]]);
  });
});
