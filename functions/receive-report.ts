import { buildDeps } from "../src/adapters/compose.js";
import { bodyGuard, header, rawBody } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { MAX_REPORT_BYTES } from "../src/schemas/report.js";
import { makeReceiveReport } from "../src/use-cases/receive-report.js";

/** `POST /v1/reports`: a signed incident report from the wallet app backend. */
export const createHandler = ({ receiveReport }: { receiveReport: ReturnType<typeof makeReceiveReport> }) =>
  httpFunction(
    async (event) => {
      const result = await receiveReport({
        headers: {
          id: header(event, "webhook-id"),
          timestamp: header(event, "webhook-timestamp"),
          signature: header(event, "webhook-signature"),
        },
        rawBody: rawBody(event),
        sender: event.requestContext?.http?.sourceIp ?? "unknown",
      });
      return json(202, result);
    },
    bodyGuard({ maxBytes: MAX_REPORT_BYTES, types: ["application/json"] }),
  );

export const handler = lazyHandler(() =>
  createHandler({ receiveReport: makeReceiveReport(buildDeps("receive-report")) }),
);
