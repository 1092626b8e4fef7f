import { computeSlaStats, type SlaStats } from "../domain/sla-stats.js";
import { ValidationError } from "../errors/index.js";
import { SlaStatsQuerySchema } from "../schemas/operator.js";
import type { Deps } from "./deps.js";
import { parseWith } from "./parse.js";

const DAY_MS = 86_400_000;

/**
 * Validates the query of `GET /v1/stats/sla` (`days` is 7 or 30, default 7).
 *
 * @throws ValidationError another value or an unknown parameter.
 */
export function parseSlaStatsQuery(query: Record<string, string | undefined> | null | undefined): { days: 7 | 30 } {
  const present = Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== undefined));
  try {
    const parsed = parseWith(SlaStatsQuerySchema, present);
    return { days: parsed.days === 30 ? 30 : 7 };
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError("the query parameters are invalid", error.errors, { cause: error });
    throw error;
  }
}

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
