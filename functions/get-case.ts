import { buildDeps } from "../src/adapters/compose.js";
import { requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction } from "../src/adapters/lambda/handlers.js";
import { makeGetCase } from "../src/use-cases/get-case.js";

const getCase = makeGetCase(buildDeps());

/** `GET /v1/cases/{caseId}`: one case, reporter masked, with its timeline. */
export const handler = httpFunction(
  async (event) => json(200, await getCase(event.pathParameters?.caseId), { "cache-control": "no-store" }),
  requireOperator(),
);
