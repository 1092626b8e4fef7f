import { successorTimerName } from "../domain/execution-names.js";
import type { TimerInput } from "../ports/workflow-client.js";
import type { Deps } from "./deps.js";

/**
 * The timer state after a successful fire: the kind's answer (`at`, `done`) with the execution's
 * counters carried on. A successful fire ends a run of failures; the wake is counted either way.
 */
export function countWake(before: TimerInput, fired: TimerInput): TimerInput {
  return { ...fired, wakes: (before.wakes ?? 0) + 1, failures: 0, segment: before.segment ?? 0 };
}

/**
 * `HandOverTimer`: continue-as-new. The timer execution has woken often enough that its history
 * must stop growing, so a fresh execution of the same machine takes over where it stands.
 *
 * Input: the timer state after a successful fire, and the name of the running execution.
 * Output: `{ successor }`, the name of the execution that took over.
 * 1. Name the successor deterministically from the running execution's name and segment, so a
 *    retried task cannot start two successors (the second start finds the first: `existed`).
 * 2. Start it with the same timer (kind, ref, generation, next `at`), counters reset, segment + 1.
 *    The old execution then ends (`TimerHandedOver`). A stale generation is still recognised by
 *    the successor at its first wake, exactly as by its predecessor.
 * 3. Count `TimerHandedOver`.
 *
 * Errors: `TransientError` when Step Functions refuses the start (retried by the workflow; after its
 * retries the old execution keeps running and tries again at its next wake).
 */
export function makeHandOverTimer(deps: Pick<Deps, "workflow" | "metrics">) {
  return async (input: { timer: TimerInput & { segment: number }; executionName: string }) => {
    const { timer, executionName } = input;
    const successor = successorTimerName(executionName, timer.segment);
    await deps.workflow.startTimer(successor, {
      kind: timer.kind,
      ref: timer.ref,
      generation: timer.generation,
      at: timer.at,
      wakes: 0,
      failures: 0,
      segment: timer.segment + 1,
    });
    deps.metrics.count("TimerHandedOver");
    return { successor };
  };
}
