import { isActive } from "../domain/case.js";
import { nextAttempt } from "../domain/delivery-schedule.js";
import { scopesFor, unlockDecision } from "../domain/lock-policy.js";
import { startContainment, meet } from "../domain/sla.js";
import { parseSecret, signPayload } from "../domain/standard-webhooks.js";
import { ActionNotAllowedError } from "../errors/index.js";
import type { Delivery } from "../ports/delivery-store.js";
import type { TimerInput } from "../ports/workflow-client.js";
import type { Case } from "../schemas/case.js";
import { makeMutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { makeNotifyReporter, notifyOncall } from "./notify.js";
import { makeRearmSlaTimer } from "./sla-timer.js";

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** The timer execution that drives one delivery's attempts. */
export const deliveryTimerName = (deliveryId: string) => `d-${deliveryId}`;

type LockEventType = "account.lock.requested" | "account.unlock.requested";

/**
 * Requests (or releases) a lock at the provider: the case records the request, a durable delivery
 * record is written, and a timer execution starts delivering it at once. Every step is idempotent
 * (deterministic delivery id from the request time), so the workflow may retry it freely.
 */
function makeDeliverLockEvent(deps: Deps) {
  return async (item: Case, type: LockEventType, reason: string): Promise<void> => {
    const requestedAt = type === "account.lock.requested" ? item.lock.requestedAt : item.lock.releaseRequestedAt;
    const deliveryId = `${item.caseId}-${type === "account.lock.requested" ? "lock" : "unlock"}-${Date.parse(requestedAt ?? "")}`;
    const now = deps.clock.now();
    const payload = { caseId: item.caseId, accountId: item.accountId, scopes: item.lock.scopes, reason, priority: item.priority };
    await deps.deliveries.createIfAbsent({
      deliveryId,
      caseId: item.caseId,
      type,
      payload,
      status: "pending",
      attempts: [],
      nextAttemptAt: iso(now),
      createdAt: iso(now),
      version: 1,
    });
    await deps.events?.publish(type, payload);
    await deps.workflow.startTimer(deliveryTimerName(deliveryId), { kind: "delivery", ref: deliveryId, generation: 1, at: iso(now) });
  };
}

/**
 * Requests a temporary lock of the reporter's account (workflow containment, new evidence, or an agent).
 *
 * 1. Record `lock.requested` on the case (no-op when a lock is already requested or applied) and
 *    start the containment clock if it is not running.
 * 2. Deliver `account.lock.requested` to the provider (signed webhook + EventBridge), durably.
 * 3. Tell the reporter on every trusted channel.
 */
export function makeRequestLock(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const deliver = makeDeliverLockEvent(deps);
  const rearm = makeRearmSlaTimer(deps);
  return async (input: { caseId: string; actor: string; reason: string }): Promise<Case> => {
    const item = await mutate(input.caseId, (current, now) => {
      if (current.lock.state === "requested" || current.lock.state === "applied") return null;
      const scopes = current.lock.scopes.length ? current.lock.scopes : scopesFor(current.incidentType);
      return {
        case: {
          ...current,
          lock: { ...current.lock, state: "requested", scopes, requestedAt: iso(now), appliedAt: null, reason: input.reason },
          sla: startContainment(current.sla, current.priority, now, deps.config.policy),
        },
        events: [{ type: "lock.requested", actor: input.actor, detail: { scopes, reason: input.reason } }],
      };
    });
    if (item.lock.state !== "requested") return item;
    await deliver(item, "account.lock.requested", item.lock.reason ?? input.reason);
    await notify(item.caseId, "lock_requested", { vars: { scopes: item.lock.scopes }, key: `lock_requested#${item.lock.requestedAt}` });
    await rearm(item.caseId);
    return item;
  };
}

/**
 * An agent releases the lock: allowed only with two proofs fresher than the lock and after the
 * cool-down (PRODUCT.md); every remaining channel hears of it.
 *
 * @throws ActionNotAllowedError with reason `not_locked`, `cooldown` or `missing_proofs`.
 */
export function makeRequestUnlock(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const deliver = makeDeliverLockEvent(deps);
  return async (input: { caseId: string; actor: string; note?: string }): Promise<Case> => {
    const item = await mutate(input.caseId, (current, now) => {
      const decision = unlockDecision({
        priority: current.priority,
        lock: { state: current.lock.state, requestedAt: current.lock.requestedAt ? Date.parse(current.lock.requestedAt) : undefined },
        proofs: {
          emailVerifiedAt: current.verification.emailVerifiedAt ? Date.parse(current.verification.emailVerifiedAt) : undefined,
          smsVerifiedAt: current.verification.smsVerifiedAt ? Date.parse(current.verification.smsVerifiedAt) : undefined,
          identityVerifiedAt: current.verification.identityVerifiedAt
            ? Date.parse(current.verification.identityVerifiedAt)
            : undefined,
        },
        smsTrusted: current.channels.sms,
        now,
      });
      if (!decision.allowed) {
        const wait = decision.retryAfterMs ? ` (${Math.ceil(decision.retryAfterMs / 60_000)} min left)` : "";
        const missing = decision.missing?.length ? `; proofs still needed: ${decision.missing.join(", ")}` : "";
        throw new ActionNotAllowedError(`unlock not allowed: ${decision.reason}${wait}${missing}`, decision.reason, {
          retryAfterSeconds: decision.retryAfterMs ? Math.ceil(decision.retryAfterMs / 1000) : undefined,
        });
      }
      return {
        case: { ...current, lock: { ...current.lock, state: "release_requested", releaseRequestedAt: iso(now) } },
        events: [{ type: "lock.release_requested", actor: input.actor, detail: { scopes: current.lock.scopes } }],
      };
    });
    await deliver(item, "account.unlock.requested", input.note ?? "verified reporter, cool-down passed");
    await notify(item.caseId, "unlock_requested", { key: `unlock_requested#${item.lock.releaseRequestedAt}` });
    return item;
  };
}

/**
 * The delivery timer fired: one signed attempt to the provider, then the next step.
 *
 * 1. A delivery no longer pending ends the timer.
 * 2. POST the event signed with the provider's secret (same `webhook-id` on every attempt).
 * 3. Record the attempt. 2xx: the lock is applied (or released) and the containment clock is met.
 *    410: the endpoint is disabled. After the last attempt: exhausted. Both escalate to an agent.
 * 4. Otherwise return the next attempt time from the Standard Webhooks schedule (with jitter and `Retry-After`).
 */
export function makeFireDelivery(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const rearm = makeRearmSlaTimer(deps);
  let providerKey: Promise<Uint8Array> | undefined;

  return async (timer: TimerInput): Promise<TimerInput> => {
    const delivery = await deps.deliveries.get(timer.ref);
    if (!delivery || delivery.status !== "pending") return { ...timer, done: true };
    const now = deps.clock.now();
    const outcome = await attempt(delivery, now);
    const step = outcome.status === null && !deps.config.providerWebhookUrl
      ? ({ kind: "delivered" } as const)
      : nextAttempt({
          attemptsMade: delivery.attempts.length + 1,
          status: outcome.status ?? undefined,
          retryAfterHeader: outcome.retryAfter,
          now,
          random: Math.random,
        });
    const status: Delivery["status"] =
      step.kind === "retry" ? "pending" : step.kind === "delivered" ? "delivered" : step.kind;
    const updated: Delivery = {
      ...delivery,
      status,
      attempts: [...delivery.attempts, { at: iso(now), status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) }],
      nextAttemptAt: step.kind === "retry" ? iso(step.at) : null,
    };
    // Lost a race with a concurrent run of the same timer: that run owns the next step.
    if (!(await deps.deliveries.update(updated))) return { ...timer, done: true };

    if (step.kind === "retry") return { ...timer, at: iso(step.at), done: false };
    if (step.kind === "delivered") await onDelivered(delivery);
    else await onFailed(delivery, step.kind);
    return { ...timer, done: true };
  };

  async function attempt(delivery: Delivery, now: number): Promise<{ status: number | null; retryAfter?: string; error?: string }> {
    const url = deps.config.providerWebhookUrl;
    if (!url) return { status: null };
    providerKey ??= deps.secrets.load().then((secrets) => parseSecret(secrets.providerWebhookSecret));
    const timestampSeconds = Math.floor(now / 1000);
    const body = JSON.stringify({ type: delivery.type, timestamp: iso(now), data: delivery.payload });
    const signature = signPayload({ secret: await providerKey, id: delivery.deliveryId, timestampSeconds, body });
    try {
      const response = await deps.transport.post({
        url,
        body,
        headers: { "webhook-id": delivery.deliveryId, "webhook-timestamp": String(timestampSeconds), "webhook-signature": signature },
      });
      return { status: response.status, retryAfter: response.retryAfter };
    } catch (error) {
      return { status: null, error: (error as Error).name };
    }
  }

  async function onDelivered(delivery: Delivery): Promise<void> {
    const isLock = delivery.type === "account.lock.requested";
    const item = await mutate(delivery.caseId, (current, now) => {
      const expected = isLock ? "requested" : "release_requested";
      if (current.lock.state !== expected) return null;
      return {
        case: {
          ...current,
          lock: isLock
            ? { ...current.lock, state: "applied", appliedAt: iso(now) }
            : { ...current.lock, state: "released", releasedAt: iso(now) },
          sla:
            isLock && current.sla.containment ? { ...current.sla, containment: meet(current.sla.containment, now) } : current.sla,
        },
        events: [{ type: isLock ? "lock.applied" : "lock.released", actor: "provider", detail: { deliveryId: delivery.deliveryId } }],
      };
    });
    if (isLock && item.lock.state === "applied") {
      await notify(item.caseId, "lock_applied", { vars: { scopes: item.lock.scopes }, key: `lock_applied#${item.lock.appliedAt}` });
      await rearm(item.caseId);
    }
  }

  async function onFailed(delivery: Delivery, kind: "disabled" | "exhausted"): Promise<void> {
    deps.metrics.count("DeliveryExhausted");
    const item = await mutate(delivery.caseId, (current) => ({
      case: {
        ...current,
        escalations: current.escalations + 1,
        failures: [...current.failures.slice(-9), { at: iso(deps.clock.now()), step: delivery.type, error: `delivery ${kind}` }],
      },
      events: [{ type: "delivery.failed", actor: "vigil", detail: { deliveryId: delivery.deliveryId, kind, attempts: delivery.attempts.length + 1 } }],
    }));
    if (isActive(item)) await notifyOncall(deps, item, { reason: `provider webhook ${delivery.type} ${kind}; lock it by hand` });
  }
}
