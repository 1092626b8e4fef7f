/**
 * SLA attainment over a window of opened cases: per priority and clock, how many met their target,
 * how many breached, and how long the first response and the resolution took (median and p90).
 * Pure; the use case reads the cases.
 */
import type { SlaClock } from "./sla.js";
import { PRIORITIES, type Priority, SLA_CLOCKS, type SlaClockName } from "./types.js";

/** What the computation needs of a case. */
export interface CaseSlaRecord {
  /** The priority the case was opened with: a breach raises a case's priority, and counting the case there would charge its own breach to the higher priority. */
  initialPriority: Priority;
  sla: { containment: SlaClock | null; firstResponse: SlaClock; resolution: SlaClock };
}

/** One clock of one priority. Durations in seconds, from the clock's start to when it stopped (pauses excluded). */
export interface ClockStats {
  /** Cases whose clock exists (containment only exists where the incident called for a lock). */
  cases: number;
  /** Stopped before its due time and never breached. */
  met: number;
  /** Breached (recorded by the timer, or stopped after its due time). */
  breached: number;
  /** Neither yet. */
  running: number;
  /** met / (met + breached), 0–1; null when nothing is decided yet. */
  attainment: number | null;
  /** Over the clocks that stopped (met or late). Null when none did. */
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface PriorityStats {
  priority: Priority;
  cases: number;
  clocks: Record<SlaClockName, ClockStats>;
}

export interface SlaStats {
  from: string;
  to: string;
  days: number;
  cases: number;
  priorities: PriorityStats[];
}

const ms = (iso: string) => Date.parse(iso);

/**
 * The nearest-rank percentile (the smallest value with at least `p` of the values at or below it),
 * so every figure is a duration that actually happened. Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

function outcome(clock: SlaClock): "met" | "breached" | "running" {
  if (clock.breachedAt || (clock.metAt && ms(clock.metAt) > ms(clock.dueAt))) return "breached";
  return clock.metAt ? "met" : "running";
}

/** Seconds from the clock's start to when it stopped, without the time it waited on the reporter. */
function elapsedSeconds(clock: SlaClock): number | null {
  if (!clock.metAt) return null;
  return Math.max(0, Math.round((ms(clock.metAt) - ms(clock.startedAt)) / 1000) - clock.pausedSeconds);
}

function clockStats(clocks: SlaClock[]): ClockStats {
  const outcomes = clocks.map(outcome);
  const met = outcomes.filter((value) => value === "met").length;
  const breached = outcomes.filter((value) => value === "breached").length;
  const durations = clocks.map(elapsedSeconds).filter((value): value is number => value !== null);
  return {
    cases: clocks.length,
    met,
    breached,
    running: clocks.length - met - breached,
    attainment: met + breached ? Math.round((met / (met + breached)) * 1000) / 1000 : null,
    medianSeconds: percentile(durations, 0.5),
    p90Seconds: percentile(durations, 0.9),
  };
}

/** Attainment per priority (P1 to P4, all present) and clock for the cases opened in the window. */
export function computeSlaStats(
  cases: readonly CaseSlaRecord[],
  window: { from: string; to: string; days: number },
): SlaStats {
  return {
    ...window,
    cases: cases.length,
    priorities: PRIORITIES.map((priority) => {
      const mine = cases.filter((item) => item.initialPriority === priority);
      const clocks = Object.fromEntries(
        SLA_CLOCKS.map((name) => [
          name,
          clockStats(mine.map((item) => item.sla[name]).filter((clock): clock is SlaClock => clock !== null)),
        ]),
      ) as Record<SlaClockName, ClockStats>;
      return { priority, cases: mine.length, clocks };
    }),
  };
}
