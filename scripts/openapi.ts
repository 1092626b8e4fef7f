/**
 * Generates `docs/openapi.json`, the OpenAPI 3.1 description of Vigil's HTTP API, from the zod schemas that
 * the handlers parse requests with (src/schemas/report.ts, operator.ts, verify.ts) and that describe their
 * answers (src/schemas/api.ts). `npm run openapi` writes it; `tests/unit/contract/openapi.test.ts` fails when the
 * committed file differs from what this builds, and the integration tests validate real answers against it.
 *
 *   npm run openapi            # write docs/openapi.json
 *   npm run openapi -- --check # exit 1 when docs/openapi.json is stale
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as z from "zod";
import {
  CaseAuditSchema,
  CaseListSchema,
  CaseViewSchema,
  MessagePreviewSchema,
  ProblemSchema,
  ReportAcceptedSchema,
  SlaStatsSchema,
} from "../src/schemas/api.js";
import * as operatorSchemas from "../src/schemas/operator.js";
import { MAX_ACTION_BYTES } from "../src/schemas/operator.js";
import { MAX_REPORT_BYTES, ReportWebhookSchema } from "../src/schemas/report.js";
import {
  MAX_VERIFY_BODY_BYTES,
  ResendResultSchema,
  VerifyResultSchema,
  VerifySubmissionSchema,
} from "../src/schemas/verify.js";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const OPENAPI_PATH = join(ROOT, "docs", "openapi.json");
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * Contract additions of v1.1 (docs/product.md "Working a case") that a request schema may not declare yet. Each is
 * added only where the schema lacks it: once the schema declares the field, the schema's own definition wins and
 * the entry here is dead (delete it then).
 */
const V11_ACTIONS = ["assign", "message_reporter", "clear_denial"];
const V11_ACTION_FIELDS: Record<string, JsonSchema> = {
  assignee: {
    anyOf: [{ type: "string", minLength: 1, maxLength: 128 }, { type: "null" }],
    description: "For `assign`: who works the case; `null` releases it.",
  },
  message: {
    type: "string",
    minLength: 1,
    maxLength: 2000,
    description: "For `message_reporter`: the agent's words, sent in the branded template.",
  },
  locale: { type: "string", description: "For `message_reporter`: the template's language (default: the reporter's)." },
};
const V11_QUERY_FIELDS: Record<string, JsonSchema> = {
  q: { type: "string", minLength: 1, maxLength: 320 },
};

/** The JSON Schema of a request schema (what a client sends: zod's input side). */
function input(schema: z.ZodType): JsonSchema {
  return strip(z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as JsonSchema);
}

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function withFields(schema: JsonSchema, fields: Record<string, JsonSchema>): JsonSchema {
  const properties = { ...schema.properties };
  for (const [name, field] of Object.entries(fields)) properties[name] ??= field;
  return { ...schema, properties };
}

/** A schema the operator module may export (v1.1), else the contract's description of it. */
function optionalSchema(name: string, fallback: JsonSchema): JsonSchema {
  const schema = (operatorSchemas as Record<string, unknown>)[name];
  return schema instanceof z.ZodType ? input(schema) : fallback;
}

function queryParameters(schema: JsonSchema, descriptions: Record<string, string>): unknown[] {
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: schema.required?.includes(name) ?? false,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: property,
  }));
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
});
const retryAfter = {
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 1 } },
};
const jsonBody = (schema: unknown, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const html = (description: string) => ({ description, content: { "text/html": { schema: { type: "string" } } } });
const caseIdParam = {
  name: "caseId",
  in: "path",
  required: true,
  description: "`c_` followed by a ULID. Anything else is answered 404 without a read.",
  schema: { type: "string", pattern: "^c_[A-Za-z0-9_-]{1,80}$" },
};
const tokenParam = {
  name: "token",
  in: "path",
  required: true,
  description: "The opaque link token from the email (≥ 128 bits). Unknown, used and expired tokens answer alike.",
  schema: { type: "string", minLength: 1, maxLength: 512 },
};
const operatorErrors = {
  "401": problem("No valid operator bearer token."),
};

/** The document, built from the schemas. Deterministic: the same schemas give the same bytes. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const responses = z.registry<{ id: string }>();
  responses.add(ProblemSchema, { id: "Problem" });
  responses.add(ReportAcceptedSchema, { id: "ReportAccepted" });
  responses.add(CaseListSchema, { id: "CaseList" });
  responses.add(CaseViewSchema, { id: "CaseView" });
  responses.add(CaseAuditSchema, { id: "CaseAudit" });
  responses.add(VerifyResultSchema, { id: "VerifyResult" });
  responses.add(ResendResultSchema, { id: "ResendResult" });
  responses.add(SlaStatsSchema, { id: "SlaStats" });
  responses.add(MessagePreviewSchema, { id: "MessagePreview" });
  const generated = z.toJSONSchema(responses, {
    target: "draft-2020-12",
    io: "output",
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas as Record<string, JsonSchema>;
  const schemas: Record<string, JsonSchema> = Object.fromEntries(
    Object.entries(generated).map(([id, schema]) => [id, strip(schema)]),
  );

  const action = withFields(input(operatorSchemas.CaseActionBodySchema), V11_ACTION_FIELDS);
  const actionName = action.properties?.action as JsonSchema & { enum: string[] };
  action.properties = {
    ...action.properties,
    action: { ...actionName, enum: [...new Set([...actionName.enum, ...V11_ACTIONS])] },
  };
  schemas.ReportWebhook = input(ReportWebhookSchema);
  schemas.CaseAction = {
    ...action,
    description:
      "`note` needs `note`, `replay_delivery` needs `deliveryId`, `assign` needs `assignee`, " +
      "`message_reporter` needs `message`. `agent` names someone the authenticated agent acts for.",
  };
  schemas.VerifySubmission = input(VerifySubmissionSchema);
  schemas.MessagePreviewRequest = optionalSchema("MessagePreviewBodySchema", {
    type: "object",
    properties: { message: V11_ACTION_FIELDS.message as JsonSchema, locale: V11_ACTION_FIELDS.locale as JsonSchema },
    required: ["message"],
    additionalProperties: false,
  });

  const listQuery = withFields(input(operatorSchemas.ListCasesQuerySchema), V11_QUERY_FIELDS);
  const statsQuery = optionalSchema("SlaStatsQuerySchema", {
    type: "object",
    properties: { days: { type: "string", enum: ["7", "30"] } },
    additionalProperties: false,
  });

  const operator = [{ operatorBearer: [] }];
  const paths = {
    "/v1/reports": {
      post: {
        operationId: "receiveReport",
        summary: "A signed incident report from the wallet app backend (Standard Webhooks 1.0)",
        tags: ["intake"],
        security: [{ webhookSignature: [] }],
        parameters: [
          { name: "webhook-id", in: "header", required: true, schema: { type: "string" } },
          {
            name: "webhook-timestamp",
            in: "header",
            required: true,
            description: "Unix seconds; accepted within ±300 s of the server's clock.",
            schema: { type: "string", pattern: "^\\d+$" },
          },
          {
            name: "webhook-signature",
            in: "header",
            required: true,
            description: "Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`.",
            schema: { type: "string" },
          },
        ],
        requestBody: {
          required: true,
          description: `At most ${MAX_REPORT_BYTES} bytes.`,
          content: { "application/json": { schema: ref("ReportWebhook") } },
        },
        responses: {
          "202": jsonBody(ref("ReportAccepted"), "A case was opened, or the report joined the account's open case."),
          "400": problem("Invalid JSON or schema: `errors` lists each field."),
          "401": problem("Missing or invalid signature, or the timestamp is outside ±300 s."),
          "409": problem("The same `webhook-id` was seen with another body."),
          "413": problem(`The body is larger than ${MAX_REPORT_BYTES} bytes.`),
          "415": problem("The body is not `application/json`."),
          "429": { ...problem("Too many reports from this sender or for this account."), headers: retryAfter },
        },
      },
    },
    "/v1/verify/{token}": {
      parameters: [tokenParam],
      get: {
        operationId: "showVerification",
        summary: "The confirmation page reached from the email link. Changes nothing (mail scanners pre-fetch links).",
        tags: ["reporter"],
        security: [],
        responses: { "200": html("The page: what is being confirmed, a field for the SMS code when needed.") },
      },
      post: {
        operationId: "submitVerification",
        summary: "Confirm (with the SMS code when the case needs it) or answer “this wasn't me”",
        tags: ["reporter"],
        security: [],
        requestBody: {
          required: true,
          description: `The page's form or JSON, at most ${MAX_VERIFY_BODY_BYTES} bytes.`,
          content: {
            "application/x-www-form-urlencoded": { schema: ref("VerifySubmission") },
            "application/json": { schema: ref("VerifySubmission") },
          },
        },
        responses: {
          "200": {
            description: "The result: an HTML page, or JSON with `Accept: application/json`.",
            content: {
              "text/html": { schema: { type: "string" } },
              "application/json": { schema: ref("VerifyResult") },
            },
          },
          "400": problem("Invalid JSON or no valid `decision`."),
          "413": problem(`The body is larger than ${MAX_VERIFY_BODY_BYTES} bytes.`),
          "415": problem("Neither a form nor JSON."),
        },
      },
    },
    "/v1/verify/{token}/resend": {
      parameters: [tokenParam],
      post: {
        operationId: "resendCode",
        summary: "Send a new SMS code (3 sends per destination per 10 min; a resend makes a new code)",
        tags: ["reporter"],
        security: [],
        responses: {
          "202": {
            description:
              "The same answer whether or not a code was sent (unknown link, no SMS on the case): HTML, or JSON.",
            content: {
              "text/html": { schema: { type: "string" } },
              "application/json": { schema: ref("ResendResult") },
            },
          },
          "413": problem(`The body is larger than ${MAX_VERIFY_BODY_BYTES} bytes.`),
          "415": problem("A POST must be a form or JSON (the body may be empty)."),
          "429": { ...problem("Over the send limit (JSON clients; browsers get a page)."), headers: retryAfter },
        },
      },
    },
    "/v1/cases": {
      get: {
        operationId: "listCases",
        summary: "The operator queue, nearest SLA due first; with `q`, a search by exact case id, account id or email",
        tags: ["operator"],
        security: operator,
        parameters: queryParameters(listQuery, {
          status: "One status or a comma-separated list (default: every non-final status).",
          limit: "1–100, default 50.",
          cursor:
            "The `nextCursor` of the previous page, as given: the queue continues after it in the same order. Only with " +
            "the same `status` and `priority` as that page, never with `q`; an altered cursor or one given for other " +
            "filters is a 400.",
          q: "v1.1: an exact case id, account id or reporter email (matched through a keyed hash).",
        }),
        responses: {
          "200": jsonBody(
            ref("CaseList"),
            "The cases, as queue entries (no contact data); `nextCursor` when more of the queue follows.",
          ),
          "400": problem("A bad value or an unknown parameter."),
          ...operatorErrors,
        },
      },
    },
    "/v1/cases/{caseId}": {
      parameters: [caseIdParam],
      get: {
        operationId: "getCase",
        summary: "A case: reporter (masked), lock, verification, SLA clocks, timeline",
        tags: ["operator"],
        security: operator,
        responses: {
          "200": jsonBody(ref("CaseView"), "The case."),
          ...operatorErrors,
          "404": problem("No such case."),
        },
      },
    },
    "/v1/cases/{caseId}/actions": {
      parameters: [caseIdParam],
      post: {
        operationId: "actOnCase",
        summary: "An agent acts on a case",
        tags: ["operator"],
        security: operator,
        requestBody: {
          required: true,
          description: `At most ${MAX_ACTION_BYTES} bytes.`,
          content: { "application/json": { schema: ref("CaseAction") } },
        },
        responses: {
          "200": jsonBody(ref("CaseView"), "The case after the action."),
          "400": problem("Invalid JSON or body."),
          ...operatorErrors,
          "403": problem(
            "v1.1: the agent's role does not allow the action (four eyes on `unlock`); `reason` says why.",
          ),
          "404": problem("No such case."),
          "409": problem("The case's state does not allow the action; `reason` is a stable code."),
          "413": problem(`The body is larger than ${MAX_ACTION_BYTES} bytes.`),
          "415": problem("The body is not `application/json`."),
        },
      },
    },
    "/v1/cases/{caseId}/audit": {
      parameters: [caseIdParam],
      get: {
        operationId: "getCaseAudit",
        summary: "The hash-chained audit trail and whether it verifies",
        tags: ["operator"],
        security: operator,
        responses: {
          "200": jsonBody(ref("CaseAudit"), "The events and `chainValid`."),
          ...operatorErrors,
          "404": problem("No such case."),
        },
      },
    },
    "/v1/cases/{caseId}/messages/preview": {
      parameters: [caseIdParam],
      post: {
        operationId: "previewReporterMessage",
        summary: "v1.1: what `message_reporter` would send, per channel; sends and writes nothing",
        tags: ["operator"],
        security: operator,
        requestBody: { required: true, content: { "application/json": { schema: ref("MessagePreviewRequest") } } },
        responses: {
          "200": jsonBody(ref("MessagePreview"), "The rendered message."),
          "400": problem("Invalid JSON or body."),
          ...operatorErrors,
          "404": problem("No such case."),
          "409": problem("The reporter's email is no longer trusted (`reason: email_untrusted`)."),
        },
      },
    },
    "/v1/audit/verify": {
      get: {
        operationId: "verifyAudit",
        summary:
          "Every case checked against the signed audit anchors (edits, deleted events, truncation, deleted cases); supervisors only",
        tags: ["operator"],
        security: operator,
        parameters: [
          {
            name: "all",
            in: "query",
            required: false,
            description: "`true` lists clean cases too.",
            schema: { type: "string", enum: ["true", "false"] },
          },
        ],
        responses: {
          "200": {
            description: "The verification: `valid`, the anchors' state, a summary and the cases with findings.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["checkedAt", "valid", "anchors", "summary", "cases"],
                  properties: {
                    checkedAt: { type: "string" },
                    valid: { type: "boolean" },
                    anchors: { type: "object" },
                    summary: { type: "object" },
                    cases: { type: "array", items: { type: "object" } },
                  },
                },
              },
            },
          },
          ...operatorErrors,
          "403": problem("Not a supervisor (`reason: supervisor_required`)."),
        },
      },
    },
    "/v1/audit/public-key": {
      get: {
        operationId: "getAuditPublicKey",
        summary: "The public half of the anchor signing key (PEM), for third parties who verify the anchors",
        tags: ["operator"],
        security: operator,
        responses: {
          "200": {
            description: "The key, PEM-encoded.",
            content: { "application/x-pem-file": { schema: { type: "string" } } },
          },
          ...operatorErrors,
        },
      },
    },
    "/v1/stats/sla": {
      get: {
        operationId: "getSlaStats",
        summary: "v1.1: SLA attainment per priority and clock for the cases opened in the last 7 or 30 days",
        tags: ["operator"],
        security: operator,
        parameters: queryParameters(statsQuery, { days: "7 or 30 (default 7)." }),
        responses: {
          "200": jsonBody(
            ref("SlaStats"),
            "Met, breached, running, attainment, median and p90 per priority and clock.",
          ),
          "400": problem("Another value or an unknown parameter."),
          ...operatorErrors,
        },
      },
    },
  };

  return {
    openapi: "3.1.0",
    info: {
      title: "Vigil",
      version: "1.1.0",
      description:
        "Security-incident pipeline for cryptocurrency wallet providers. Generated by `npm run openapi` from the zod " +
        "schemas in src/schemas/; do not edit by hand. Product rules: docs/product.md. Errors are " +
        "`application/problem+json` (RFC 9457). Operations and fields marked v1.1 are contract additions.",
      license: { name: "MIT", identifier: "MIT" },
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "http://127.0.0.1:3000", description: "The local runtime (`npm start`)" }],
    tags: [
      { name: "intake", description: "Signed webhooks from the provider's wallet app backend." },
      { name: "reporter", description: "Public pages reached from the reporter's email; no account." },
      { name: "operator", description: "Support agents: a Cognito JWT on AWS, the configured token locally." },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      securitySchemes: {
        operatorBearer: { type: "http", scheme: "bearer", bearerFormat: "JWT (Cognito) on AWS; a token locally" },
        webhookSignature: {
          type: "apiKey",
          in: "header",
          name: "webhook-signature",
          description:
            "Standard Webhooks 1.0: HMAC-SHA256 with a `whsec_` secret over `webhook-id.webhook-timestamp.body`.",
        },
      },
    },
  };
}

/** The document as committed: two-space JSON and a final newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rendered = renderOpenApiDocument();
  if (process.argv.includes("--check")) {
    const current = (() => {
      try {
        return readFileSync(OPENAPI_PATH, "utf8");
      } catch {
        return "";
      }
    })();
    if (current !== rendered) {
      console.error("docs/openapi.json is stale: run `npm run openapi`");
      process.exit(1);
    }
    console.log("docs/openapi.json is up to date");
  } else {
    writeFileSync(OPENAPI_PATH, rendered);
    console.log(`wrote ${OPENAPI_PATH}`);
  }
}
