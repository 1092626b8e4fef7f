import { buildAnchorDeps } from "../src/adapters/anchor/compose.js";
import { operatorOf, requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction } from "../src/adapters/lambda/handlers.js";
import { isSupervisor } from "../src/domain/operator.js";
import { ForbiddenError } from "../src/errors/index.js";
import { makeVerifyAudit } from "../src/use-cases/verify-audit.js";

const deps = buildAnchorDeps();
const verifyAudit = makeVerifyAudit(deps);

/**
 * `GET /v1/audit/verify`: every case checked against the signed anchors (per-case findings; `?all=true`
 * lists clean cases too). `GET /v1/audit/public-key`: the anchor key's public half (PEM), for third
 * parties who verify the anchors themselves.
 * The verification is for supervisors (403 otherwise); the public key is for any operator.
 */
export const handler = httpFunction(async (event) => {
  if (event.routeKey === "GET /v1/audit/public-key") {
    return {
      statusCode: 200,
      headers: { "content-type": "application/x-pem-file", "cache-control": "no-store" },
      body: await deps.publicKey.publicKeyPem(),
    };
  }
  if (!isSupervisor(operatorOf(event))) {
    throw new ForbiddenError(
      "verifying the audit trail needs a member of the supervisors group",
      "supervisor_required",
    );
  }
  const includeOk = event.queryStringParameters?.all === "true";
  return json(200, await verifyAudit({ includeOk }), { "cache-control": "no-store" });
}, requireOperator());
