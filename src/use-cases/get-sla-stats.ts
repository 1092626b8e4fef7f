import { computeSlaStats, type SlaStats } from "../domain/sla-stats.js";
import type { Deps } from "./deps.js";

const DAY_MS = 86_400_000;

/**
 * `GET /v1/stats/sla?days=7|30`: SLA attainment at a glance.
 *
 * Input: the window in days. Output: {@link SlaStats} (per priority and clock: met, breached,
 * running, attainment, median and p90 time to stop) for the cases opened in `[now - days, now)`.
 * 1. Read the cases opened in the window (index queries, never a scan).
 * 2. Compute the figures (pure, `src/domain/sla-stats.ts`).
 */
export function makeGetSlaStats(deps: Pick<Deps, "cases" | "clock">) {
  return async (input: { days: 7 | 30 }): Promise<SlaStats> => {
    const now = deps.clock.now();
    const from = new Date(now - input.days * DAY_MS).toISOString();
    const to = new Date(now).toISOString();
    const cases = await deps.cases.listOpenedBetween(from, to);
    return computeSlaStats(cases, { from, to, days: input.days });
  };
}
