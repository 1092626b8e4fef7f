import { ValidationError } from "../../errors/index.js";
import {
  type CaseActionBody,
  CaseActionBodySchema,
  type ListCasesInput,
  ListCasesQuerySchema,
  SlaStatsQuerySchema,
} from "../../schemas/operator.js";
import { parseJson, parseWith } from "../../schemas/parse.js";

/** The query string's parameters that are present (API Gateway gives `null` for none, `undefined` for a blank). */
function present(query: Record<string, string | undefined> | null | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Validates a query with a schema; a bad value or an unknown parameter is a 400 about the query. */
function parseQuery<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError("the query parameters are invalid", error.errors, { cause: error });
    throw error;
  }
}

/**
 * Validates the body of `POST /v1/cases/{caseId}/actions` (400 with `errors`).
 *
 * @throws ValidationError invalid JSON, unknown action, note over 2,000 or agent over 128 characters.
 */
export function parseCaseAction(rawBody: string): CaseActionBody {
  return parseWith(CaseActionBodySchema, parseJson(rawBody));
}

/**
 * Validates the query string of `GET /v1/cases` (400 with `errors` for a bad value, an unknown
 * parameter, or a cursor that is altered or was given for other filters).
 *
 * @throws ValidationError
 */
export function parseListCasesQuery(query: Record<string, string | undefined> | null | undefined): ListCasesInput {
  const parsed = parseQuery(() => parseWith(ListCasesQuerySchema, present(query)));
  return {
    ...(parsed.q ? { q: parsed.q } : {}),
    ...(parsed.status ? { statuses: parsed.status } : {}),
    ...(parsed.priority ? { priority: parsed.priority } : {}),
    ...(parsed.limit !== undefined ? { limit: parsed.limit } : {}),
    ...(parsed.cursor ? { after: parsed.cursor.after } : {}),
  };
}

/**
 * Validates the query of `GET /v1/stats/sla` (`days` is 7 or 30, default 7).
 *
 * @throws ValidationError another value or an unknown parameter.
 */
export function parseSlaStatsQuery(query: Record<string, string | undefined> | null | undefined): { days: 7 | 30 } {
  const parsed = parseQuery(() => parseWith(SlaStatsQuerySchema, present(query)));
  return { days: parsed.days === 30 ? 30 : 7 };
}
