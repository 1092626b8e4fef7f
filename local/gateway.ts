import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import type { HttpResponse } from "../src/adapters/http/problem.js";
import { matchRoute } from "./api-routes.js";
import { readBody } from "./http-body.js";
import type { LocalOperator } from "./operators.js";

/** API Gateway refuses bodies over 10 MB; the local gateway stops reading at 1 MiB. */
const MAX_GATEWAY_BODY = 1024 * 1024;

export type HttpLambda = (event: APIGatewayProxyEventV2, context: unknown) => Promise<HttpResponse>;

/**
 * How long the local API keeps an idle keep-alive connection (ms): longer than any client keeps one
 * (undici's `fetch` 4 s, bench/lib/load-client.ts 4 s), so the client always closes an idle
 * connection first. Node's default (5 s, closed after about 6 s) is shorter than a
 * `new Agent({ keepAlive: true })`, which keeps idle sockets for ever (it honours the server's
 * `Keep-Alive: timeout` hint only when given a `timeout` of its own): such a client could pick a
 * connection in the very event-loop turn the server closed it, the server then dropped the request
 * it had not read yet and the client got `read ECONNRESET`. A busy core makes that turn tens of
 * milliseconds long instead of a few microseconds — the reliability load test's failure.
 */
export const KEEP_ALIVE_MS = 65_000;

/** Applies the gateway's connection handling to the API server (see {@link KEEP_ALIVE_MS}). */
export function keepConnections(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Must exceed the keep-alive timeout, or a request arriving late on an idle connection is cut.
  server.headersTimeout = KEEP_ALIVE_MS + 5_000;
}

/** A Lambda context good enough for Powertools and middy. */
export function lambdaContext(functionName: string): Context {
  return {
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

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
