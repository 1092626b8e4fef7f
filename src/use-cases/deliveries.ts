import { nextAttempt } from "../domain/delivery-schedule.js";
import { deliveryTimerName } from "../domain/execution-names.js";
import { uniform } from "../domain/random.js";
import { meet } from "../domain/sla.js";
import { signPayload } from "../domain/standard-webhooks.js";
import { ActionNotAllowedError, ConflictError, NotFoundError } from "../errors/index.js";
import type { Delivery } from "../ports/delivery-store.js";
import type { TimerInput } from "../ports/workflow-client.js";
import type { Case } from "../schemas/case.js";
import { makeMutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { makeNotifyReporter, notifyOncall } from "./notify.js";
import { makeRearmSlaTimer } from "./sla-timer.js";

/**
 * The durable delivery of outbound events to the provider (Standard Webhooks) and EventBridge:
 * a record per event, a timer execution per delivery that attempts and retries it, the operator's
 * replay, and `case.updated`. The lock and release requests that ride on it are in `lock-requests.ts`;
 * what a delivered lock or release changes on the case is here, where the attempt settles.
 */

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** The outbound events that carry a lock or a release request. */
export type LockEventType = "account.lock.requested" | "account.unlock.requested";

/**
 * The delivery (and `webhook-id`) of a case's current lock or release request. Deterministic from
 * the request time, so a retried request finds the record it wrote, and a later lock cycle of the
 * same case gets a new one.
 */
export function lockDeliveryId(item: Case, type: LockEventType): string | null {
  const requestedAt = type === "account.lock.requested" ? item.lock.requestedAt : item.lock.releaseRequestedAt;
  if (!requestedAt) return null;
  return `${item.caseId}-${type === "account.lock.requested" ? "lock" : "unlock"}-${Date.parse(requestedAt)}`;
}

/** The attempt marker of a delivery parked because the case no longer wants it (see {@link makeFireDelivery}). */
export const SUPERSEDED = "superseded";

/** The data every outbound event carries (docs/openapi.json and docs/product.md "Account locks"). */
export function eventData(item: Case, reason: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseId: item.caseId,
    accountId: item.accountId,
    scopes: item.lock.scopes,
    reason,
    priority: item.priority,
    ...extra,
  };
}

/**
 * Makes one outbound event durable and starts delivering it:
 *
 * 1. Write the delivery record (`attribute_not_exists`: a retry finds the one it wrote).
 * 2. `inline` (containment): make the first attempt at once, in this invocation — the provider hears
 *    of the lock one task after intake. Settled there (2xx, 410): no timer is needed.
 * 3. Otherwise (or to retry) start its timer execution, named after the delivery (a second start is
 *    a no-op), which attempts at the recorded time and retries on the Standard Webhooks schedule.
 * 4. Publish the same data on EventBridge, with the `webhookId` so that consumers can drop the
 *    duplicates a retried step may publish (EventBridge is at-least-once anyway). After the
 *    webhook: an EventBridge outage must not hold it up.
 *
 * A crash between steps is repaired by the caller's retry (the workflow task's `Retry`): the record
 * is found, a slot not yet attempted is attempted, and the timer start is idempotent.
 */
export function makeDeliver(deps: Deps) {
  const fire = makeFireDelivery(deps, { notifyReporter: false });
  return async (input: {
    deliveryId: string;
    caseId: string;
    type: Delivery["type"];
    payload: Record<string, unknown>;
    /** Attempt at once, in this invocation, for this case as just written. */
    inline?: boolean;
    case?: Case;
  }) => {
    const now = deps.clock.now();
    const stored = await deps.deliveries.createIfAbsent({
      deliveryId: input.deliveryId,
      caseId: input.caseId,
      type: input.type,
      payload: input.payload,
      status: "pending",
      attempts: [],
      nextAttemptAt: iso(now),
      createdAt: iso(now),
      version: 1,
    });
    let timer: TimerInput | null = {
      kind: "delivery",
      ref: stored.deliveryId,
      generation: 1,
      at: stored.nextAttemptAt ?? iso(now),
    };
    if (input.inline && input.case && stored.status === "pending" && stored.nextAttemptAt) {
      const next = await fire(timer, { delivery: stored, case: input.case });
      timer = next.done ? null : next;
    }
    if (timer) await deps.workflow.startTimer(deliveryTimerName(stored.deliveryId), timer);
    await deps.events?.publish(stored.type, { ...stored.payload, webhookId: stored.deliveryId });
    return stored;
  };
}

/** Tells the reporter the provider applied the lock, once per lock (its key carries the time it applied). */
export function notifyLockApplied(notify: ReturnType<typeof makeNotifyReporter>, item: Case): Promise<boolean> {
  return notify(item.caseId, "lock_applied", {
    vars: { scopes: item.lock.scopes },
    key: `lock_applied#${item.lock.appliedAt}`,
  });
}

/**
 * Tells the provider that a case changed status (`case.updated`), e.g. after an agent's action.
 * Same durable path as the lock events, one delivery per audited change of the case (a retry of
 * the same change finds its record). Informational: a delivery that fails for good raises the
 * alarm but does not page the on-call or escalate the case.
 *
 * Input: the case and a short reason (e.g. `acknowledged`). Output: the delivery id.
 * @throws NotFoundError unknown case.
 */
export function makeDeliverCaseUpdate(deps: Deps) {
  const deliver = makeDeliver(deps);
  return async (input: { caseId: string; reason: string }): Promise<string> => {
    const found = await deps.cases.get(input.caseId);
    if (!found) throw new NotFoundError(`case ${input.caseId} not found`);
    const item = found.case;
    const deliveryId = `${item.caseId}-updated-${item.audit.seq}`;
    await deliver({
      deliveryId,
      caseId: item.caseId,
      type: "case.updated",
      payload: eventData(item, input.reason, { status: item.status, lockState: item.lock.state }),
    });
    return deliveryId;
  };
}

/**
 * The delivery timer fired: at most one signed attempt per due slot, then the next step.
 *
 * Input and output: the timer (`ref` is the delivery id); `done: false` with `at` waits for the next slot.
 * 1. A delivery already settled (delivered, disabled, exhausted) re-runs its idempotent follow-up
 *    (a run that crashed after its write left it undone) and ends the timer. A parked one ends it.
 * 2. A slot already attempted (a FireTimer retried after its write: the record's `nextAttemptAt`
 *    is no longer the timer's `at`) is not attempted again: wait for the recorded next attempt.
 * 3. A lock or release the case no longer wants (a release requested while the lock was still being
 *    retried, a newer lock cycle) is parked, never sent: the provider must not get them out of order.
 * 4. POST the event signed with the provider's secret; the same `webhook-id` and body on every
 *    attempt, a fresh `webhook-timestamp` and signature.
 * 5. Record the attempt (conditional on the record's version). 2xx: the lock is applied (containment
 *    met) or released. 410: the endpoint is disabled. After the 10th attempt: exhausted. Both raise
 *    `DeliveryExhausted`, and for a lock or release page the on-call and escalate the case.
 * 6. Otherwise wait for the next attempt: the Standard Webhooks schedule with ±10 % jitter, never
 *    earlier than the provider's `Retry-After`.
 */
export function makeFireDelivery(deps: Deps, options: { notifyReporter?: boolean } = {}) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const rearm = makeRearmSlaTimer(deps);

  const fire = async (
    timer: TimerInput,
    /** The record and the case as the caller just wrote them (the inline first attempt): no re-read. */
    known?: { delivery: Delivery; case: Case },
  ): Promise<TimerInput> => {
    const done = { ...timer, done: true };
    const delivery = known?.delivery ?? (await deps.deliveries.get(timer.ref));
    if (!delivery) return done;
    if (delivery.status !== "pending") {
      await settle(delivery, delivery.status);
      return done;
    }
    // Parked (superseded): nothing left to attempt.
    if (delivery.nextAttemptAt === null) return done;
    // The timer's `at` names the slot it fires for. A record that has moved on to another slot means
    // this one was attempted already (a FireTimer retried after its write): wait for the next one.
    if (delivery.nextAttemptAt !== timer.at) return { ...timer, at: delivery.nextAttemptAt, done: false };

    const now = deps.clock.now();
    if (!(known ? wants(known.case, delivery) : await stillWanted(delivery))) {
      await park(delivery, now);
      return done;
    }
    const outcome = await attempt(delivery, now);
    const step =
      outcome.status === null && !deps.config.providerWebhookUrl
        ? ({ kind: "delivered" } as const)
        : nextAttempt({
            attemptsMade: delivery.attempts.length + 1,
            status: outcome.status ?? undefined,
            retryAfterHeader: outcome.retryAfter,
            now,
            random: () => uniform(deps.ids.randomBytes(4)),
          });
    const updated: Delivery = {
      ...delivery,
      status: step.kind === "retry" ? "pending" : step.kind,
      attempts: [
        ...delivery.attempts,
        { at: iso(now), status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) },
      ],
      nextAttemptAt: step.kind === "retry" ? iso(step.at) : null,
    };
    // Lost a race with a concurrent run for the same delivery: that run owns the next step.
    if (!(await deps.deliveries.update(updated))) return done;
    if (step.kind === "retry") {
      deps.metrics.count("DeliveryRetryScheduled");
      return { ...timer, at: iso(step.at), done: false };
    }
    await settle(updated, step.kind);
    return done;
  };
  return fire;

  async function stillWanted(delivery: Delivery): Promise<boolean> {
    if (delivery.type === "case.updated") return true;
    const found = await deps.cases.get(delivery.caseId);
    return found !== null && wants(found.case, delivery);
  }

  async function park(delivery: Delivery, now: number): Promise<void> {
    const parked: Delivery = {
      ...delivery,
      attempts: [...delivery.attempts, { at: iso(now), status: null, error: SUPERSEDED }],
      nextAttemptAt: null,
    };
    if (!(await deps.deliveries.update(parked))) return;
    await mutate(delivery.caseId, (current) => ({
      case: current,
      events: [
        {
          type: "delivery.superseded",
          actor: "vigil",
          detail: { deliveryId: delivery.deliveryId, eventType: delivery.type },
        },
      ],
    }));
  }

  async function attempt(
    delivery: Delivery,
    now: number,
  ): Promise<{ status: number | null; retryAfter?: string; error?: string }> {
    const url = deps.config.providerWebhookUrl;
    if (!url) return { status: null };
    // Cached a few minutes by the source; a failed load is not kept (the workflow's retry loads again).
    const key = await deps.secrets.providerSigningKey();
    const timestampSeconds = Math.floor(now / 1000);
    // The body is the event, fixed at creation: every attempt carries the same bytes.
    const body = JSON.stringify({ type: delivery.type, timestamp: delivery.createdAt, data: delivery.payload });
    const signature = signPayload({ secret: key, id: delivery.deliveryId, timestampSeconds, body });
    try {
      const response = await deps.transport.post({
        url,
        body,
        headers: {
          "webhook-id": delivery.deliveryId,
          "webhook-timestamp": String(timestampSeconds),
          "webhook-signature": signature,
        },
      });
      return { status: response.status, retryAfter: response.retryAfter };
    } catch (error) {
      return { status: null, error: (error as Error).name };
    }
  }

  async function settle(delivery: Delivery, status: Exclude<Delivery["status"], "pending">): Promise<void> {
    if (status === "delivered") await onDelivered(delivery);
    else await onFailed(delivery, status);
  }

  async function onDelivered(delivery: Delivery): Promise<void> {
    if (delivery.type === "case.updated") return;
    const isLock = delivery.type === "account.lock.requested";
    const item = await mutate(delivery.caseId, (current, now) => {
      if (!wants(current, delivery)) return null;
      return {
        case: {
          ...current,
          lock: isLock
            ? { ...current.lock, state: "applied", appliedAt: iso(now) }
            : { ...current.lock, state: "released", releasedAt: iso(now) },
          sla:
            isLock && current.sla.containment
              ? { ...current.sla, containment: meet(current.sla.containment, now) }
              : current.sla,
        },
        events: [
          {
            type: isLock ? "lock.applied" : "lock.released",
            actor: "provider",
            detail: { deliveryId: delivery.deliveryId },
          },
        ],
      };
    });
    if (isLock && item.lock.state === "applied" && lockDeliveryId(item, delivery.type) === delivery.deliveryId) {
      if (item.lock.requestedAt !== null && item.lock.appliedAt !== null) {
        const ms = Date.parse(item.lock.appliedAt) - Date.parse(item.lock.requestedAt);
        deps.metrics.duration("TimeToLock", ms, { Priority: item.priority });
      }
      await rearm(item.caseId);
      // A courtesy after the protection; the inline containment attempt leaves it to AcknowledgeReport,
      // so the reporter hears of the report before the lock.
      if (options.notifyReporter !== false) await notifyLockApplied(notify, item).catch(() => undefined);
    }
  }

  /**
   * Raises the alarm once per failed delivery (the `sent` key makes a re-run a no-op). The on-call
   * is paged before the case records it: a retry may page twice, a lost page is worse.
   */
  async function onFailed(delivery: Delivery, kind: "disabled" | "exhausted"): Promise<void> {
    const key = `delivery_failed#${delivery.deliveryId}`;
    const found = await deps.cases.get(delivery.caseId);
    if (!found || found.case.sent.includes(key)) return;
    const protective = delivery.type !== "case.updated";
    const attempts = delivery.attempts.length;
    const error =
      kind === "disabled" ? "provider endpoint answered 410 Gone (disabled)" : `no 2xx after ${attempts} attempts`;
    deps.metrics.count("DeliveryExhausted");
    if (protective) {
      const action = delivery.type === "account.lock.requested" ? "lock" : "unlock";
      // The template keeps 120 characters of the reason: the delivery id first, it is what to replay.
      await notifyOncall(
        deps,
        found.case,
        {
          reason: `webhook ${delivery.deliveryId} ${kind}: ${action} the account by hand, then replay it`,
        },
        { key },
      );
    }
    await mutate(delivery.caseId, (current, now) =>
      current.sent.includes(key)
        ? null
        : {
            case: {
              ...current,
              sent: [...current.sent, key],
              escalations: protective ? current.escalations + 1 : current.escalations,
              failures: protective
                ? [
                    ...current.failures.slice(-9),
                    { at: iso(now), step: delivery.type, error: `delivery ${kind}: ${error}` },
                  ]
                : current.failures,
            },
            events: [
              {
                type: "delivery.failed",
                actor: "vigil",
                detail: {
                  deliveryId: delivery.deliveryId,
                  eventType: delivery.type,
                  kind,
                  attempts,
                  escalated: protective,
                },
              },
            ],
          },
    );
  }
}

/**
 * An operator replays a delivery that failed for good (`exhausted` or `disabled`), once the
 * provider's endpoint is healthy again: the schedule starts over under the same `webhook-id`, in a
 * new timer generation. The attempts so far go to the case's audit trail.
 *
 * @throws ActionNotAllowedError `not_failed` when the delivery is pending or delivered;
 *   `superseded` when the case no longer wants it (a newer lock or release).
 * @throws NotFoundError unknown delivery.
 */
export function makeReplayDelivery(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (input: { deliveryId: string; actor: string }): Promise<Delivery> => {
    const delivery = await deps.deliveries.get(input.deliveryId);
    if (!delivery) throw new NotFoundError(`delivery ${input.deliveryId} not found`);
    if (delivery.status !== "exhausted" && delivery.status !== "disabled") {
      throw new ActionNotAllowedError(`delivery ${delivery.deliveryId} is ${delivery.status}`, "not_failed");
    }
    const found = await deps.cases.get(delivery.caseId);
    if (delivery.type !== "case.updated" && !(found && wants(found.case, delivery))) {
      throw new ActionNotAllowedError(`the case no longer wants delivery ${delivery.deliveryId}`, "superseded");
    }
    const now = deps.clock.now();
    const replayed: Delivery = { ...delivery, status: "pending", attempts: [], nextAttemptAt: iso(now) };
    if (!(await deps.deliveries.update(replayed))) {
      throw new ConflictError(`delivery ${delivery.deliveryId} changed meanwhile; try again`);
    }
    const last = delivery.attempts.at(-1);
    await mutate(delivery.caseId, (current) => ({
      case: current,
      events: [
        {
          type: "delivery.replayed",
          actor: input.actor,
          detail: {
            deliveryId: delivery.deliveryId,
            eventType: delivery.type,
            was: delivery.status,
            attempts: delivery.attempts.length,
            lastStatus: last?.status ?? null,
          },
        },
      ],
    }));
    // The record's version only grows, so each replay names a new timer execution.
    const generation = delivery.version + 1;
    await deps.workflow.startTimer(deliveryTimerName(delivery.deliveryId, generation), {
      kind: "delivery",
      ref: delivery.deliveryId,
      generation,
      at: iso(now),
    });
    return { ...replayed, version: replayed.version + 1 };
  };
}

/** Whether the case still wants this lock or release delivered (its current request, in its state). */
function wants(item: Case, delivery: Delivery): boolean {
  if (delivery.type === "case.updated") return true;
  const from = delivery.type === "account.lock.requested" ? "requested" : "release_requested";
  return item.lock.state === from && lockDeliveryId(item, delivery.type) === delivery.deliveryId;
}
