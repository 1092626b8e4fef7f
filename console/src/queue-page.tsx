import { Component } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { answered, api, describeError } from "./api.js";
import { agentName } from "./auth.js";
import {
  byNearestDue,
  CLOCK_LABELS,
  caseSlaMark,
  countdown,
  formatDuration,
  INCIDENT_LABELS,
  LOCK_STATE_LABELS,
  STATUS_LABELS,
} from "./format.js";
import { useFocusHeading, useNow, usePolling } from "./hooks.js";
import { casePath, navigate } from "./router.js";
import { rememberQueue, useShortcut } from "./shortcuts.js";
import { type CaseSummary, PRIORITIES, type SlaClock, STATUSES } from "./types.js";

/** How often the queue asks for news (the issue asks for ≤ 10 s). */
export const QUEUE_REFRESH_MS = 5000;

type View = "all" | "mine" | "unassigned";

interface Filters {
  status: string;
  priority: string;
  view: View;
  q: string;
}

function filtersFrom(search: string): Filters {
  const params = new URLSearchParams(search);
  const view = params.get("view");
  return {
    status: params.get("status") ?? "",
    priority: params.get("priority") ?? "",
    view: view === "mine" || view === "unassigned" ? view : "all",
    q: params.get("q") ?? "",
  };
}

function searchOf(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set("status", filters.status);
  if (filters.priority) params.set("priority", filters.priority);
  if (filters.view !== "all") params.set("view", filters.view);
  if (filters.q) params.set("q", filters.q);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Cases per `GET /v1/cases` page: the API's largest. */
export const QUEUE_PAGE_SIZE = 100;

/**
 * Cases the queue reads before it asks the agent ("Load more"): every refresh re-reads them all, page
 * by page, so this bounds a refresh in a mass incident to 10 requests; a queue that long is worked
 * with the priority and status filters.
 */
export const QUEUE_MAX_CASES = 1000;

/**
 * The `GET /v1/cases` path for the queue's filters (the same path whether the script prefetches it
 * at start or the page polls it); with `cursor`, the page after the one that gave it.
 */
export function queueApiPath(search: string, cursor?: string): string {
  const filters = filtersFrom(search);
  const apiQuery = new URLSearchParams({ limit: String(QUEUE_PAGE_SIZE) });
  if (filters.status) apiQuery.set("status", filters.status);
  if (filters.priority) apiQuery.set("priority", filters.priority);
  if (filters.q) apiQuery.set("q", filters.q);
  if (cursor) apiQuery.set("cursor", cursor);
  return `/v1/cases?${apiQuery.toString()}`;
}

interface QueuePage {
  cases: CaseSummary[];
  nextCursor?: string;
}

const CLOCK_NAMES = Object.keys(CLOCK_LABELS) as Array<keyof typeof CLOCK_LABELS>;

/** The clock a row shows: a breached one still running first, else the running one due first. */
function nextClock(item: CaseSummary): { name: string; clock: SlaClock } | null {
  // Once per row per second: a plain loop (ISO instants of one format compare as strings).
  let best: { name: string; clock: SlaClock; rank: string } | null = null;
  for (const name of CLOCK_NAMES) {
    const clock = item.sla[name];
    if (!clock || clock.metAt) continue;
    const rank = clock.breachedAt ? `0${clock.breachedAt}` : `1${clock.dueAt}`;
    if (best === null || rank < best.rank) best = { name: CLOCK_LABELS[name], clock, rank };
  }
  return best;
}

interface RowProps {
  item: CaseSummary;
  now: number;
  first: boolean;
}

/**
 * A row re-renders only when its case, the clock's second or its place at the top changed: when the
 * rest of the queue arrives, or the table grows by a page, the rows already there are not diffed again.
 */
class Row extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    return next.item !== this.props.item || next.now !== this.props.now || next.first !== this.props.first;
  }

  override render() {
    return rowCells(this.props);
  }
}

/** The row's markup (a plain function, not a component: no extra level per row). */
function rowCells(props: RowProps) {
  const { item, now } = props;
  const mark = caseSlaMark(item);
  const next = nextClock(item);
  // `elementtiming` on the first row's cell (Chromium times text by its block): the browser records when the queue was painted (`npm run bench:console`).
  const timing = props.first ? { elementtiming: "vigil-queue" } : {};
  return (
    <tr class={mark ? `sla-${mark}` : undefined}>
      <th scope="row" {...timing}>
        <a href={casePath(item.caseId)}>{item.caseId}</a>
      </th>
      <td>
        <span class={`priority priority-${item.priority}`}>{item.priority}</span>
      </td>
      <td>{STATUS_LABELS[item.status] ?? item.status}</td>
      <td>{INCIDENT_LABELS[item.incidentType] ?? item.incidentType}</td>
      <td>{item.assignee ?? (item.assignee === null ? "Unassigned" : "—")}</td>
      <td>
        {next ? (
          <>
            {`${next.name}: `}
            <span class="countdown">
              {next.clock.breachedAt
                ? `breached ${formatDuration(now - Date.parse(next.clock.breachedAt))} ago`
                : countdown(next.clock.dueAt, now)}
            </span>
          </>
        ) : (
          "No running clock"
        )}
      </td>
      <td>
        {mark === "breached" && <span class="mark mark-breached">Breached</span>}
        {mark === "warning" && <span class="mark mark-warning">Warning</span>}
        {mark === null && <span class="mark mark-ok">On time</span>}
      </td>
      <td>{LOCK_STATE_LABELS[item.lock.state] ?? item.lock.state}</td>
    </tr>
  );
}

/**
 * Rows in the first frame of a fresh queue: more than a screen holds. The rest follow right after that
 * frame is painted, so the agent sees the top of a queue of hundreds without waiting for the browser
 * to lay out rows below the fold (Preact runs effects after the paint).
 */
export const FIRST_FRAME_ROWS = 60;

/** The queue table. */
export function QueueTable(props: { cases: CaseSummary[]; now: number; caption: string }) {
  const [whole, setWhole] = useState(props.cases.length <= FIRST_FRAME_ROWS);
  useEffect(() => {
    if (!whole) setWhole(true);
  }, []);
  const rows = whole ? props.cases : props.cases.slice(0, FIRST_FRAME_ROWS);
  return (
    <table class="queue">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Case</th>
          <th scope="col">Priority</th>
          <th scope="col">Status</th>
          <th scope="col">Incident</th>
          <th scope="col">Assignee</th>
          <th scope="col">Next SLA due</th>
          <th scope="col">SLA</th>
          <th scope="col">Lock</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((item, index) => (
          <Row key={item.caseId} item={item} now={props.now} first={index === 0} />
        ))}
      </tbody>
    </table>
  );
}

export function QueuePage(props: { search: string }) {
  const filters = filtersFrom(props.search);
  const path = queueApiPath(props.search);
  // The first page, when the script's prefetch already has it: the first frame shows the queue's top.
  const [cases, setCases] = useState<CaseSummary[] | null>(() => {
    const first = answered<QueuePage>(path);
    return first ? [...first.cases].sort(byNearestDue) : null;
  });
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [query, setQuery] = useState(filters.q);
  const now = useNow();
  const heading = useFocusHeading("queue");
  const searchField = useRef<HTMLInputElement>(null);
  const me = agentName();

  useEffect(() => setQuery(filters.q), [filters.q]);

  /** How many cases to read (raised by "Load more"), and whether the queue went on past them. */
  const [wanted, setWanted] = useState(QUEUE_MAX_CASES);
  const [more, setMore] = useState(false);
  /** The API path whose queue the table shows (a refresh of it replaces it whole, once read). */
  const shown = useRef<string | null>(cases ? path : null);
  useEffect(() => setWanted(QUEUE_MAX_CASES), [path]);

  usePolling(
    async (current) => {
      // The first read of these filters shows its first page as soon as it comes (the top of the
      // queue), then the whole queue once every page is read: one more render and layout of the
      // table, not one per page. A refresh reads every page, then swaps the table once, so rows never
      // vanish mid-read.
      let first = shown.current !== path;
      const seen = new Set<string>();
      const read: CaseSummary[] = [];
      let cursor: string | undefined;
      try {
        do {
          const answer = await api.get<QueuePage>(queueApiPath(props.search, cursor));
          if (!current()) return;
          // A case whose due time moved between two pages can be on both: keep it once.
          for (const item of answer.cases) if (!seen.has(item.caseId) && seen.add(item.caseId)) read.push(item);
          cursor = answer.nextCursor;
          if (first && cursor) {
            setCases([...read].sort(byNearestDue));
            shown.current = path;
          }
          first = false;
        } while (cursor && read.length < wanted);
        setCases(read.sort(byNearestDue));
        shown.current = path;
        setMore(cursor !== undefined);
        setError(null);
        setUpdatedAt(Date.now());
      } catch (failure) {
        if (current()) setError(describeError(failure));
      }
    },
    QUEUE_REFRESH_MS,
    [path, wanted],
  );

  const visible = (cases ?? []).filter((item) => {
    if (filters.view === "unassigned") return !item.assignee;
    if (filters.view === "mine") return me !== null && item.assignee === me;
    return true;
  });
  useEffect(() => rememberQueue(visible.map((item) => item.caseId)), [visible.map((item) => item.caseId).join(",")]);

  const setFilter = (patch: Partial<Filters>) => navigate(`/console/${searchOf({ ...filters, ...patch })}`);
  const focusSearch = useCallback(() => searchField.current?.focus(), []);
  useShortcut("/", focusSearch);

  const views: Array<{ view: View; label: string }> = [
    { view: "all", label: "All cases" },
    { view: "mine", label: "Mine" },
    { view: "unassigned", label: "Unassigned" },
  ];

  return (
    <main id="main">
      <h1 ref={heading} tabIndex={-1}>
        Case queue
      </h1>
      <search>
        <form
          class="search"
          onSubmit={(event) => {
            event.preventDefault();
            setFilter({ q: query.trim() });
          }}
        >
          <label for="search">Search cases</label>
          <input
            id="search"
            ref={searchField}
            type="search"
            value={query}
            placeholder="case id, account id or the reporter's exact email"
            onInput={(event) => setQuery((event.target as HTMLInputElement).value)}
          />
          <button type="submit">Search</button>
          {filters.q && (
            <button type="button" onClick={() => setFilter({ q: "" })}>
              Clear search
            </button>
          )}
        </form>
      </search>
      <div class="filters">
        <label>
          Status{" "}
          <select
            value={filters.status}
            onChange={(event) => setFilter({ status: (event.target as HTMLSelectElement).value })}
          >
            <option value="">Active (open, awaiting verification, verified)</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority{" "}
          <select
            value={filters.priority}
            onChange={(event) => setFilter({ priority: (event.target as HTMLSelectElement).value })}
          >
            <option value="">Any</option>
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {priority}
              </option>
            ))}
          </select>
        </label>
        <nav aria-label="Views" class="views">
          {views.map(({ view, label }) => (
            <a
              key={view}
              href={`/console/${searchOf({ ...filters, view })}`}
              aria-current={filters.view === view ? "page" : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
      </div>
      {filters.view === "mine" && me === null && (
        <p class="hint">The console learns your agent name when you take a case.</p>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {cases === null && !error && <p>Loading the queue…</p>}
      {cases !== null && (
        <QueueTable
          cases={visible}
          now={now}
          caption={`${visible.length} ${visible.length === 1 ? "case" : "cases"}${filters.q ? ` matching “${filters.q}”` : ""}${more ? ` (the ${cases.length} due first; more follow)` : ""}, nearest SLA due first`}
        />
      )}
      {more && (
        <p class="hint">
          The queue goes on past these {cases?.length} cases.{" "}
          <button type="button" onClick={() => setWanted(wanted + QUEUE_MAX_CASES)}>
            Load {QUEUE_MAX_CASES} more
          </button>
        </p>
      )}
      <p class="hint" aria-live="off">
        {updatedAt
          ? `Refreshed every ${QUEUE_REFRESH_MS / 1000} s; last at ${new Date(updatedAt).toLocaleTimeString()}.`
          : ""}
      </p>
    </main>
  );
}
