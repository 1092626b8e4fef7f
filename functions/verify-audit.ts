import { buildAnchorDeps } from "../src/adapters/anchor/compose.js";
import { requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction } from "../src/adapters/lambda/handlers.js";
import { makeVerifyAudit } from "../src/use-cases/verify-audit.js";

const deps = buildAnchorDeps();
const verifyAudit = makeVerifyAudit(deps);

/**
 * `GET /v1/audit/verify`: every case checked against the signed anchors (per-case findings; `?all=true`
 * lists clean cases too). `GET /v1/audit/public-key`: the anchor key's public half (PEM), for third
 * parties who verify the anchors themselves.
 *
 * TODO(operator-roles): restrict to the `supervisors` group once operator roles are merged
 * (`isSupervisor(operatorOf(event))`, 403 otherwise); until then any valid operator token.
 */
export const handler = httpFunction(async (event) => {
  if (event.routeKey === "GET /v1/audit/public-key") {
    return {
      statusCode: 200,
      headers: { "content-type": "application/x-pem-file", "cache-control": "no-store" },
      body: await deps.publicKey.publicKeyPem(),
    };
  }
  const includeOk = event.queryStringParameters?.all === "true";
  return json(200, await verifyAudit({ includeOk }), { "cache-control": "no-store" });
}, requireOperator());
