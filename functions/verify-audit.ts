import { type AnchorDeps, buildAnchorDeps } from "../src/adapters/anchor/compose.js";
import { assertSupervisor, requireOperator } from "../src/adapters/http/middleware.js";
import { json } from "../src/adapters/http/problem.js";
import { httpFunction, lazyHandler } from "../src/adapters/lambda/handlers.js";
import { makeVerifyAudit } from "../src/use-cases/verify-audit.js";

/**
 * `GET /v1/audit/verify`: every case checked against the signed anchors (per-case findings; `?all=true`
 * lists clean cases too). `GET /v1/audit/public-key`: the anchor key's public half (PEM), for third
 * parties who verify the anchors themselves.
 * The verification is for supervisors (403 otherwise); the public key is for any operator.
 */
export const createHandler = (deps: {
  verifyAudit: ReturnType<typeof makeVerifyAudit>;
  publicKey: AnchorDeps["publicKey"];
}) =>
  httpFunction(async (event) => {
    if (event.routeKey === "GET /v1/audit/public-key") {
      return {
        statusCode: 200,
        headers: { "content-type": "application/x-pem-file", "cache-control": "no-store" },
        body: await deps.publicKey.publicKeyPem(),
      };
    }
    assertSupervisor(event, "verifying the audit trail");
    const includeOk = event.queryStringParameters?.all === "true";
    return json(200, await deps.verifyAudit({ includeOk }), { "cache-control": "no-store" });
  }, requireOperator());

export const handler = lazyHandler(() => {
  const deps = buildAnchorDeps();
  return createHandler({ verifyAudit: makeVerifyAudit(deps), publicKey: deps.publicKey });
});
