import { useEffect, useState } from "preact/hooks";
import { api, describeError } from "./api.js";
import { formatDuration } from "./format.js";
import { useFocusHeading } from "./hooks.js";

/** One priority's attainment in a window, as the page draws it. */
export interface PriorityStats {
  priority: string;
  cases: number;
  clocks: Array<{ clock: string; met: number; breached: number }>;
  firstResponse: { medianSeconds: number | null; p90Seconds: number | null };
  resolution: { medianSeconds: number | null; p90Seconds: number | null };
}

const CLOCK_NAMES: Record<string, string> = {
  containment: "Containment",
  firstResponse: "First response",
  resolution: "Resolution",
};

type Json = Record<string, unknown>;
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const maybe = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

function durations(source: unknown): PriorityStats["firstResponse"] {
  const value = (source ?? {}) as Json;
  return {
    medianSeconds: maybe(value.medianSeconds ?? value.median ?? value.p50Seconds ?? value.p50),
    p90Seconds: maybe(value.p90Seconds ?? value.p90),
  };
}

/**
 * Reads `GET /v1/stats/sla` into rows per priority. Accepts `priorities` as an array of
 * `{ priority, ... }` or as an object keyed by priority; clocks as `{ met, breached }` objects
 * directly on the priority or under `clocks`.
 */
export function normalizeStats(answer: unknown): PriorityStats[] {
  const root = (answer ?? {}) as Json;
  const raw = root.priorities ?? root.byPriority ?? root.perPriority ?? [];
  const list: Json[] = Array.isArray(raw)
    ? (raw as Json[])
    : Object.entries(raw as Json).map(([priority, value]) => ({ priority, ...(value as Json) }));
  return list.map((entry) => {
    const clocksSource = (entry.clocks ?? entry) as Json;
    const clocks = Object.keys(CLOCK_NAMES)
      .filter((clock) => clocksSource[clock] && typeof clocksSource[clock] === "object")
      .map((clock) => {
        const value = clocksSource[clock] as Json;
        return { clock, met: num(value.met), breached: num(value.breached) };
      });
    const times = (entry.times ?? entry) as Json;
    return {
      priority: String(entry.priority ?? "?"),
      cases: num(entry.cases ?? entry.opened ?? entry.count),
      clocks,
      firstResponse: durations(times.timeToFirstResponse ?? (clocksSource.firstResponse as Json | undefined)),
      resolution: durations(times.timeToResolution ?? (clocksSource.resolution as Json | undefined)),
    };
  });
}

const seconds = (value: number | null) => (value === null ? "—" : formatDuration(value * 1000));

/** One bar segment, from and to as fractions of the bar's length; `thin` draws it inside the row's band. */
interface Segment {
  from: number;
  to: number;
  class: string;
  thin?: boolean;
}

/** One row of a chart: its label, its segments, the figure written after the bar. */
interface ChartRow {
  label: string;
  segments: Segment[];
  figure: string;
}

const ROW_HEIGHT = 22;
const LABEL_WIDTH = 170;
const BAR_WIDTH = 360;

/**
 * A horizontal bar chart in SVG (no external asset): one row per label, a legend below. Both charts of
 * the page are this one; screen readers get the numbers from the table under them.
 */
function BarChart(props: {
  id: string;
  title: string;
  rows: ChartRow[];
  legend: Array<{ label: string; class: string }>;
  figureWidth: number;
}) {
  const { rows } = props;
  return (
    <svg
      role="img"
      aria-labelledby={props.id}
      viewBox={`0 0 ${LABEL_WIDTH + BAR_WIDTH + props.figureWidth} ${rows.length * ROW_HEIGHT + 30}`}
      class="chart"
    >
      <title id={props.id}>{props.title}</title>
      {rows.map((row, index) => {
        const y = index * ROW_HEIGHT + 4;
        return (
          <g key={row.label}>
            <text x={0} y={y + 14} class="chart-label">
              {row.label}
            </text>
            {row.segments.map((segment) => (
              <rect
                key={segment.class}
                x={LABEL_WIDTH + segment.from * BAR_WIDTH}
                y={segment.thin ? y + 4 : y}
                width={Math.max(0, segment.to - segment.from) * BAR_WIDTH}
                height={segment.thin ? 8 : 16}
                class={segment.class}
              />
            ))}
            <text x={LABEL_WIDTH + BAR_WIDTH + 6} y={y + 14} class="chart-label">
              {row.figure}
            </text>
          </g>
        );
      })}
      <g transform={`translate(${LABEL_WIDTH}, ${rows.length * ROW_HEIGHT + 12})`}>
        {props.legend.map((item, index) => (
          <g key={item.class} transform={`translate(${index * 80}, 0)`}>
            <rect width={12} height={12} class={item.class} />
            <text x={16} y={11} class="chart-label">
              {item.label}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}

/** Met vs breached per priority and clock, as stacked bars. */
function AttainmentChart(props: { stats: PriorityStats[]; days: number }) {
  const rows = props.stats.flatMap((entry) =>
    entry.clocks.map((clock): ChartRow => {
      const total = clock.met + clock.breached;
      const met = total ? clock.met / total : 0;
      return {
        label: `${entry.priority} ${CLOCK_NAMES[clock.clock]}`,
        segments: [
          { from: 0, to: 1, class: "bar-empty" },
          { from: 0, to: met, class: "bar-met" },
          { from: met, to: total ? 1 : met, class: "bar-breached" },
        ],
        figure: total ? `${Math.round(met * 100)} % met` : "no case",
      };
    }),
  );
  return (
    <BarChart
      id={`chart-${props.days}-title`}
      title={`SLA met and breached per priority and clock, last ${props.days} days (numbers in the table below)`}
      rows={rows}
      legend={[
        { label: "met", class: "bar-met" },
        { label: "breached", class: "bar-breached" },
      ]}
      figureWidth={90}
    />
  );
}

/** Median and p90 time to first response and to resolution per priority (bars on a shared scale). */
function TimesChart(props: { stats: PriorityStats[]; days: number }) {
  const times = props.stats.flatMap((entry) => [
    { label: `${entry.priority} first response`, ...entry.firstResponse },
    { label: `${entry.priority} resolution`, ...entry.resolution },
  ]);
  const max = Math.max(1, ...times.map((row) => row.p90Seconds ?? row.medianSeconds ?? 0));
  const rows = times.map(
    (row): ChartRow => ({
      label: row.label,
      segments: [
        { from: 0, to: (row.p90Seconds ?? 0) / max, class: "bar-p90" },
        { from: 0, to: (row.medianSeconds ?? 0) / max, class: "bar-median", thin: true },
      ],
      figure: `${seconds(row.medianSeconds)} / ${seconds(row.p90Seconds)}`,
    }),
  );
  return (
    <BarChart
      id={`times-${props.days}-title`}
      title={`Median and p90 times per priority, last ${props.days} days (numbers in the table below)`}
      rows={rows}
      legend={[
        { label: "median", class: "bar-median" },
        { label: "p90", class: "bar-p90" },
      ]}
      figureWidth={150}
    />
  );
}

function Window(props: { days: 7 | 30 }) {
  const [stats, setStats] = useState<PriorityStats[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<unknown>(`/v1/stats/sla?days=${props.days}`)
      .then((answer) => setStats(normalizeStats(answer)))
      .catch((failure) => setError(describeError(failure)));
  }, [props.days]);
  const id = `window-${props.days}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>Last {props.days} days</h2>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!error && stats === null && <p>Loading…</p>}
      {stats !== null && (
        <>
          <div class="charts" aria-hidden="false">
            <AttainmentChart stats={stats} days={props.days} />
            <TimesChart stats={stats} days={props.days} />
          </div>
          <table>
            <caption>SLA attainment per priority, cases opened in the last {props.days} days</caption>
            <thead>
              <tr>
                <th scope="col">Priority</th>
                <th scope="col">Cases</th>
                <th scope="col">Clock</th>
                <th scope="col">Met</th>
                <th scope="col">Breached</th>
                <th scope="col">Median time to first response</th>
                <th scope="col">p90 time to first response</th>
                <th scope="col">Median time to resolution</th>
                <th scope="col">p90 time to resolution</th>
              </tr>
            </thead>
            <tbody>
              {stats.flatMap((entry) =>
                (entry.clocks.length ? entry.clocks : [{ clock: "", met: 0, breached: 0 }]).map((clock, index) => (
                  <tr key={`${entry.priority}-${clock.clock}`}>
                    <th scope="row">{entry.priority}</th>
                    <td>{index === 0 ? entry.cases : ""}</td>
                    <td>{CLOCK_NAMES[clock.clock] ?? "—"}</td>
                    <td>{clock.met}</td>
                    <td>{clock.breached}</td>
                    <td>{seconds(entry.firstResponse.medianSeconds)}</td>
                    <td>{seconds(entry.firstResponse.p90Seconds)}</td>
                    <td>{seconds(entry.resolution.medianSeconds)}</td>
                    <td>{seconds(entry.resolution.p90Seconds)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function SlaPage() {
  const heading = useFocusHeading("sla");
  return (
    <main id="main">
      <h1 ref={heading} tabIndex={-1}>
        SLA attainment
      </h1>
      <p>Cases opened in the window, per priority: clocks met and breached, and how long agents took.</p>
      <Window days={7} />
      <Window days={30} />
    </main>
  );
}
