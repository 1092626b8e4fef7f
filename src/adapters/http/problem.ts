import { AppError, BusinessRuleError, RateLimitedError, ValidationError } from "../../errors/index.js";

/** An HTTP response in the API Gateway v2 (payload 2.0) shape. */
export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/**
 * The one error-to-problem+json mapper (RFC 9457). Known errors keep their message; anything else
 * becomes a generic 500 that never echoes internals.
 */
export function toProblem(error: unknown): HttpResponse {
  const known = error instanceof AppError;
  const status = known ? error.status : 500;
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  const retryAfter =
    error instanceof RateLimitedError
      ? error.retryAfterSeconds
      : error instanceof BusinessRuleError
        ? error.retryAfterSeconds
        : undefined;
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  const problem: Record<string, unknown> = {
    type: known ? `https://vigil.dev/problems/${kebab(error.name)}` : "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail: known && status < 500 ? error.message : "An unexpected error occurred; it has been logged.",
  };
  if (error instanceof ValidationError) problem.errors = error.errors;
  if (error instanceof BusinessRuleError) problem.reason = error.reason;
  return { statusCode: status, headers, body: JSON.stringify(problem) };
}

function kebab(name: string): string {
  return name
    .replace(/Error$/, "")
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .toLowerCase();
}
