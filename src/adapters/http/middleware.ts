import type { Logger } from "@aws-lambda-powertools/logger";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { groupsOfClaim, type Operator } from "../../domain/operator.js";
import {
  AppError,
  ForbiddenError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "../../errors/index.js";
import { type HttpResponse, toProblem } from "./problem.js";

type HttpEvent = APIGatewayProxyEventV2;
type Request = middy.Request<HttpEvent, HttpResponse>;

/** Maps every error to problem+json; unexpected ones are logged (name and stack, never the request). */
export function problemJson(logger: Logger): middy.MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    onError: async (request: Request) => {
      const error = request.error;
      if (!(error instanceof AppError) || error.status >= 500) {
        // Name and status only: an SDK error's message (and so its stack's first line) may carry a recipient.
        logger.error("request failed", {
          error: {
            name: error?.name,
            status: (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode,
          },
        });
      }
      request.response = toProblem(error);
    },
  };
}

/** The decoded request body as text (API Gateway base64-encodes some bodies). */
export function rawBody(event: HttpEvent): string {
  if (!event.body) return "";
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}

/** A case-insensitive header read. */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Rejects bodies over `maxBytes` (413) and, when `types` is given, other media types (415). */
export function bodyGuard(options: {
  maxBytes: number;
  types?: string[];
}): middy.MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    before: async (request: Request) => {
      const event = request.event;
      const size = event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? "base64" : "utf8") : 0;
      if (size > options.maxBytes)
        throw new PayloadTooLargeError(`the body is ${size} bytes; at most ${options.maxBytes} are accepted`);
      if (!options.types) return;
      const type = (header(event, "content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      if (!options.types.includes(type))
        throw new UnsupportedMediaTypeError(`content-type must be ${options.types.join(" or ")}`);
    },
  };
}

/**
 * Operator routes: API Gateway's JWT authorizer (Cognito) has verified the token before the
 * function runs; this refuses any request that reached the function without its claims (401), or
 * whose operator is in neither the `agents` nor the `supervisors` group (403).
 */
export function requireOperator(): middy.MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    before: async (request: Request) => {
      const claims = claimsOf(request.event);
      if (!claims?.sub) throw new UnauthorizedError("a valid operator bearer token is required");
      if (!groupsOfClaim(claims["cognito:groups"]).length) {
        throw new ForbiddenError(
          "the operator is in neither the agents nor the supervisors group",
          "no_operator_group",
        );
      }
    },
  };
}

function claimsOf(event: HttpEvent): Record<string, unknown> | undefined {
  return (event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext?.authorizer?.jwt?.claims;
}

/**
 * The operator acting, from the token's claims: the recorded actor of everything the request does,
 * and the groups their permissions come from. Cognito access tokens carry `username`, ID tokens
 * `cognito:username`; both carry `cognito:groups`.
 */
export function operatorOf(event: HttpEvent): Operator {
  const claims = claimsOf(event) ?? {};
  return {
    agent: String(claims.username ?? claims["cognito:username"] ?? claims.email ?? claims.sub ?? "operator"),
    groups: groupsOfClaim(claims["cognito:groups"]),
  };
}
