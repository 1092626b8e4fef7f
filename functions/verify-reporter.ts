import { buildDeps } from "../src/adapters/compose.js";
import type { PageSite } from "../src/adapters/http/verify-page.js";
import { makeVerifyRoutes, verifyBodyGuard } from "../src/adapters/http/verify-routes.js";
import { htmlFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { DEFAULT_BRAND_NAME } from "../src/config/index.js";
import { NotFoundError } from "../src/errors/index.js";
import { parseWith } from "../src/schemas/parse.js";
import { VerifyPathSchema } from "../src/schemas/verify.js";
import { makeVerifyReporter } from "../src/use-cases/verify-reporter.js";

/**
 * `GET /v1/verify/{token}` (the confirmation page; changes nothing), `POST /v1/verify/{token}` (form
 * or JSON: confirm or deny; HTML result page, or JSON with `Accept: application/json`) and
 * `POST /v1/verify/{token}/resend` (a new SMS code). Every answer, errors included, carries the
 * no-store / no-referrer / no-frame / nosniff / strict-CSP headers (`htmlFunction`).
 */
export const createHandler = (deps: { verifyReporter: ReturnType<typeof makeVerifyReporter>; site: PageSite }) => {
  const routes = makeVerifyRoutes(deps.verifyReporter, deps.site);
  return htmlFunction(async (event) => {
    const route = routes[event.routeKey];
    if (!route) throw new NotFoundError("no such route");
    // The token is a credential: it is parsed here and never logged (API Gateway logs the route key).
    const { token } = parseWith(VerifyPathSchema, event.pathParameters ?? {});
    return route(event, token);
  }, verifyBodyGuard);
};

export const handler = lazyHandler(() => {
  const deps = buildDeps("verify-reporter");
  const { brandName, supportUrl, helpBaseUrl } = deps.config;
  return createHandler({
    verifyReporter: makeVerifyReporter(deps),
    site: { brand: brandName ?? DEFAULT_BRAND_NAME, supportUrl: supportUrl ?? helpBaseUrl },
  });
});
