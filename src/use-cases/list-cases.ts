import { queueDue } from "../domain/case.js";
import { emailSearchHash, emailSearchKey, searchKinds } from "../domain/search.js";
import type { CaseSummary } from "../ports/case-views.js";
import type { Case } from "../schemas/case.js";
import { ACTIVE_STATUSES, CASE_ID_PATTERN, DEFAULT_LIST_LIMIT, type ListCasesInput } from "../schemas/operator.js";
import type { Deps } from "./deps.js";

export interface ListCasesOutput {
  cases: CaseSummary[];
}

/** The queue order, as the status index sorts it: nearest SLA due first, cases with none last, then by id. */
function queueKey(item: Case): string {
  return `${queueDue(item) ?? "9999"}#${item.caseId}`;
}

/**
 * `GET /v1/cases?q=`: finds cases by an exact case id, account id or reporter email.
 *
 * Input: the query (and optional status/priority filters). Output: `{ cases }`, newest first.
 * 1. Decide what the query can be: a case id (its shape), an email (`x@y`), else an account id.
 * 2. Look each up exactly: the case by id; an account's cases through its index; an email through
 *    the keyed hash of the normalised address (HMAC-SHA-256 with a key derived from the pepper),
 *    so the index holds no clear-text email. Never a scan, never a prefix or fuzzy match.
 * 3. Keep each case once, apply the filters, newest first, at most `limit`.
 */
export function makeSearchCases(deps: Pick<Deps, "cases" | "secrets" | "views">) {
  return async (input: ListCasesInput & { q: string }): Promise<ListCasesOutput> => {
    const limit = input.limit ?? DEFAULT_LIST_LIMIT;
    const query = input.q.trim();
    const found = await Promise.all(
      searchKinds(query, CASE_ID_PATTERN).map(async (kind): Promise<Case[]> => {
        if (kind === "caseId") {
          const one = await deps.cases.get(query);
          return one ? [one.case] : [];
        }
        if (kind === "accountId") return deps.cases.findByAccount(query, limit);
        const key = emailSearchKey(await deps.secrets.verificationPepper());
        return deps.cases.findByEmailHash(emailSearchHash(key, query), limit);
      }),
    );
    const seen = new Set<string>();
    const cases = found
      .flat()
      .filter((item) => !seen.has(item.caseId) && seen.add(item.caseId))
      .filter((item) => !input.statuses?.length || input.statuses.includes(item.status))
      .filter((item) => !input.priority || item.priority === input.priority)
      .sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0))
      .slice(0, limit);
    return { cases: cases.map((item) => deps.views.caseSummary(item)) };
  };
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
export function makeListCases(deps: Pick<Deps, "cases" | "secrets" | "views">) {
  const search = makeSearchCases(deps);
  return async (input: ListCasesInput = {}): Promise<ListCasesOutput> => {
    if (input.q !== undefined) return search(input as ListCasesInput & { q: string });
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
    return { cases: queue.slice(0, limit).map((item) => deps.views.caseSummary(item)) };
  };
}
