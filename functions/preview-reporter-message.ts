import { buildDeps } from "../src/adapters/compose.js";
import { bodyGuard, rawBody, requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { MAX_ACTION_BYTES } from "../src/schemas/operator.js";
import { makePreviewReporterMessage, parseMessagePreview } from "../src/use-cases/preview-reporter-message.js";

/** `POST /v1/cases/{caseId}/messages/preview`: what `message_reporter` would send, sending nothing. */
export const createHandler = ({ preview }: { preview: ReturnType<typeof makePreviewReporterMessage> }) =>
  httpFunction(
    async (event) =>
      json(200, await preview(event.pathParameters?.caseId, parseMessagePreview(rawBody(event))), {
        "cache-control": "no-store",
      }),
    requireOperator(),
    bodyGuard({ maxBytes: MAX_ACTION_BYTES, types: ["application/json"] }),
  );

export const handler = lazyHandler(() =>
  createHandler({ preview: makePreviewReporterMessage(buildDeps("preview-reporter-message")) }),
);
