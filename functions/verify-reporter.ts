import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { buildDeps } from "../src/adapters/compose.js";
import type { HttpResponse } from "../src/adapters/http/problem.js";
import { withSecurityHeaders } from "../src/adapters/http/verify-page.js";
import { makeVerifyRoutes, verifyBodyGuard } from "../src/adapters/http/verify-routes.js";
import { httpFunction } from "../src/adapters/lambda/handlers.js";
import { NotFoundError } from "../src/errors/index.js";
import { parseWith } from "../src/schemas/parse.js";
import { VerifyPathSchema } from "../src/schemas/verify.js";
import { makeVerifyReporter } from "../src/use-cases/verify-reporter.js";

const routes = makeVerifyRoutes(makeVerifyReporter(buildDeps()));

const routed = httpFunction(async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new NotFoundError("no such route");
  // The token is a credential: it is parsed here and never logged (API Gateway logs the route key).
  const { token } = parseWith(VerifyPathSchema, event.pathParameters ?? {});
  return route(event, token);
}, verifyBodyGuard);

/**
 * `GET /v1/verify/{token}` (the confirmation page; changes nothing), `POST /v1/verify/{token}` (form
 * or JSON: confirm or deny; HTML result page, or JSON with `Accept: application/json`) and
 * `POST /v1/verify/{token}/resend` (a new SMS code). Every answer, errors included, carries the
 * no-store / no-referrer / no-frame / strict-CSP headers.
 */
export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> =>
  withSecurityHeaders(await routed(event, context));
