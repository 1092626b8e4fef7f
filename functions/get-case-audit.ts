import { buildDeps } from "../src/adapters/compose.js";
import { requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { makeGetCaseAudit } from "../src/use-cases/get-case-audit.js";

/** `GET /v1/cases/{caseId}/audit`: the hash-chained audit trail and whether it verifies. */
export const createHandler = ({ getCaseAudit }: { getCaseAudit: ReturnType<typeof makeGetCaseAudit> }) =>
  httpFunction(
    async (event) => json(200, await getCaseAudit(event.pathParameters?.caseId), { "cache-control": "no-store" }),
    requireOperator(),
  );

export const handler = lazyHandler(() =>
  createHandler({ getCaseAudit: makeGetCaseAudit(buildDeps("get-case-audit")) }),
);
