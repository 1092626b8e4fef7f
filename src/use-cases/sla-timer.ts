import { isActive } from "../domain/case.js";
import { slaTimerName } from "../domain/execution-names.js";
import { raisePriority } from "../domain/priority.js";
import { dueFires, nextFireAt, type SlaContext, type SlaFire } from "../domain/sla.js";
import type { TimerInput } from "../ports/workflow-client.js";
import type { Case } from "../schemas/case.js";
import { type CaseDecision, makeMutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { notifyOncall, staffContact } from "./notify.js";

const iso = (epochMs: number) => new Date(epochMs).toISOString();
/**
 * A timer whose wake is this far in the past has stopped firing (a healthy one records its next wake
 * as it fires; a failing one gives up after 12 back-offs of 5 min, `TimerFireFailedRepeatedly`).
 */
const DEAD_TIMER_MS = 10 * 60_000;

function contextOf(item: Case, deps: Pick<Deps, "config">): SlaContext {
  return { priority: item.priority, acknowledgedAt: item.acknowledgedAt, policy: deps.config.policy };
}

/** When a case's SLA timer must next wake, or null when nothing is left to watch. */
export function nextSlaWake(item: Case, deps: Pick<Deps, "config">): number | null {
  return isActive(item) ? nextFireAt(item.sla, contextOf(item, deps)) : null;
}

/**
 * Makes the case's SLA timer match its clocks after a change (opened, met, re-targeted, paused).
 *
 * One timer execution per case waits for the next milestone. A later milestone needs nothing (the
 * timer wakes, finds nothing due and waits again); an earlier one starts a new timer generation
 * and stops the old one; none left stops the timer. A timer whose wake is more than 10 min overdue
 * has stopped (its execution failed) and is replaced the same way, so any change to the case revives
 * it. The new execution is started before the case records it, so a crash in between leaves an
 * orphan that exits at its first wake (stale generation). After a hand-over the running execution
 * is a successor (`<name>-s<n>`, ADR 0004) that the stop does not reach: it exits at its first wake.
 */
export function makeRearmSlaTimer(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (caseId: string): Promise<void> => {
    const found = await deps.cases.get(caseId);
    if (!found) return;
    const item = found.case;
    const next = nextSlaWake(item, deps);
    const { timerAt, timerGeneration } = item.workflow;
    if (next === null) {
      if (!timerAt) return;
      await deps.workflow.stopTimer(slaTimerName(caseId, timerGeneration));
      await mutate(caseId, (current) =>
        current.workflow.timerGeneration === timerGeneration && current.workflow.timerAt
          ? { case: { ...current, workflow: { ...current.workflow, timerAt: null } }, events: [] }
          : null,
      );
      return;
    }
    if (timerAt && Date.parse(timerAt) <= next && Date.parse(timerAt) > deps.clock.now() - DEAD_TIMER_MS) return;
    const generation = timerGeneration + 1;
    await deps.workflow.startTimer(slaTimerName(caseId, generation), {
      kind: "sla",
      ref: caseId,
      generation,
      at: iso(next),
    });
    await mutate(caseId, (current) =>
      current.workflow.timerGeneration >= generation
        ? null
        : {
            case: { ...current, workflow: { ...current.workflow, timerGeneration: generation, timerAt: iso(next) } },
            events: [],
          },
    );
    if (timerAt) await deps.workflow.stopTimer(slaTimerName(caseId, timerGeneration));
  };
}

const FIRE_EVENT: Record<SlaFire["kind"], string> = {
  warning: "sla.warning",
  breach: "sla.breached",
  escalation: "sla.escalated",
  exhausted: "sla.escalation_exhausted",
};

/**
 * The SLA timer fired: record every milestone now due, page the on-call, and tell the timer when
 * to wake next.
 *
 * 1. A superseded generation or a finished case ends the timer.
 * 2. Record the due milestones in one conditional write; a breach raises the priority one level.
 *    Recording comes first, so a page that cannot be delivered never hides a breach.
 * 3. Page the on-call for each milestone recorded by this call; when a clock's repeats ran out
 *    (`exhausted`, after `policy.escalationRepeatLimit` repeats) page the second contact instead,
 *    if one is configured, and count `SlaEscalationExhausted`. The clock repeats no more and stays
 *    breached. A page behind a message backlog, or throttled, waits in the pacing queue ahead of every
 *    reporter message (ADR 0014). A failed page is counted (`OncallPageFailed`) and audited, never
 *    retried forever: the next milestone pages again.
 * 4. Return the next wake time, or `done`.
 */
export function makeFireSlaTimer(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (timer: TimerInput): Promise<TimerInput> => {
    const found = await deps.cases.get(timer.ref);
    const stale = !found || !isActive(found.case) || found.case.workflow.timerGeneration !== timer.generation;
    if (stale) return { ...timer, done: true };
    const now = deps.clock.now();
    const { case: updated, result: fires } = await mutate.deciding(timer.ref, (current): CaseDecision<SlaFire[]> => {
      if (current.workflow.timerGeneration !== timer.generation) return { change: null, result: [] };
      const result = dueFires(current.sla, now, contextOf(current, deps));
      const breaches = result.fires.filter((fire) => fire.kind === "breach").length;
      let priority = current.priority;
      for (let i = 0; i < breaches; i++) priority = raisePriority(priority);
      const next = nextFireAt(result.sla, { ...contextOf(current, deps), priority });
      if (!result.fires.length && current.workflow.timerAt === (next === null ? null : iso(next))) {
        return { change: null, result: result.fires };
      }
      const changed: Case = {
        ...current,
        sla: result.sla,
        priority,
        escalations: current.escalations + result.fires.filter((fire) => fire.kind !== "warning").length,
        workflow: { ...current.workflow, timerAt: next === null ? null : iso(next) },
      };
      return {
        change: {
          case: changed,
          events: result.fires.map((fire) => ({
            type: FIRE_EVENT[fire.kind],
            actor: "sla-timer",
            detail: {
              clock: fire.clock,
              dueAt: iso(fire.at),
              ...(fire.fraction ? { percent: fire.fraction * 100 } : {}),
              ...(fire.kind === "exhausted"
                ? { repeats: result.sla[fire.clock]?.escalatedAt.length ?? 0, secondContact: secondContact(deps) }
                : {}),
              priority,
            },
          })),
        },
        result: result.fires,
      };
    });
    for (const fire of fires) {
      if (fire.kind === "exhausted") deps.metrics.count("SlaEscalationExhausted");
      else
        deps.metrics.count(fire.kind === "warning" ? "SlaWarning" : "SlaBreached", 1, { Priority: updated.priority });
      try {
        const vars = {
          reason: `${CLOCK_WORDS[fire.clock]} ${describe(fire, deps)}`,
          clock: fire.clock,
          event: ({ warning: "warning", breach: "breach", escalation: "repeat", exhausted: "escalation" } as const)[
            fire.kind
          ],
        };
        // One queue entry per milestone: a retried fire rewrites it instead of adding another.
        const key = `oncall#sla-${fire.kind}-${fire.clock}-${fire.at}`;
        await notifyOncall(deps, updated, vars, { key, recipient: fire.kind === "exhausted" ? "second" : "oncall" });
      } catch (error) {
        deps.metrics.count("OncallPageFailed");
        await mutate(timer.ref, (current) => ({
          case: current,
          events: [
            {
              type: "oncall.page_failed",
              actor: "sla-timer",
              detail: {
                clock: fire.clock,
                error: (error as Error).name,
                ...(fire.kind === "exhausted" ? { contact: "second" } : {}),
              },
            },
          ],
        }));
      }
    }
    if (updated.workflow.timerGeneration !== timer.generation || !updated.workflow.timerAt)
      return { ...timer, done: true };
    return { ...timer, at: updated.workflow.timerAt, done: false };
  };
}

/** Clock names as people read them on a page ("first response", not `firstResponse`). */
const CLOCK_WORDS: Record<SlaFire["clock"], string> = {
  containment: "containment",
  firstResponse: "first response",
  resolution: "resolution",
};

function describe(fire: SlaFire, deps: Pick<Deps, "config">): string {
  if (fire.kind === "warning") return `at ${Math.round((fire.fraction ?? 0) * 100)} % of its target`;
  if (fire.kind === "exhausted") {
    return `still breached after ${deps.config.policy.escalationRepeatLimit} unanswered repeat escalations (escalated to you as the second contact)`;
  }
  return fire.kind === "breach" ? "breached" : "still breached (repeat escalation)";
}

/** The channels of the configured second contact, as recorded on the timeline (never the addresses). */
function secondContact(deps: Pick<Deps, "config">): Array<"email" | "sms"> {
  const contact = staffContact(deps.config, "second");
  return (["email", "sms"] as const).filter((channel) => contact[channel]);
}
