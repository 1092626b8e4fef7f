import { queueKey } from "../domain/case.js";
import { emailSearchHash, emailSearchKey, searchKinds } from "../domain/search.js";
import type { CaseSummary } from "../ports/case-views.js";
import type { Case } from "../schemas/case.js";
import {
  ACTIVE_STATUSES,
  CASE_ID_PATTERN,
  cursorFilters,
  DEFAULT_LIST_LIMIT,
  encodeQueueCursor,
  type ListCasesInput,
} from "../schemas/operator.js";
import type { Deps } from "./deps.js";

export interface ListCasesOutput {
  cases: CaseSummary[];
  /** The queue only, when more cases follow: pass it back as `cursor` for the next page. */
  nextCursor?: string;
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
 * `GET /v1/cases`: the operator queue, page by page.
 *
 * Input: {@link ListCasesInput} (`after`: where the previous page ended, from its cursor). Output:
 * `{ cases, nextCursor? }`, nearest SLA due first; `nextCursor` only when more cases follow.
 * 1. For each requested status, query the status index (sorted by nearest due, strictly after
 *    `after`; the priority is filtered there) for at most `limit + 1` cases. Never a scan.
 * 2. Merge the lists in the index's order (a case seen twice, mid-change, once) and keep the first `limit`.
 * 3. When a list had more than `limit` (so did the queue), the cursor names the last case kept and
 *    the filters it was read with: the next page starts right after it, in the same order.
 * 4. Map each case to its queue entry (no contact data).
 *
 * A case whose nearest due changes between two pages moves in the queue: it can show on both pages or
 * on neither (the next refresh of the first page shows it). A client keeps each case id once.
 */
export function makeListCases(deps: Pick<Deps, "cases" | "secrets" | "views">) {
  const search = makeSearchCases(deps);
  return async (input: ListCasesInput = {}): Promise<ListCasesOutput> => {
    if (input.q !== undefined) return search(input as ListCasesInput & { q: string });
    const statuses = input.statuses?.length ? input.statuses : [...ACTIVE_STATUSES];
    const limit = input.limit ?? DEFAULT_LIST_LIMIT;
    const lists = await Promise.all(
      statuses.map((status) =>
        deps.cases.listByStatus(status, {
          ...(input.priority ? { priority: input.priority } : {}),
          ...(input.after !== undefined ? { after: input.after } : {}),
          limit: limit + 1,
        }),
      ),
    );
    // A case that changed status between two queries can show up in both lists: keep it once.
    const ordered = lists
      .flat()
      .map((item) => ({ key: queueKey(item), item }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const seen = new Set<string>();
    const queue: Array<{ key: string; item: Case }> = [];
    for (const entry of ordered) {
      if (seen.has(entry.item.caseId)) continue;
      seen.add(entry.item.caseId);
      queue.push(entry);
    }
    const page = queue.slice(0, limit);
    const last = page.at(-1);
    const more = queue.length > limit || lists.some((list) => list.length > limit);
    return {
      cases: page.map(({ item }) => deps.views.caseSummary(item)),
      ...(more && last
        ? { nextCursor: encodeQueueCursor({ after: last.key, ...cursorFilters(input.statuses, input.priority) }) }
        : {}),
    };
  };
}
