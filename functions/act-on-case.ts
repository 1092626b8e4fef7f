import { buildDeps } from "../src/adapters/compose.js";
import { bodyGuard, operatorOf, rawBody, requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { parseCaseAction } from "../src/adapters/http/requests.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { MAX_ACTION_BYTES } from "../src/schemas/operator.js";
import { makeActOnCase } from "../src/use-cases/act-on-case.js";

/**
 * `POST /v1/cases/{caseId}/actions`: an agent acknowledges, escalates, verifies, locks, unlocks,
 * resolves, closes, reopens, annotates, assigns or writes to the reporter of a case. The actor is
 * the authenticated agent; a name in the body's `agent` is recorded as `onBehalfOf`.
 */
export const createHandler = ({ actOnCase }: { actOnCase: ReturnType<typeof makeActOnCase> }) =>
  httpFunction(
    async (event) => {
      const body = parseCaseAction(rawBody(event));
      const view = await actOnCase({
        caseId: event.pathParameters?.caseId,
        action: body.action,
        operator: operatorOf(event),
        ...(body.agent ? { onBehalfOf: body.agent } : {}),
        ...(body.note ? { note: body.note } : {}),
        ...(body.deliveryId ? { deliveryId: body.deliveryId } : {}),
        ...(body.assignee !== undefined ? { assignee: body.assignee } : {}),
        ...(body.message !== undefined ? { message: body.message } : {}),
        ...(body.locale ? { locale: body.locale } : {}),
      });
      return json(200, view, { "cache-control": "no-store" });
    },
    requireOperator(),
    bodyGuard({ maxBytes: MAX_ACTION_BYTES, types: ["application/json"] }),
  );

export const handler = lazyHandler(() => createHandler({ actOnCase: makeActOnCase(buildDeps("act-on-case")) }));
