import { nextLockState, scopesFor, unlockDecisionFor } from "../domain/lock-policy.js";
import type { Policy } from "../domain/policy.js";
import { startContainment } from "../domain/sla.js";
import { ActionNotAllowedError } from "../errors/index.js";
import type { Case } from "../schemas/case.js";
import { type CaseChange, makeMutateCase } from "./case-mutation.js";
import { eventData, lockDeliveryId, makeDeliver } from "./deliveries.js";
import type { Deps } from "./deps.js";
import { makeNotifyReporter } from "./notify.js";
import { makeRearmSlaTimer } from "./sla-timer.js";

/**
 * Lock and release requests for a reporter's account: the case records the request, then the
 * delivery engine (`deliveries.ts`) sends `account.lock.requested` / `account.unlock.requested`.
 */

const iso = (epochMs: number) => new Date(epochMs).toISOString();

const UNLOCK_REASON = "verified reporter, cool-down passed";

/**
 * Requests a temporary lock of the reporter's account (workflow containment at intake, new
 * evidence merged into a case, or an agent).
 *
 * Input: the case, who asks and why. Output: the case as it is now.
 * 1. Record `lock.requested` on the case (scopes per incident type unless already chosen, the
 *    containment clock started if it is not running). A lock already requested or applied changes
 *    nothing; a retry still makes sure its delivery exists (step 2 is idempotent).
 * 2. Deliver `account.lock.requested` to the provider: a durable record, then a timer execution
 *    that makes the first attempt at once and retries on the Standard Webhooks schedule; the same
 *    data goes on EventBridge. Nothing here waits on verification or on a human.
 * 3. Re-arm the SLA timer, then tell the reporter on every trusted channel (once per lock; the
 *    workflow's containment step leaves that to `AcknowledgeReport` with `notifyReporter: false`).
 *
 * @throws ActionNotAllowedError `release_in_progress` while a release is being delivered (a lock
 *   sent behind it could reach the provider first).
 * @throws NotFoundError unknown case.
 */
export function makeRequestLock(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const followUp = makeFollowLockRequest(deps);
  return async (input: LockRequestInput & { caseId: string }): Promise<Case> => {
    const item = await mutate(input.caseId, (current, now) =>
      lockRequestChange(current, now, input, deps.config.policy),
    );
    return followUp(item, input);
  };
}

/** Who asks for a lock, why, and how its follow-ups run. */
export interface LockRequestInput {
  actor: string;
  reason: string;
  /** `false`: the caller tells the reporter itself (the containment step leaves it to AcknowledgeReport). */
  notifyReporter?: boolean;
  /** Attempt the provider webhook in this invocation (containment), not only through its timer. */
  inline?: boolean;
}

/**
 * The change that records a lock request on a case (step 1 of {@link makeRequestLock}); `null` when a
 * lock is already requested or applied. Pure, so the containment step can make it in the same write
 * as the workflow's start.
 *
 * @throws ActionNotAllowedError `release_in_progress`.
 */
export function lockRequestChange(current: Case, now: number, input: LockRequestInput, policy: Policy): CaseChange {
  const transition = nextLockState(current.lock.state, "requested");
  if (!transition.ok) {
    if (current.lock.state === "release_requested") {
      throw new ActionNotAllowedError(
        "the lock is being released; wait for the provider to confirm before locking again",
        "release_in_progress",
      );
    }
    return null;
  }
  const scopes = current.lock.scopes.length ? current.lock.scopes : scopesFor(current.incidentType, policy.lockScopes);
  return {
    case: {
      ...current,
      lock: {
        state: "requested",
        scopes,
        requestedAt: iso(now),
        appliedAt: null,
        releaseRequestedAt: null,
        releasedAt: null,
        reason: input.reason,
      },
      sla: startContainment(current.sla, current.priority, now, policy),
    },
    events: [{ type: "lock.requested", actor: input.actor, detail: { scopes, reason: input.reason } }],
  };
}

/** Steps 2–3 of {@link makeRequestLock} for a case whose lock request is recorded: deliver, re-arm, tell. */
export function makeFollowLockRequest(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const deliver = makeDeliver(deps);
  const rearm = makeRearmSlaTimer(deps);
  return async (item: Case, input: LockRequestInput): Promise<Case> => {
    const deliveryId = lockDeliveryId(item, "account.lock.requested");
    if (item.lock.state !== "requested" || !deliveryId) return item;
    await deliver({
      deliveryId,
      caseId: item.caseId,
      type: "account.lock.requested",
      payload: eventData(item, item.lock.reason ?? input.reason),
      inline: input.inline,
      case: item,
    });
    await rearm(item.caseId);
    // A courtesy after the protection: a failed notice is recorded on the case by the notifier and
    // never undoes or delays the lock.
    if (input.notifyReporter !== false) await notifyLockRequested(notify, item).catch(() => undefined);
    return item;
  };
}

/** Tells the reporter a lock was requested, once per lock request (its key carries the request time). */
export function notifyLockRequested(notify: ReturnType<typeof makeNotifyReporter>, item: Case): Promise<boolean> {
  return notify(item.caseId, "lock_requested", {
    vars: { scopes: item.lock.scopes },
    key: `lock_requested#${item.lock.requestedAt}`,
  });
}

/**
 * An agent releases the lock.
 *
 * Input: the case, the agent, an optional note (the event's `reason`). Output: the case.
 * 1. Allowed only with two proofs fresher than the lock (email + SMS, or email + the agent's
 *    identity check when SMS is dropped) and after the cool-down (24 h for P1, 1 h otherwise).
 *    The lock moves to `release_requested`. A release already requested changes nothing, so a
 *    retried request is safe (step 2 is idempotent).
 * 2. Deliver `account.unlock.requested` (durable record + timer + EventBridge). A lock request
 *    still being retried is superseded: it is never sent after the release.
 * 3. Tell the reporter on every channel the case still trusts.
 *
 * @throws ActionNotAllowedError with reason `not_locked`, `cooldown` (with `retryAfterSeconds`)
 *   or `missing_proofs`; the message names the time left and the proofs still needed.
 * @throws NotFoundError unknown case.
 */
export function makeRequestUnlock(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const deliver = makeDeliver(deps);
  return async (input: {
    caseId: string;
    actor: string;
    note?: string;
    /** Role rules (four eyes), checked on the case this write is based on; throws to refuse. */
    authorize?: (current: Case) => void;
  }): Promise<Case> => {
    const item = await mutate(input.caseId, (current, now) => {
      if (current.lock.state === "release_requested") return null;
      input.authorize?.(current);
      const decision = unlockDecisionFor(current, now);
      if (!decision.allowed) {
        const wait = decision.retryAfterMs ? ` (${Math.ceil(decision.retryAfterMs / 60_000)} min left)` : "";
        const missing = decision.missing?.length ? `; proofs still needed: ${decision.missing.join(", ")}` : "";
        throw new ActionNotAllowedError(`unlock not allowed: ${decision.reason}${wait}${missing}`, decision.reason, {
          retryAfterSeconds: decision.retryAfterMs ? Math.ceil(decision.retryAfterMs / 1000) : undefined,
        });
      }
      const reason = input.note ?? UNLOCK_REASON;
      return {
        case: {
          ...current,
          lock: { ...current.lock, state: "release_requested", releaseRequestedAt: iso(now) },
        },
        events: [
          { type: "lock.release_requested", actor: input.actor, detail: { scopes: current.lock.scopes, reason } },
        ],
      };
    });
    const deliveryId = lockDeliveryId(item, "account.unlock.requested");
    if (!deliveryId) return item;
    await deliver({
      deliveryId,
      caseId: item.caseId,
      type: "account.unlock.requested",
      payload: eventData(item, input.note ?? UNLOCK_REASON),
    });
    await notify(item.caseId, "unlock_requested", {
      vars: { scopes: item.lock.scopes },
      key: `unlock_requested#${item.lock.releaseRequestedAt}`,
    });
    return item;
  };
}
