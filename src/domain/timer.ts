import { createHash } from "node:crypto";

/**
 * The bounds of one timer execution (`workflows/timer.asl.json`, which holds them as literals; a
 * workflow test checks that both agree). A Standard execution fails at 25,000 history events, and a
 * timer may run for weeks, so it hands over to a fresh execution of the same machine after
 * {@link TIMER_LIMITS.wakesPerExecution} wakes (continue-as-new). See docs/adr/0004-sla-timers.md
 * for the event count per wake and the worst case these bounds allow.
 */
export const TIMER_LIMITS = {
  /** Wakes (fires, failed or not) after which a successful fire hands over to a successor. */
  wakesPerExecution: 100,
  /** A hand-over that keeps failing is retried at each later wake until this many wakes; then the execution fails. */
  wakesBeforeHandOverFails: 200,
  /** Failed fires in a row after which the execution fails (`TimerFireFailedRepeatedly`). */
  failedFiresInARow: 12,
  /** The wait between a failed fire and the next attempt. */
  backOffSeconds: 300,
  /** Step Functions' hard limit of history events per execution. */
  historyEventLimit: 25_000,
} as const;

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
