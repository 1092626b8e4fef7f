import { buildDeps } from "../src/adapters/compose.js";
import { requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { parseSlaStatsQuery } from "../src/adapters/http/requests.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { makeGetSlaStats } from "../src/use-cases/get-sla-stats.js";

/** `GET /v1/stats/sla?days=7|30`: SLA attainment per priority and clock for the cases opened in the window. */
export const createHandler = ({ getSlaStats }: { getSlaStats: ReturnType<typeof makeGetSlaStats> }) =>
  httpFunction(
    async (event) =>
      json(200, await getSlaStats(parseSlaStatsQuery(event.queryStringParameters)), { "cache-control": "no-store" }),
    requireOperator(),
  );

export const handler = lazyHandler(() => createHandler({ getSlaStats: makeGetSlaStats(buildDeps("get-sla-stats")) }));
