import { buildDeps } from "../src/adapters/compose.js";
import { requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { parseListCasesQuery } from "../src/adapters/http/requests.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { makeListCases } from "../src/use-cases/list-cases.js";

/** `GET /v1/cases?status=open&priority=P1&limit=50`: the operator queue, nearest SLA due first. */
export const createHandler = ({ listCases }: { listCases: ReturnType<typeof makeListCases> }) =>
  httpFunction(
    async (event) =>
      json(200, await listCases(parseListCasesQuery(event.queryStringParameters)), { "cache-control": "no-store" }),
    requireOperator(),
  );

export const handler = lazyHandler(() => createHandler({ listCases: makeListCases(buildDeps("list-cases")) }));
