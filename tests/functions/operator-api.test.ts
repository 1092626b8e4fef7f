import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { createHandler as createActOnCase } from "../../functions/act-on-case.js";
import { createHandler as createGetCase } from "../../functions/get-case.js";
import { createHandler as createGetCaseAudit } from "../../functions/get-case-audit.js";
import { createHandler as createListCases } from "../../functions/list-cases.js";
import type { HttpResponse } from "../../src/adapters/http/problem.js";
import { openCase } from "../../src/domain/case.js";
import type { Case } from "../../src/schemas/case.js";
import { makeActOnCase } from "../../src/use-cases/act-on-case.js";
import { makeCreateCase } from "../../src/use-cases/case-mutation.js";
import { makeAwaitResolution } from "../../src/use-cases/case-steps.js";
import { makeGetCase } from "../../src/use-cases/get-case.js";
import { makeGetCaseAudit } from "../../src/use-cases/get-case-audit.js";
import { makeListCases } from "../../src/use-cases/list-cases.js";
import { makeTestDeps } from "../fixtures/deps.js";
import { fakeContext, httpEvent } from "../helpers/lambda.js";

// Each function built from its use case over in-memory fakes.
const deps = makeTestDeps();
const actOnCase = createActOnCase({ actOnCase: makeActOnCase(deps) });
const getCase = createGetCase({ getCase: makeGetCase(deps) });
const getCaseAudit = createGetCaseAudit({ getCaseAudit: makeGetCaseAudit(deps) });
const listCases = createListCases({ listCases: makeListCases(deps) });
const context = fakeContext({ functionName: "operator-api-test" });
const CLAIMS = { sub: "0b1c-agent", "cognito:username": "ana.agent", "cognito:groups": "[agents supervisors]" };

function request(
  routeKey: string,
  options: {
    caseId?: string;
    query?: Record<string, string>;
    body?: unknown;
    claims?: Record<string, string> | null;
    contentType?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const claims = options.claims === undefined ? CLAIMS : options.claims;
  return httpEvent({
    route: routeKey,
    ...(options.caseId !== undefined ? { pathParameters: { caseId: options.caseId } } : {}),
    ...(options.query ? { query: options.query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.body !== undefined ? { headers: { "content-type": options.contentType ?? "application/json" } } : {}),
    ...(claims ? { claims } : {}),
  });
}

async function call(
  fn: (event: APIGatewayProxyEventV2, ctx: Context) => Promise<HttpResponse>,
  event: APIGatewayProxyEventV2,
) {
  const response = await fn(event, context);
  return { ...response, json: JSON.parse(response.body ?? "null") as Record<string, unknown> };
}

let seeded = 0;
async function seedCase(incidentType: Case["incidentType"] = "unauthorized_access"): Promise<Case> {
  seeded += 1;
  const item = openCase({
    caseId: deps.ids.caseId(),
    webhookId: `msg_${seeded}`,
    report: {
      accountId: `acct_fn_${seeded}`,
      incidentType,
      reporter: { email: "ana@example.com", phone: "+14155550100", locale: "en" },
    },
    now: deps.clock.now(),
    policy: deps.config.policy,
  });
  await deps.accounts.claim(item.accountId, item.caseId);
  return makeCreateCase(deps)(item, [{ type: "case.opened", actor: "wallet-app" }]);
}

beforeEach(() => {
  deps.cases.items.clear();
  deps.cases.audit.clear();
  deps.accounts.open.clear();
  deps.workflow.responses.length = 0;
});

describe("operator functions", () => {
  it.each([
    ["GET /v1/cases", listCases, {}],
    ["GET /v1/cases/{caseId}", getCase, { caseId: "c_x" }],
    ["GET /v1/cases/{caseId}/audit", getCaseAudit, { caseId: "c_x" }],
    ["POST /v1/cases/{caseId}/actions", actOnCase, { caseId: "c_x", body: { action: "note", note: "x" } }],
  ] as const)("answers %s without token claims with a 401 problem", async (routeKey, fn, options) => {
    // Prepare
    const event = request(routeKey, { ...options, claims: null });

    // Act
    const response = await call(fn, event);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    expect(response.json).toMatchObject({ status: 401, title: "Unauthorized" });
  });

  it.each([
    ["GET /v1/cases/{caseId}", getCase],
    ["GET /v1/cases/{caseId}/audit", getCaseAudit],
  ] as const)("answers %s for an unknown case with a 404 problem", async (routeKey, fn) => {
    // Prepare
    const event = request(routeKey, { caseId: "c_nothere" });

    // Act
    const response = await call(fn, event);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.json).toMatchObject({ status: 404, type: "https://vigil.dev/problems/not-found" });
  });
});

describe("GET /v1/cases", () => {
  it("lists the queue with its SLA clocks", async () => {
    // Prepare
    const p2 = await seedCase("unauthorized_access");
    const p1 = await seedCase("key_compromise");

    // Act
    const response = await call(listCases, request("GET /v1/cases", { query: { status: "open", limit: "10" } }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.["cache-control"]).toBe("no-store");
    const cases = response.json.cases as Array<Record<string, unknown>>;
    expect(cases.map((item) => item.caseId)).toEqual([p1.caseId, p2.caseId]);
    expect(cases[0]).toMatchObject({
      priority: "P1",
      status: "open",
      lock: { state: "none" },
      sla: { containment: { breachedAt: null } },
    });
  });

  it("answers an invalid query with a 400 problem listing the errors", async () => {
    // Prepare
    const event = request("GET /v1/cases", { query: { status: "everything", limit: "500" } });

    // Act
    const response = await call(listCases, event);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.json.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/status/0" }),
        expect.objectContaining({ path: "/limit" }),
      ]),
    );
  });
});

describe("GET /v1/cases/{caseId}", () => {
  it("returns the masked case with its timeline", async () => {
    // Prepare
    const item = await seedCase("sim_swap");

    // Act
    const response = await call(getCase, request("GET /v1/cases/{caseId}", { caseId: item.caseId }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      caseId: item.caseId,
      reporter: { email: "a***@example.com", phone: "+1415*****00" },
      channels: { email: true, sms: false },
      verification: { email: "pending", sms: "not_used", identity: "pending", denied: false },
      timeline: [{ type: "case.opened", actor: "wallet-app" }],
    });
  });
});

describe("GET /v1/cases/{caseId}/audit", () => {
  it("returns the events and whether the chain verifies", async () => {
    // Prepare
    const item = await seedCase();

    // Act
    const response = await call(getCaseAudit, request("GET /v1/cases/{caseId}/audit", { caseId: item.caseId }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ chainValid: true, events: [{ seq: 1, type: "case.opened" }] });
  });
});

describe("POST /v1/cases/{caseId}/actions", () => {
  it("acts as the token's agent when the body names none and returns the updated case", async () => {
    // Prepare
    const item = await seedCase();

    // Act
    const response = await call(
      actOnCase,
      request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body: { action: "acknowledge" } }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ caseId: item.caseId, acknowledgedBy: "ana.agent" });
  });

  it("records the authenticated agent as the actor and the name the body claims as onBehalfOf", async () => {
    // Prepare
    const item = await seedCase();
    const body = { action: "note", note: "called the reporter", agent: "bob" };

    // Act
    const response = await call(actOnCase, request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect((response.json.timeline as Array<Record<string, unknown>>).at(-1)).toMatchObject({
      type: "case.note",
      actor: "ana.agent",
      onBehalfOf: "bob",
      detail: { note: "called the reporter", onBehalfOf: "bob" },
    });
  });

  it.each([
    ["a right-to-left override", "bob\u202Eeci"],
    ["a zero-width space", "b\u200Bob"],
    ["a bidi isolate", "\u2066bob\u2069"],
    ["a control character", "bob\u0007"],
  ])("refuses a claimed name with %s with a 400 problem naming /agent", async (_label, agent) => {
    // Prepare
    const item = await seedCase();
    const body = { action: "note", note: "called", agent };

    // Act
    const response = await call(actOnCase, request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    expect(response.json.errors).toEqual([expect.objectContaining({ path: "/agent" })]);
  });

  it("answers an operator in neither group with a 403 problem", async () => {
    // Prepare
    const item = await seedCase();
    const claims = { sub: "x", username: "eve", "cognito:groups": "[readonly]" };

    // Act
    const response = await call(getCase, request("GET /v1/cases/{caseId}", { caseId: item.caseId, claims }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.json).toMatchObject({ status: 403, title: "Forbidden", reason: "no_operator_group" });
  });

  it("refuses an unlock by an agent who is not a supervisor with a 403 and the reason", async () => {
    // Prepare
    const item = await seedCase("sim_swap");
    const claims = { sub: "x", username: "ana.agent", "cognito:groups": "[agents]" };
    const body = { action: "unlock" };

    // Act
    const response = await call(
      actOnCase,
      request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body, claims }),
    );

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.json).toMatchObject({ reason: "supervisor_required" });
    expect(String(response.json.detail)).toContain("supervisors");
  });

  it("resumes the waiting workflow on resolve", async () => {
    // Prepare
    const item = await seedCase();
    await makeAwaitResolution(deps)({ caseId: item.caseId, generation: 1, taskToken: "tok-fn" });

    // Act
    const response = await call(
      actOnCase,
      request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body: { action: "resolve" } }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ status: "resolved", workflow: { waitingOn: null } });
    expect(deps.workflow.responses).toEqual([{ token: "tok-fn", outcome: "success", output: { outcome: "resolved" } }]);
  });

  it.each([
    ["invalid JSON", "{not json"],
    ["an unknown action", { action: "delete" }],
    ["a note action without a note", { action: "note" }],
  ])("answers %s with a 400 problem", async (_label, body) => {
    // Prepare
    const item = await seedCase();

    // Act
    const response = await call(actOnCase, request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    expect(Array.isArray(response.json.errors)).toBe(true);
  });

  it("answers a body that is not JSON with a 415 problem", async () => {
    // Prepare
    const item = await seedCase();
    const event = request("POST /v1/cases/{caseId}/actions", {
      caseId: item.caseId,
      body: "action=note",
      contentType: "text/plain",
    });

    // Act
    const response = await call(actOnCase, event);

    // Assess
    expect(response.statusCode).toBe(415);
  });

  it("answers an unknown case with a 404 problem", async () => {
    // Prepare
    const event = request("POST /v1/cases/{caseId}/actions", { caseId: "c_nothere", body: { action: "acknowledge" } });

    // Act
    const response = await call(actOnCase, event);

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it("answers an action the state does not allow with a 409 problem and its reason", async () => {
    // Prepare
    const item = await seedCase("phishing");

    // Act
    const response = await call(
      actOnCase,
      request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body: { action: "unlock" } }),
    );

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.json).toMatchObject({
      status: 409,
      reason: "not_locked",
      type: "https://vigil.dev/problems/action-not-allowed",
    });
  });

  it("answers an unlock during the cool-down with a 409 and Retry-After", async () => {
    // Prepare
    const item = await seedCase("unauthorized_access");
    const entry = deps.cases.items.get(item.caseId);
    if (entry)
      entry.case.lock = { ...entry.case.lock, state: "applied", requestedAt: new Date(deps.clock.now()).toISOString() };

    // Act
    const response = await call(
      actOnCase,
      request("POST /v1/cases/{caseId}/actions", { caseId: item.caseId, body: { action: "unlock" } }),
    );

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.json.reason).toBe("cooldown");
    expect(response.headers?.["retry-after"]).toBe("3600");
  });
});
