import { queueDue } from "../domain/case.js";
import { ValidationError } from "../errors/index.js";
import type { Case } from "../schemas/case.js";
import { ACTIVE_STATUSES, DEFAULT_LIST_LIMIT, type ListCasesQuery, ListCasesQuerySchema } from "../schemas/operator.js";
import { type CaseSummary, toCaseSummary } from "./case-view.js";
import type { Deps } from "./deps.js";
import { parseWith } from "./parse.js";

/** What the queue is filtered by. */
export interface ListCasesInput {
  /** Default: every non-final status (open, awaiting_verification, verified). */
  statuses?: Case["status"][];
  priority?: Case["priority"];
  /** 1–100, default 50. */
  limit?: number;
}

export interface ListCasesOutput {
  cases: CaseSummary[];
}

/**
 * Validates the query string of `GET /v1/cases` (400 with `errors` for a bad value or an unknown
 * parameter).
 *
 * @throws ValidationError
 */
export function parseListCasesQuery(query: Record<string, string | undefined> | null | undefined): ListCasesInput {
  const present = Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== undefined));
  let parsed: ListCasesQuery;
  try {
    parsed = parseWith(ListCasesQuerySchema, present);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError("the query parameters are invalid", error.errors, { cause: error });
    throw error;
  }
  return {
    ...(parsed.status ? { statuses: parsed.status } : {}),
    ...(parsed.priority ? { priority: parsed.priority } : {}),
    ...(parsed.limit !== undefined ? { limit: parsed.limit } : {}),
  };
}

/** The queue order, as the status index sorts it: nearest SLA due first, cases with none last, then by id. */
function queueKey(item: Case): string {
  return `${queueDue(item) ?? "9999"}#${item.caseId}`;
}

/**
 * `GET /v1/cases`: the operator queue.
 *
 * Input: {@link ListCasesInput}. Output: `{ cases }`, nearest SLA due first.
 * 1. For each requested status, query the status index (sorted by nearest due; the priority is
 *    filtered there) for at most `limit` cases. Never a scan.
 * 2. Merge the lists in the index's order (a case seen twice, mid-change, once) and keep the first `limit`.
 * 3. Map each case to its queue entry (no contact data).
 */
export function makeListCases(deps: Pick<Deps, "cases">) {
  return async (input: ListCasesInput = {}): Promise<ListCasesOutput> => {
    const statuses = input.statuses?.length ? input.statuses : [...ACTIVE_STATUSES];
    const limit = input.limit ?? DEFAULT_LIST_LIMIT;
    const lists = await Promise.all(
      statuses.map((status) =>
        deps.cases.listByStatus(status, { ...(input.priority ? { priority: input.priority } : {}), limit }),
      ),
    );
    // A case that changed status between two queries can show up in both lists: keep it once.
    const ordered = lists
      .flat()
      .map((item) => ({ key: queueKey(item), item }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const seen = new Set<string>();
    const queue: Case[] = [];
    for (const { item } of ordered) {
      if (seen.has(item.caseId)) continue;
      seen.add(item.caseId);
      queue.push(item);
    }
    return { cases: queue.slice(0, limit).map(toCaseSummary) };
  };
}
