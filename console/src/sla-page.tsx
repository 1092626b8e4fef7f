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

/** Met vs breached per priority and clock, as horizontal stacked bars (SVG, no external asset). */
function AttainmentChart(props: { stats: PriorityStats[]; days: number }) {
  const rows = props.stats.flatMap((entry) =>
    entry.clocks.map((clock) => ({ label: `${entry.priority} ${CLOCK_NAMES[clock.clock]}`, ...clock })),
  );
  const rowHeight = 22;
  const labelWidth = 170;
  const barWidth = 360;
  const height = rows.length * rowHeight + 30;
  return (
    <svg
      role="img"
      aria-labelledby={`chart-${props.days}-title`}
      viewBox={`0 0 ${labelWidth + barWidth + 90} ${height}`}
      class="chart"
    >
      <title id={`chart-${props.days}-title`}>
        SLA met and breached per priority and clock, last {props.days} days (numbers in the table below)
      </title>
      {rows.map((row, index) => {
        const total = row.met + row.breached;
        const metWidth = total ? (row.met / total) * barWidth : 0;
        const y = index * rowHeight + 4;
        return (
          <g key={row.label}>
            <text x={0} y={y + 14} class="chart-label">
              {row.label}
            </text>
            <rect x={labelWidth} y={y} width={barWidth} height={16} class="bar-empty" />
            <rect x={labelWidth} y={y} width={metWidth} height={16} class="bar-met" />
            <rect
              x={labelWidth + metWidth}
              y={y}
              width={total ? barWidth - metWidth : 0}
              height={16}
              class="bar-breached"
            />
            <text x={labelWidth + barWidth + 6} y={y + 14} class="chart-label">
              {total ? `${Math.round((row.met / total) * 100)} % met` : "no case"}
            </text>
          </g>
        );
      })}
      <g transform={`translate(${labelWidth}, ${rows.length * rowHeight + 12})`}>
        <rect width={12} height={12} class="bar-met" />
        <text x={16} y={11} class="chart-label">
          met
        </text>
        <rect x={70} width={12} height={12} class="bar-breached" />
        <text x={86} y={11} class="chart-label">
          breached
        </text>
      </g>
    </svg>
  );
}

/** Median and p90 time to first response and to resolution per priority (bars on a shared scale). */
function TimesChart(props: { stats: PriorityStats[]; days: number }) {
  const rows = props.stats.flatMap((entry) => [
    { label: `${entry.priority} first response`, ...entry.firstResponse },
    { label: `${entry.priority} resolution`, ...entry.resolution },
  ]);
  const max = Math.max(1, ...rows.map((row) => row.p90Seconds ?? row.medianSeconds ?? 0));
  const rowHeight = 22;
  const labelWidth = 170;
  const barWidth = 360;
  return (
    <svg
      role="img"
      aria-labelledby={`times-${props.days}-title`}
      viewBox={`0 0 ${labelWidth + barWidth + 150} ${rows.length * rowHeight + 30}`}
      class="chart"
    >
      <title id={`times-${props.days}-title`}>
        Median and p90 times per priority, last {props.days} days (numbers in the table below)
      </title>
      {rows.map((row, index) => {
        const y = index * rowHeight + 4;
        return (
          <g key={row.label}>
            <text x={0} y={y + 14} class="chart-label">
              {row.label}
            </text>
            <rect x={labelWidth} y={y} width={((row.p90Seconds ?? 0) / max) * barWidth} height={16} class="bar-p90" />
            <rect
              x={labelWidth}
              y={y + 4}
              width={((row.medianSeconds ?? 0) / max) * barWidth}
              height={8}
              class="bar-median"
            />
            <text x={labelWidth + barWidth + 6} y={y + 14} class="chart-label">
              {`${seconds(row.medianSeconds)} / ${seconds(row.p90Seconds)}`}
            </text>
          </g>
        );
      })}
      <g transform={`translate(${labelWidth}, ${rows.length * rowHeight + 12})`}>
        <rect width={12} height={12} class="bar-median" />
        <text x={16} y={11} class="chart-label">
          median
        </text>
        <rect x={80} width={12} height={12} class="bar-p90" />
        <text x={96} y={11} class="chart-label">
          p90
        </text>
      </g>
    </svg>
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
