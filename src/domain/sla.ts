import type { Sla, SlaClock } from "./case-record.js";
import type { Policy } from "./policy.js";
import type { Priority, SlaClockName } from "./types.js";

export type { Sla, SlaClock } from "./case-record.js";

/**
 * A milestone of a clock that is due: the timer records it and, for breaches and repeats, escalates;
 * `exhausted` is the slot after the last allowed repeat, where the second contact is paged instead.
 */
export interface SlaFire {
  clock: SlaClockName;
  kind: "warning" | "breach" | "escalation" | "exhausted";
  /** Epoch ms the milestone fell due. */
  at: number;
  /** For warnings: the fraction of the target reached (0.5, 0.8). */
  fraction?: number;
}

export interface SlaContext {
  priority: Priority;
  /** The latest acknowledgement by an agent; an acknowledgement after a breach stops its repeats. */
  acknowledgedAt: string | null;
  policy: Policy;
}

const ms = (iso: string) => Date.parse(iso);
const iso = (epochMs: number) => new Date(epochMs).toISOString();
/** Timers fire on whole seconds: a milestone is never early and at most one second late. */
const ceilSecond = (epochMs: number) => Math.ceil(epochMs / 1000) * 1000;

function newClock(startedAt: number, targetSeconds: number): SlaClock {
  return {
    startedAt: iso(startedAt),
    targetSeconds,
    dueAt: iso(ceilSecond(startedAt + targetSeconds * 1000)),
    metAt: null,
    warnedAt: [],
    breachedAt: null,
    escalatedAt: [],
    exhaustedAt: null,
    pausedSeconds: 0,
    pausedAt: null,
  };
}

/** Starts the clocks of a new case. Containment runs only where the incident calls for a lock. */
export function startClocks(priority: Priority, lockRequired: boolean, openedAt: number, policy: Policy): Sla {
  const containmentTarget = policy.slaTargets.containment[priority];
  return {
    containment: lockRequired && containmentTarget !== null ? newClock(openedAt, containmentTarget) : null,
    firstResponse: newClock(openedAt, policy.slaTargets.firstResponse[priority] as number),
    resolution: newClock(openedAt, policy.slaTargets.resolution[priority] as number),
  };
}

/** Starts the containment clock later in a case's life (new evidence or an agent asks for a lock). */
export function startContainment(sla: Sla, priority: Priority, at: number, policy: Policy): Sla {
  if (sla.containment) return sla;
  const target = policy.slaTargets.containment[priority] ?? policy.slaTargets.containment.P2;
  return { ...sla, containment: target === null ? null : newClock(at, target) };
}

function baseOf(clock: SlaClock): number {
  return ms(clock.startedAt) + clock.pausedSeconds * 1000;
}

function withDue(clock: SlaClock): SlaClock {
  return { ...clock, dueAt: iso(ceilSecond(baseOf(clock) + clock.targetSeconds * 1000)) };
}

/** Re-targets every running clock to a new priority's targets (new evidence raised the priority). */
export function retarget(sla: Sla, priority: Priority, policy: Policy): Sla {
  const apply = (name: SlaClockName, clock: SlaClock | null): SlaClock | null => {
    if (!clock || clock.metAt) return clock;
    const target = policy.slaTargets[name][priority];
    return target === null ? clock : withDue({ ...clock, targetSeconds: target });
  };
  return {
    containment: apply("containment", sla.containment),
    firstResponse: apply("firstResponse", sla.firstResponse) as SlaClock,
    resolution: apply("resolution", sla.resolution) as SlaClock,
  };
}

/** Stops a clock as met; idempotent. */
export function meet(clock: SlaClock, at: number): SlaClock {
  return clock.metAt ? clock : { ...clock, metAt: iso(at), pausedAt: null };
}

/** Pauses a clock (the resolution clock, while the case waits on the reporter). */
export function pause(clock: SlaClock, at: number): SlaClock {
  return clock.pausedAt || clock.metAt ? clock : { ...clock, pausedAt: iso(at) };
}

/** Resumes a paused clock, counting at most `capSeconds` of pause in total. */
export function resume(clock: SlaClock, at: number, capSeconds: number): SlaClock {
  if (!clock.pausedAt) return clock;
  const paused = Math.max(0, Math.round((at - ms(clock.pausedAt)) / 1000));
  const pausedSeconds = Math.min(capSeconds, clock.pausedSeconds + paused);
  return withDue({ ...clock, pausedSeconds, pausedAt: null });
}

/** The next milestone of one clock, recorded or not, or null when the clock has nothing left. */
function nextMilestone(name: SlaClockName, clock: SlaClock, ctx: SlaContext): SlaFire | null {
  if (clock.metAt || clock.pausedAt) return null;
  const base = baseOf(clock);
  const fractions = ctx.policy.warningFractions;
  if (!clock.breachedAt) {
    const index = clock.warnedAt.length;
    if (index < fractions.length) {
      const fraction = fractions[index] as number;
      return { clock: name, kind: "warning", fraction, at: ceilSecond(base + fraction * clock.targetSeconds * 1000) };
    }
    return { clock: name, kind: "breach", at: ceilSecond(base + clock.targetSeconds * 1000) };
  }
  const breachedAt = ms(clock.breachedAt);
  if (clock.exhaustedAt || (ctx.acknowledgedAt && ms(ctx.acknowledgedAt) >= breachedAt)) return null;
  const last = Math.max(breachedAt, ...clock.escalatedAt.map(ms));
  const kind = clock.escalatedAt.length < ctx.policy.escalationRepeatLimit ? "escalation" : "exhausted";
  return { clock: name, kind, at: last + ctx.policy.escalationRepeatSeconds[ctx.priority] * 1000 };
}

function clocksOf(sla: Sla): Array<[SlaClockName, SlaClock]> {
  const list: Array<[SlaClockName, SlaClock]> = [];
  if (sla.containment) list.push(["containment", sla.containment]);
  list.push(["firstResponse", sla.firstResponse], ["resolution", sla.resolution]);
  return list;
}

/** Records a fired milestone on its clock. */
export function recordFire(sla: Sla, fire: SlaFire): Sla {
  const clock = sla[fire.clock];
  if (!clock) return sla;
  const at = iso(fire.at);
  const next: SlaClock =
    fire.kind === "warning"
      ? { ...clock, warnedAt: [...clock.warnedAt, at] }
      : fire.kind === "breach"
        ? { ...clock, breachedAt: at }
        : fire.kind === "exhausted"
          ? { ...clock, exhaustedAt: at }
          : { ...clock, escalatedAt: [...clock.escalatedAt, at] };
  return { ...sla, [fire.clock]: next };
}

/**
 * Every milestone due at `now`, oldest first, applied to the clocks as they are found (a warning
 * recorded makes the next warning the candidate), so a timer that wakes late catches up in order.
 */
export function dueFires(sla: Sla, now: number, ctx: SlaContext): { fires: SlaFire[]; sla: Sla } {
  const fires: SlaFire[] = [];
  let current = sla;
  for (let guard = 0; guard < 1000; guard++) {
    const candidates = clocksOf(current)
      .map(([name, clock]) => nextMilestone(name, clock, ctx))
      .filter((fire): fire is SlaFire => fire !== null && fire.at <= now)
      .sort((a, b) => a.at - b.at);
    const first = candidates[0];
    if (!first) break;
    fires.push(first);
    current = recordFire(current, first);
  }
  return { fires, sla: current };
}

/** When the timer must next wake for this case, or null when no clock has a milestone left. */
export function nextFireAt(sla: Sla, ctx: SlaContext): number | null {
  const times = clocksOf(sla)
    .map(([name, clock]) => nextMilestone(name, clock, ctx)?.at)
    .filter((at): at is number => at !== undefined);
  return times.length ? Math.min(...times) : null;
}

/** The nearest due time among running clocks (for sorting the operator's queue). */
export function nearestDue(sla: Sla): string | null {
  // A paused clock has no due time yet: it waits on the reporter, not on an agent.
  const dues = clocksOf(sla)
    .filter(([, clock]) => !clock.metAt && !clock.pausedAt)
    .map(([, clock]) => clock.dueAt)
    .sort();
  return dues[0] ?? null;
}
