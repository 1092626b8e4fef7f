import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** The committed contract, `docs/openapi.json`. */
export function readOpenApiDocument(): OpenApiDocument {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "docs", "openapi.json"), "utf8"));
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { schemas: Record<string, unknown> };
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

const BASE = "https://vigil.dev/openapi/schemas/";

/** Points `#/components/schemas/X` at the schema registered as `<BASE>X`. */
function rebase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebase);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key,
      key === "$ref" && typeof entry === "string" ? entry.replace("#/components/schemas/", BASE) : rebase(entry),
    ]),
  );
}

/** One exchange with the API: what was asked and what came back. */
export interface Exchange {
  method: string;
  /** The path template as the document names it, e.g. `/v1/cases/{caseId}`. */
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

/**
 * Checks answers against the document: the operation exists, documents the status and the media type, and
 * the body validates against the schema (JSON Schema 2020-12, formats checked, strict).
 */
export function makeContractValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  // OpenAPI's own annotation keywords, allowed in schemas.
  ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs"]);
  for (const [id, schema] of Object.entries(document.components.schemas)) {
    ajv.addSchema({ ...(rebase(schema) as object), $id: `${BASE}${id}` });
  }
  const compiled = new Map<string, ValidateFunction>();

  return (exchange: Exchange): string[] => {
    const where = `${exchange.method.toUpperCase()} ${exchange.path} → ${exchange.status}`;
    const operation = document.paths[exchange.path]?.[exchange.method.toLowerCase()] as Operation | undefined;
    if (!operation) return [`${where}: no such operation in docs/openapi.json`];
    const response = operation.responses[String(exchange.status)];
    if (!response) return [`${where}: status not documented`];
    const mediaType = (exchange.contentType ?? "").split(";")[0]?.trim() ?? "";
    if (!response.content) return mediaType ? [`${where}: documented without a body, got ${mediaType}`] : [];
    const media = response.content[mediaType];
    if (!media) return [`${where}: media type ${mediaType || "(none)"} not documented`];
    if (mediaType === "text/html") return typeof exchange.body === "string" ? [] : [`${where}: expected HTML text`];
    const key = `${where} ${mediaType}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(rebase(media.schema) as object);
      compiled.set(key, validate);
    }
    if (validate(exchange.body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${where}: ${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`,
    );
  };
}
