import type middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { HttpResponse } from "./problem.js";

/**
 * Headers of every answer of a function that serves HTML pages (the reporter's confirmation pages):
 * they carry a credential in their URL and act on a case, so they are never cached, never framed
 * (clickjacking), never leak their URL as a referrer, are never sniffed into another type, and may
 * load nothing and post nowhere but back to Vigil.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
});

const withHeaders = (response: HttpResponse | null | undefined): HttpResponse | null | undefined =>
  response && { ...response, headers: { ...response.headers, ...SECURITY_HEADERS } };

/**
 * Adds {@link SECURITY_HEADERS} to every answer: pages, JSON, and the problem+json of errors. Its
 * `onError` must run after the problem mapper's, so it is used before it (middy runs `onError` in
 * reverse order of use): `htmlFunction` does that.
 */
export function securityHeaders(): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    after: async (request) => {
      request.response = withHeaders(request.response) as HttpResponse;
    },
    onError: async (request) => {
      if (request.response) request.response = withHeaders(request.response) as HttpResponse;
    },
  };
}
