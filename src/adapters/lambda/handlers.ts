import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { AppError } from "../../errors/index.js";
import { problemJson } from "../http/middleware.js";
import type { HttpResponse } from "../http/problem.js";

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
 * A workflow task function: observability and input parsing only. Errors are not mapped: their
 * literal `name` reaches the ASL `Retry`/`Catch` (the names are part of the workflow contract).
 */
export function taskFunction<I, O>(parse: (event: unknown) => I, run: (input: I) => Promise<O>) {
  return middy<unknown, O>(async (event: unknown) => {
    try {
      return await run(parse(event));
    } catch (error) {
      // Our own errors carry no contact data in their messages; an SDK's may (SES names the recipient).
      const known = error instanceof AppError;
      logger.warn("task failed", {
        error: { name: (error as Error)?.name, ...(known ? { message: (error as Error).message } : {}) },
      });
      throw error;
    }
  }).use(injectLambdaContext(logger));
}
