import { buildDeps } from "../src/adapters/compose.js";
import { operatorOf, requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { makeGetCase } from "../src/use-cases/get-case.js";

/** `GET /v1/cases/{caseId}`: one case, reporter masked, with its timeline and the caller's allowed actions. */
export const createHandler = ({ getCase }: { getCase: ReturnType<typeof makeGetCase> }) =>
  httpFunction(
    async (event) =>
      json(200, await getCase(event.pathParameters?.caseId, operatorOf(event)), { "cache-control": "no-store" }),
    requireOperator(),
  );

export const handler = lazyHandler(() => createHandler({ getCase: makeGetCase(buildDeps("get-case")) }));
