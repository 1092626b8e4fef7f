import type middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { negotiateLocale } from "../../domain/messages/index.js";
import { RateLimitedError } from "../../errors/index.js";
import { parseJson, parseWith } from "../../schemas/parse.js";
import {
  MAX_VERIFY_BODY_BYTES,
  ResendResultSchema,
  VERIFY_CONTENT_TYPES,
  type VerifyReporter,
  VerifyResultSchema,
  VerifySubmissionSchema,
} from "../../schemas/verify.js";
import { bodyGuard, header, rawBody } from "./middleware.js";
import { type HttpResponse, json } from "./problem.js";
import {
  noticeFor,
  type PageSite,
  renderOutcome,
  renderResendAccepted,
  renderResendLimited,
  renderView,
} from "./verify-page.js";

export type Route = (event: APIGatewayProxyEventV2, token: string) => Promise<HttpResponse>;

/** JSON for API clients that ask for it; everyone else (a browser) gets the HTML pages. */
const wantsJson = (event: APIGatewayProxyEventV2) => /\bapplication\/json\b/i.test(header(event, "accept") ?? "");

/** The decision and code, from the page's form or a JSON body. */
function submission(event: APIGatewayProxyEventV2) {
  const body = rawBody(event);
  const form = (header(event, "content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
  return parseWith(VerifySubmissionSchema, form ? Object.fromEntries(new URLSearchParams(body)) : parseJson(body));
}

/** The language of a page that cannot show a case: the request's own (`Accept-Language`), never the case's. */
const requestLocale = (event: APIGatewayProxyEventV2) => negotiateLocale(header(event, "accept-language"));

/**
 * The reporter endpoints as HTTP: route by the API Gateway route key, read a form or JSON body,
 * answer HTML pages to browsers and JSON to API clients (`Accept: application/json`).
 */
export function makeVerifyRoutes(verify: VerifyReporter, site: PageSite): Record<string, Route> {
  return {
    "GET /v1/verify/{token}": async (event, token) =>
      renderView(await verify.view(token), token, site, requestLocale(event)),

    "POST /v1/verify/{token}": async (event, token) => {
      const outcome = await verify.submit(token, submission(event));
      if (wantsJson(event)) return json(200, VerifyResultSchema.parse(outcome));
      const notice = noticeFor(outcome);
      if (!notice) return renderOutcome(outcome, site, requestLocale(event));
      // Back to the form with what went wrong; a link that cannot act gets the generic page instead.
      return renderView(await verify.view(token), token, site, requestLocale(event), notice);
    },

    "POST /v1/verify/{token}/resend": async (event, token) => {
      try {
        const result = await verify.resend(token);
        return wantsJson(event)
          ? json(202, ResendResultSchema.parse(result))
          : // In the request's language: the page is the same whether the link is valid or not.
            renderResendAccepted(requestLocale(event), token, site);
      } catch (error) {
        if (wantsJson(event) || !(error instanceof RateLimitedError)) throw error;
        return renderResendLimited(requestLocale(event), error.retryAfterSeconds, token, site);
      }
    },
  };
}

const sizeOnly = bodyGuard({ maxBytes: MAX_VERIFY_BODY_BYTES });
const sizeAndType = bodyGuard({ maxBytes: MAX_VERIFY_BODY_BYTES, types: VERIFY_CONTENT_TYPES });

/** Body ≤ 4 KiB everywhere (413); POSTs must be a form or JSON (415). A GET has no content type. */
export const verifyBodyGuard: middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> = {
  before: async (request) => {
    const chosen = request.event.routeKey?.startsWith("POST ") ? sizeAndType : sizeOnly;
    await chosen.before?.(request);
  },
};
