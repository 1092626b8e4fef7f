import { buildDeps } from "../src/adapters/compose.js";
import { bodyGuard, operatorOf, rawBody, recordedAgent, requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction } from "../src/adapters/lambda/handlers.js";
import { MAX_ACTION_BYTES } from "../src/schemas/operator.js";
import { makeActOnCase, parseCaseAction } from "../src/use-cases/act-on-case.js";

const actOnCase = makeActOnCase(buildDeps());

/**
 * `POST /v1/cases/{caseId}/actions`: an agent acknowledges, escalates, verifies, locks, unlocks,
 * resolves, closes, reopens or annotates a case.
 */
export const handler = httpFunction(
  async (event) => {
    const body = parseCaseAction(rawBody(event));
    const view = await actOnCase({
      caseId: event.pathParameters?.caseId,
      action: body.action,
      ...(body.note ? { note: body.note } : {}),
      ...(body.deliveryId ? { deliveryId: body.deliveryId } : {}),
      agent: recordedAgent(body.agent, operatorOf(event)),
    });
    return json(200, view, { "cache-control": "no-store" });
  },
  requireOperator(),
  bodyGuard({ maxBytes: MAX_ACTION_BYTES, types: ["application/json"] }),
);
