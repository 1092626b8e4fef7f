import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { problemJson } from "../http/middleware.js";
import type { HttpResponse } from "../http/problem.js";
import { securityHeaders } from "../http/security-headers.js";
import { scrubError } from "./scrub-error.js";

/** One logger per function; it never logs events (they carry contact details). */
export const logger = new Logger({ serviceName: "vigil" });

/** An HTTP function: observability first, then the route's middlewares, then problem+json for every error. */
export function httpFunction(
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>,
  ...middlewares: middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>[]
) {
  const base = middy<APIGatewayProxyEventV2, HttpResponse>(handler)
    .use(injectLambdaContext(logger))
    .use(problemJson(logger));
  return middlewares.reduce((chain, middleware) => chain.use(middleware), base);
}

/**
 * An HTTP function that serves HTML pages: as {@link httpFunction}, with the security headers
 * (CSP, nosniff, no framing, no referrer, no-store) on every answer, errors included.
 */
export function htmlFunction(
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>,
  ...middlewares: middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>[]
) {
  // Used before problemJson, so that its onError runs after the problem is made (middy: reverse order).
  const base = middy<APIGatewayProxyEventV2, HttpResponse>(handler)
    .use(injectLambdaContext(logger))
    .use(securityHeaders())
    .use(problemJson(logger));
  return middlewares.reduce((chain, middleware) => chain.use(middleware), base);
}

/**
 * A workflow task function: observability and input parsing only. Errors are not mapped: their
 * literal `name` reaches the ASL `Retry`/`Catch` (the names are part of the workflow contract).
 */
export function taskFunction<I, O>(parse: (event: unknown) => I, run: (input: I) => Promise<O>) {
  return middy<unknown, O>(async (event: unknown) => {
    try {
      return await run(parse(event));
    } catch (error) {
      // An SDK's message may carry contact data (SES names the recipient): only the scrubbed error
      // is logged and reaches Step Functions as the task's Error/Cause.
      const safe = scrubError(error);
      logger.warn("task failed", { error: { name: safe.name, message: safe.message } });
      throw safe;
    }
  }).use(injectLambdaContext(logger));
}

/**
 * The production handler of a function file: `createHandler(productionDeps())`, built on the first
 * invocation of the execution environment and kept for the next ones. Building on first use (not at
 * import) lets tests import a function's `createHandler` without an AWS environment; a `ConfigError`
 * from the build still fails the very first invocation, naming the variable, and every one after it.
 */
export function lazyHandler<E, R>(build: () => (event: E, context: Context) => Promise<R>) {
  let built: ((event: E, context: Context) => Promise<R>) | undefined;
  return async (event: E, context: Context): Promise<R> => {
    built ??= build();
    return built(event, context);
  };
}
