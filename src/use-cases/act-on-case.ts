import { isActive } from "../domain/case.js";
import { nextLockState } from "../domain/lock-policy.js";
import { authorizeAssign, authorizeUnlock, type Operator, type Refusal } from "../domain/operator.js";
import { raisePriority } from "../domain/priority.js";
import { meet, retarget } from "../domain/sla.js";
import {
  ActionNotAllowedError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  WORKFLOW_ERRORS,
} from "../errors/index.js";
import type { CaseView } from "../ports/case-views.js";
import type { Case } from "../schemas/case.js";
import type { CaseActionName } from "../schemas/operator.js";
import { actingOnBehalfOf, type CaseDecision, makeMutateCase } from "./case-mutation.js";
import { makeCompleteVerificationIfSatisfied } from "./complete-verification.js";
import { makeDeliverCaseUpdate, makeReplayDelivery } from "./deliveries.js";
import type { Deps } from "./deps.js";
import { assertCaseId, makeGetCase } from "./get-case.js";
import { makeRequestLock, makeRequestUnlock } from "./lock-requests.js";
import { makeNotifyReporter, notifyOncall } from "./notify.js";
import { makeReopenCase } from "./reopen-case.js";
import { makeRearmSlaTimer } from "./sla-timer.js";

/** An agent's action on a case. */
export interface ActOnCaseInput {
  caseId: string | undefined;
  action: CaseActionName;
  /** Internal agent note: kept in the audit trail, never sent to the reporter. */
  note?: string;
  /** Who acts (the authenticated agent, recorded as the actor of every audit event) and their groups. */
  operator: Operator;
  /** A name the agent acts for (the body's `agent`): recorded as `detail.onBehalfOf`, never as the actor. */
  onBehalfOf?: string;
  /** `replay_delivery` only: the failed provider webhook to send again. */
  deliveryId?: string;
  /** `assign` only: who works the case; `null` releases it. */
  assignee?: string | null;
  /** `message_reporter` only: the agent's words. */
  message?: string;
  /** `message_reporter` only: the template's language (default: the reporter's). */
  locale?: string;
}

/** Resumes the workflow once the reporter's factors are satisfied (see verify-reporter). */
export type CompleteVerificationIfSatisfied = (caseId: string, actor: string) => Promise<boolean>;

type Waiting = NonNullable<Case["workflow"]["waiting"]>;
type ActionInput = {
  caseId: string;
  note?: string;
  agent: string;
  operator: Operator;
  deliveryId?: string;
  assignee?: string | null;
  message?: string;
  locale?: string;
};

const iso = (epochMs: number) => new Date(epochMs).toISOString();
const withNote = (note: string | undefined) => (note ? { note } : {});

/** Turns a role refusal into a 403 with its reason. */
function enforce(refusal: Refusal): void {
  if (!refusal.allowed) throw new ForbiddenError(refusal.message, refusal.reason);
}

function refuseConcluded(current: Case, what: string): void {
  if (!isActive(current)) {
    throw new ActionNotAllowedError(`a ${current.status} case cannot be ${what}; reopen it first`, "case_concluded");
  }
}

/**
 * `POST /v1/cases/{caseId}/actions`: an agent acts on a case.
 *
 * Input: {@link ActOnCaseInput}. Output: the updated {@link CaseView}.
 * 1. Refuse a malformed id (404); each action reads the case and refuses what its state does not
 *    allow (409 with a machine-readable `reason`).
 * 2. Apply the action with one conditional write and an audit event whose actor is the agent:
 *    - `acknowledge`: first-response clock met, `acknowledgedAt/By` set (an acknowledgement after
 *      a breach stops the repeat escalations); the SLA timer re-armed; the reporter told.
 *    - `escalate`: on-call paged first (a retry may page twice; a lost page is worse), then the
 *      priority raised one level with the clocks re-targeted, `escalations + 1`; timer re-armed.
 *    - `verify_identity`: the agent's manual identity check (the second factor when SMS is
 *      dropped); the workflow resumes if the factors are now satisfied.
 *    - `lock` / `unlock`: delegated to the lock use cases (proofs and cool-down apply to unlock;
 *      unlock also needs a supervisor who did not record the identity check it rests on: four eyes).
 *    - `assign`: sets or clears `assignee` (an agent takes or releases their own case; a
 *      supervisor assigns anyone); audited as `case.assigned` / `case.released`.
 *    - `message_reporter`: the agent's text audited (`reporter.messaged`), then sent in the
 *      branded template on every trusted channel (SMS: a notice to read the email).
 *    - `resolve` / `close`: the status changes and the clocks stop; the callback the workflow waits
 *      on is resumed (`CompleteCase` then tells the reporter and frees the account). Nothing
 *      waiting: the account is freed here. A failed resume is undone so the action can be retried.
 *    - `reopen`: delegated (a new workflow generation). `note`: an audit event only.
 *    - `clear_denial`: an agent lifts the reporter's "this wasn't me" (nothing else does).
 *    With `onBehalfOf`, every event the agent writes records that name beside them.
 * 3. Return the case as it is now, with the actions this operator may take next.
 *
 * @throws NotFoundError unknown case. @throws ValidationError a `note` action without a note.
 * @throws ActionNotAllowedError (409) with `reason`: `case_concluded`, `already_locked`,
 *   `release_in_progress`, `not_locked`, `cooldown` (with Retry-After), `missing_proofs`,
 *   `not_closed`, `account_has_open_case`, `email_untrusted`, `not_denied`.
 * @throws ForbiddenError (403) with `reason`: `supervisor_required`, `four_eyes`, `assigned_to_other`.
 * @throws TransientError the workflow could not be resumed (retry the action).
 */
export function makeActOnCase(
  deps: Deps,
  options: { completeVerificationIfSatisfied?: CompleteVerificationIfSatisfied } = {},
) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const rearm = makeRearmSlaTimer(deps);
  const requestLock = makeRequestLock(deps);
  const requestUnlock = makeRequestUnlock(deps);
  const deliverCaseUpdate = makeDeliverCaseUpdate(deps);
  const replay = makeReplayDelivery(deps);
  const reopen = makeReopenCase(deps);
  const getCase = makeGetCase(deps);
  const completeVerification = options.completeVerificationIfSatisfied ?? makeCompleteVerificationIfSatisfied(deps);

  async function read(caseId: string): Promise<Case> {
    const found = await deps.cases.get(caseId);
    if (!found) throw new NotFoundError(`case ${caseId} not found`);
    return found.case;
  }

  /**
   * A status update for the reporter, once per status and workflow generation. The agent's action
   * has already succeeded: a failed send is on the timeline (`message.failed`) and must not turn
   * it into an error the agent would retry.
   */
  async function tellReporter(item: Case, status: "acknowledged" | "escalated"): Promise<void> {
    await notify(item.caseId, "status_changed", {
      vars: { status },
      key: `status_changed:${status}#${item.workflow.generation}`,
    }).catch(() => false);
  }

  async function acknowledge({ caseId, note, agent }: ActionInput): Promise<void> {
    const item = await mutate(caseId, (current, now) => {
      refuseConcluded(current, "acknowledged");
      return {
        case: {
          ...current,
          acknowledgedAt: iso(now),
          acknowledgedBy: agent,
          sla: { ...current.sla, firstResponse: meet(current.sla.firstResponse, now) },
        },
        events: [
          {
            type: "case.acknowledged",
            actor: agent,
            detail: { firstResponseMet: current.sla.firstResponse.metAt === null, ...withNote(note) },
          },
        ],
      };
    });
    await rearm(caseId);
    await tellReporter(item, "acknowledged");
  }

  async function escalate({ caseId, note, agent }: ActionInput): Promise<void> {
    const found = await read(caseId);
    refuseConcluded(found, "escalated");
    const reason = `escalated by ${agent}${note ? `: ${note}` : ""}`;
    await notifyOncall(
      deps,
      { ...found, priority: raisePriority(found.priority) },
      { reason },
      { key: `oncall#agent-escalation-${found.escalations + 1}` },
    );
    const item = await mutate(caseId, (current) => {
      refuseConcluded(current, "escalated");
      const priority = raisePriority(current.priority);
      return {
        case: {
          ...current,
          priority,
          escalations: current.escalations + 1,
          sla: priority === current.priority ? current.sla : retarget(current.sla, priority, deps.config.policy),
        },
        events: [
          {
            type: "case.escalated",
            actor: agent,
            detail: { reason: "escalated by an agent", from: current.priority, to: priority, ...withNote(note) },
          },
        ],
      };
    });
    await rearm(caseId);
    await tellReporter(item, "escalated");
  }

  async function verifyIdentity({ caseId, note, agent }: ActionInput): Promise<void> {
    await mutate(caseId, (current, now) => {
      refuseConcluded(current, "verified");
      return {
        case: {
          ...current,
          verification: {
            ...current.verification,
            identity: "verified",
            identityVerifiedAt: iso(now),
            identityVerifiedBy: agent,
          },
        },
        events: [
          {
            type: "verification.identity_verified",
            actor: agent,
            // The identity check is a required factor only where SMS is not trusted.
            detail: { countsAsFactor: !current.channels.sms, ...withNote(note) },
          },
        ],
      };
    });
    await completeVerification(caseId, agent);
  }

  async function lock({ caseId, note, agent }: ActionInput): Promise<void> {
    const current = await read(caseId);
    refuseConcluded(current, "locked");
    if (!nextLockState(current.lock.state, "requested").ok) {
      throw current.lock.state === "release_requested"
        ? new ActionNotAllowedError(
            "the lock is being released; wait for the provider to confirm",
            "release_in_progress",
          )
        : new ActionNotAllowedError(`the account lock is already ${current.lock.state}`, "already_locked");
    }
    await requestLock({ caseId, actor: agent, reason: note ?? "requested by an agent" });
  }

  async function unlock({ caseId, note, agent, operator }: ActionInput): Promise<void> {
    await requestUnlock({
      caseId,
      actor: agent,
      ...withNote(note),
      authorize: (current) => enforce(authorizeUnlock(current, operator)),
    });
  }

  async function assign({ caseId, note, agent, operator, assignee = null }: ActionInput): Promise<void> {
    await mutate(caseId, (current) => {
      refuseConcluded(current, "assigned");
      enforce(authorizeAssign(current, operator, assignee));
      const from = current.assignee ?? null;
      if (from === assignee) return null;
      return {
        case: { ...current, assignee },
        events: [
          {
            type: assignee === null ? "case.released" : "case.assigned",
            actor: agent,
            detail: { from, to: assignee, ...withNote(note) },
          },
        ],
      };
    });
  }

  /**
   * The agent's words to the reporter, in the branded template on every trusted channel (SMS: a
   * notice to read the email). Audited with the text first; a send that fails is on the timeline
   * (`message.failed`) and the action still succeeds, as for every other message.
   */
  async function messageReporter({ caseId, agent, message = "", locale }: ActionInput): Promise<void> {
    const written = await mutate(caseId, (current) => {
      if (!current.channels.email) {
        throw new ActionNotAllowedError(
          "the reporter's email address is no longer trusted for this case; reach them through the provider",
          "email_untrusted",
        );
      }
      return {
        case: current,
        events: [
          {
            type: "reporter.messaged",
            actor: agent,
            detail: { message, locale: locale ?? current.reporter.locale },
          },
        ],
      };
    });
    await notify(caseId, "agent_message", {
      vars: { message },
      key: `agent_message#${written.audit.seq}`,
      ...(locale ? { locale } : {}),
    }).catch(() => false);
  }

  async function conclude({ caseId, note, agent }: ActionInput, outcome: "resolved" | "closed"): Promise<void> {
    const { result: token } = await mutate.deciding(caseId, (current, now): CaseDecision<Waiting | null> => {
      const waiting = current.workflow.waiting;
      // A concluded case still holding a token is one whose resume failed: the retry resumes it.
      const done = outcome === "resolved" ? !isActive(current) : current.status === "closed";
      if (done && !waiting) {
        throw new ActionNotAllowedError(`the case is already ${current.status}`, "case_concluded");
      }
      if (outcome === "resolved" && current.status === "closed") {
        throw new ActionNotAllowedError("a closed case cannot be resolved; reopen it first", "case_concluded");
      }
      return {
        change: {
          case: {
            ...current,
            status: outcome,
            closeReason: outcome === "resolved" ? "resolved" : "closed_by_agent",
            closedAt: current.closedAt && current.status === outcome ? current.closedAt : iso(now),
            sla: {
              ...current.sla,
              firstResponse: meet(current.sla.firstResponse, now),
              resolution: meet(current.sla.resolution, now),
            },
            workflow: { ...current.workflow, waiting: null },
          },
          events: [
            {
              type: `case.${outcome}`,
              actor: agent,
              detail: { closeReason: outcome === "resolved" ? "resolved" : "closed_by_agent", ...withNote(note) },
            },
          ],
        },
        result: waiting,
      };
    });
    let resumed = false;
    if (token) {
      try {
        resumed =
          token.kind === "resolution"
            ? await deps.workflow.sendTaskSuccess(token.taskToken, { outcome })
            : await deps.workflow.sendTaskFailure(
                token.taskToken,
                WORKFLOW_ERRORS.caseConcluded,
                `${outcome} by an agent`,
              );
      } catch (error) {
        await mutate(caseId, (current) =>
          current.workflow.waiting === null && current.status === outcome
            ? {
                case: { ...current, workflow: { ...current.workflow, waiting: token } },
                events: [{ type: "workflow.resume_failed", actor: "vigil", detail: { error: (error as Error).name } }],
              }
            : null,
        );
        throw error;
      }
    }
    // With a live token, CompleteCase tells the reporter and frees the account. Without one the
    // workflow has finished (or will find the case concluded when it gets there): free it here.
    if (!resumed) {
      const item = await read(caseId);
      await deps.accounts.release(item.accountId, item.caseId);
    }
    await rearm(caseId);
  }

  async function reopenCase({ caseId, note, agent }: ActionInput): Promise<void> {
    await reopen({ caseId, actor: agent, ...withNote(note) });
    await rearm(caseId);
  }

  /** A provider webhook that failed for good (exhausted or 410) is sent again, once the endpoint is healthy. */
  async function replayDelivery({ caseId, agent, deliveryId }: ActionInput): Promise<void> {
    const delivery = deliveryId ? await deps.deliveries.get(deliveryId) : null;
    if (!delivery || delivery.caseId !== caseId)
      throw new NotFoundError(`delivery ${deliveryId} not found on case ${caseId}`);
    await replay({ deliveryId: delivery.deliveryId, actor: agent });
  }

  async function addNote({ caseId, note, agent }: ActionInput): Promise<void> {
    if (!note) throw new ValidationError("a note action needs a note", [{ path: "/note", message: "required" }]);
    await mutate(caseId, (current) => ({
      case: current,
      events: [{ type: "case.note", actor: agent, detail: withNote(note) }],
    }));
  }

  /**
   * The reporter said "this wasn't me"; an agent who found the report genuine clears that, so the
   * reporter can verify again. Nothing else clears a denial (a reopen link does not).
   */
  async function clearDenial({ caseId, note, agent }: ActionInput): Promise<void> {
    await mutate(caseId, (current) => {
      if (!current.verification.denied) {
        throw new ActionNotAllowedError("the reporter has not denied this case", "not_denied");
      }
      return {
        case: { ...current, verification: { ...current.verification, denied: false } },
        events: [{ type: "verification.denial_cleared", actor: agent, detail: withNote(note) }],
      };
    });
  }

  const actions: Record<CaseActionName, (input: ActionInput) => Promise<void>> = {
    acknowledge,
    escalate,
    verify_identity: verifyIdentity,
    lock,
    unlock,
    resolve: (input) => conclude(input, "resolved"),
    close: (input) => conclude(input, "closed"),
    reopen: reopenCase,
    note: addNote,
    replay_delivery: replayDelivery,
    clear_denial: clearDenial,
    assign,
    message_reporter: messageReporter,
  };

  /** Agent actions the provider hears about as `case.updated` (locks have their own events; notes are internal). */
  const PROVIDER_VISIBLE = new Set<CaseActionName>(["acknowledge", "escalate", "resolve", "close", "reopen"]);

  return async (input: ActOnCaseInput): Promise<CaseView> => {
    const caseId = assertCaseId(input.caseId);
    const agent = input.operator.agent;
    await actingOnBehalfOf(agent, input.onBehalfOf, () =>
      actions[input.action]({
        caseId,
        agent,
        operator: input.operator,
        ...withNote(input.note),
        ...(input.deliveryId ? { deliveryId: input.deliveryId } : {}),
        ...(input.assignee !== undefined ? { assignee: input.assignee } : {}),
        ...(input.message !== undefined ? { message: input.message } : {}),
        ...(input.locale ? { locale: input.locale } : {}),
      }),
    );
    if (PROVIDER_VISIBLE.has(input.action)) await deliverCaseUpdate({ caseId, reason: input.action });
    return getCase(caseId, input.operator);
  };
}
