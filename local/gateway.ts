import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { HttpResponse } from "../src/adapters/http/problem.js";
import { readBody } from "./http-body.js";
import type { LocalOperator } from "./operators.js";
import { matchRoute } from "./routes.js";

/** API Gateway refuses bodies over 10 MB; the local gateway stops reading at 1 MiB. */
const MAX_GATEWAY_BODY = 1024 * 1024;

export type HttpLambda = (event: APIGatewayProxyEventV2, context: unknown) => Promise<HttpResponse>;

function problem(response: ServerResponse, status: number, title: string, detail: string): void {
  response.writeHead(status, { "content-type": "application/problem+json" });
  response.end(JSON.stringify({ type: "about:blank", title, status, detail }));
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Plays API Gateway (HTTP API, payload 2.0) in front of the same Lambda handlers: routes by
 * method and path template, checks the operator bearer token where AWS would run the JWT
 * authorizer, builds the v2 event, and writes the handler's response.
 */
export function createGateway(options: {
  /** Invokes a function by entry name with the v2 event (in its own execution environment). */
  invoke: (name: string, event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
  operators: readonly LocalOperator[];
  now: () => number;
}) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const method = request.method ?? "GET";
    const matched = matchRoute(method, url.pathname);
    if (matched === null) return problem(response, 404, "Not Found", `no route for ${url.pathname}`);
    if (matched === "method")
      return problem(response, 405, "Method Not Allowed", `${method} is not allowed on ${url.pathname}`);
    const { route, params } = matched;

    let claims: Record<string, string> | undefined;
    if (route.operator) {
      const auth = String(request.headers.authorization ?? "");
      const token = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
      // Every token is compared (constant time each), so the answer's timing does not say which matched.
      let operator: LocalOperator | undefined;
      for (const candidate of options.operators) {
        if (sameToken(token, candidate.token) && token) operator = candidate;
      }
      if (!operator) return problem(response, 401, "Unauthorized", "a valid operator bearer token is required");
      // The claims a Cognito access token gives the function through an HTTP API JWT authorizer.
      claims = {
        sub: `local-${operator.agent}`,
        username: operator.agent,
        "cognito:groups": `[${operator.groups.join(" ")}]`,
      };
    }

    const { text: body, tooLarge } = await readBody(request, MAX_GATEWAY_BODY);
    if (request.socket.destroyed) return;
    if (tooLarge) return problem(response, 413, "Content Too Large", "request body too large");
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const now = options.now();
    const routeKey = `${route.method} ${route.path}`;
    const event: APIGatewayProxyEventV2 = {
      version: "2.0",
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: Object.keys(params).length ? params : undefined,
      body: body.length ? body : undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        domainName: String(request.headers.host ?? "127.0.0.1"),
        domainPrefix: "local",
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
          userAgent: String(request.headers["user-agent"] ?? ""),
        },
        requestId: randomUUID(),
        routeKey,
        stage: "$default",
        time: new Date(now).toUTCString(),
        timeEpoch: now,
        ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
      } as APIGatewayProxyEventV2["requestContext"],
    };
    let result: HttpResponse;
    try {
      result = await options.invoke(route.fn, event);
    } catch {
      // A handler that throws past its error middleware is a 502 on API Gateway.
      return problem(response, 502, "Bad Gateway", "the function failed");
    }
    // `Date` from the virtual clock: the console counts SLA time down from the server's time.
    response.writeHead(result.statusCode, { date: new Date(options.now()).toUTCString(), ...(result.headers ?? {}) });
    response.end(result.body ?? "");
  };
}
