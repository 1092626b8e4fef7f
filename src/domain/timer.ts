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
