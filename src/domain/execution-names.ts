import { createHash } from "node:crypto";

/**
 * The names of the Step Functions executions Vigil starts, in one place: a name is single-use per
 * state machine, so each builder is deterministic (a retried start finds the execution it started)
 * and each later generation gets a new name. Names stay within Step Functions' 80 characters of
 * `[A-Za-z0-9_-]` as long as their inputs do (case and delivery ids are such).
 */

/** The case workflow's execution name: the case id, with the generation after a reopen. */
export const caseExecutionName = (caseId: string, generation: number): string =>
  generation === 1 ? caseId : `${caseId}-g${generation}`;

/** The timer execution name of a case's SLA timer generation. */
export const slaTimerName = (caseId: string, generation: number): string => `${caseId}-sla-${generation}`;

/**
 * The timer execution that drives one delivery's attempts. Generation 1 is the first run; an
 * operator replay starts generation n + 1 under a new name (execution names are single-use).
 */
export const deliveryTimerName = (deliveryId: string, generation = 1): string =>
  generation <= 1 ? `d-${deliveryId}` : `d-${deliveryId}-g${generation}`;

/** Step Functions execution names are at most 80 characters. */
const MAX_NAME = 80;

/**
 * The name of the execution that takes over from the execution `name`, which is segment `segment`
 * of its timer (segment 0 is the execution the application started). Deterministic, so a retried
 * hand-over names the same successor and Step Functions refuses a second one; `<base>-s<n>` with the
 * base shortened and suffixed with a hash of itself when the name would exceed 80 characters. Adds
 * only `-`, digits, `s` and lowercase hex to a valid name, so the result stays valid.
 */
export function successorTimerName(name: string, segment: number): string {
  const suffix = `-s${segment}`;
  const base = segment > 0 && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
  const next = `-s${segment + 1}`;
  if (base.length + next.length <= MAX_NAME) return `${base}${next}`;
  // Room for `-s` and six digits, so the shortened base stays the same for the rest of the chain.
  const hash = createHash("sha256").update(base).digest("hex").slice(0, 8);
  return `${base.slice(0, MAX_NAME - 8 - hash.length - 1)}-${hash}${next}`;
}
