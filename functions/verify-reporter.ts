import type middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { buildDeps } from "../src/adapters/compose.js";
import { bodyGuard, header, rawBody } from "../src/adapters/http/middleware.js";
import { type HttpResponse, json } from "../src/adapters/http/problem.js";
import {
  noticeFor,
  renderOutcome,
  renderResendAccepted,
  renderResendLimited,
  renderView,
  withSecurityHeaders,
} from "../src/adapters/http/verify-page.js";
import { httpFunction } from "../src/adapters/lambda/handlers.js";
import { NotFoundError, RateLimitedError } from "../src/errors/index.js";
import {
  MAX_VERIFY_BODY_BYTES,
  ResendResultSchema,
  VERIFY_CONTENT_TYPES,
  VerifyPathSchema,
  VerifyResultSchema,
  VerifySubmissionSchema,
} from "../src/schemas/verify.js";
import { parseJson, parseWith } from "../src/use-cases/parse.js";
import { makeVerifyReporter } from "../src/use-cases/verify-reporter.js";

const verify = makeVerifyReporter(buildDeps());

type Route = (event: APIGatewayProxyEventV2, token: string) => Promise<HttpResponse>;

/** JSON for API clients that ask for it; everyone else (a browser) gets the HTML pages. */
const wantsJson = (event: APIGatewayProxyEventV2) => /\bapplication\/json\b/i.test(header(event, "accept") ?? "");

/** The decision and code, from the page's form or a JSON body. */
function submission(event: APIGatewayProxyEventV2) {
  const body = rawBody(event);
  const form = (header(event, "content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
  return parseWith(VerifySubmissionSchema, form ? Object.fromEntries(new URLSearchParams(body)) : parseJson(body));
}

const ROUTES: Record<string, Route> = {
  "GET /v1/verify/{token}": async (_event, token) => renderView(await verify.view(token), token),

  "POST /v1/verify/{token}": async (event, token) => {
    const outcome = await verify.submit(token, submission(event));
    if (wantsJson(event)) return json(200, VerifyResultSchema.parse(outcome));
    const notice = noticeFor(outcome);
    if (!notice) return renderOutcome(outcome);
    // Back to the form with what went wrong; a link that cannot act gets the generic page instead.
    return renderView(await verify.view(token), token, notice);
  },

  "POST /v1/verify/{token}/resend": async (event, token) => {
    try {
      const result = await verify.resend(token);
      return wantsJson(event)
        ? json(202, ResendResultSchema.parse(result))
        : renderResendAccepted(result.locale, token);
    } catch (error) {
      if (wantsJson(event) || !(error instanceof RateLimitedError)) throw error;
      return renderResendLimited((await verify.view(token)).locale, error.retryAfterSeconds, token);
    }
  },
};

const sizeOnly = bodyGuard({ maxBytes: MAX_VERIFY_BODY_BYTES });
const sizeAndType = bodyGuard({ maxBytes: MAX_VERIFY_BODY_BYTES, types: VERIFY_CONTENT_TYPES });

/** Body ≤ 4 KiB everywhere (413); POSTs must be a form or JSON (415). A GET has no content type. */
const guard: middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> = {
  before: async (request) => {
    const chosen = request.event.routeKey?.startsWith("POST ") ? sizeAndType : sizeOnly;
    await chosen.before?.(request);
  },
};

const routed = httpFunction(async (event) => {
  const route = ROUTES[event.routeKey];
  if (!route) throw new NotFoundError("no such route");
  // The token is a credential: it is parsed here and never logged (API Gateway logs the route key).
  const { token } = parseWith(VerifyPathSchema, event.pathParameters ?? {});
  return route(event, token);
}, guard);

/**
 * `GET /v1/verify/{token}` (the confirmation page; changes nothing), `POST /v1/verify/{token}` (form
 * or JSON: confirm or deny; HTML result page, or JSON with `Accept: application/json`) and
 * `POST /v1/verify/{token}/resend` (a new SMS code). Every answer, errors included, carries the
 * no-store / no-referrer / no-frame / strict-CSP headers.
 */
export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> =>
  withSecurityHeaders(await routed(event, context));
