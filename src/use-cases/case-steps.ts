import { isActive, lockDue, reportedTypes, reporterReachable } from "../domain/case.js";
import { pause, resume } from "../domain/sla.js";
import type { IncidentType } from "../domain/types.js";
import {
  CaseConcludedError,
  MessageUndeliverableError,
  ReporterUnreachableError,
  WORKFLOW_ERRORS,
} from "../errors/index.js";
import type { Case } from "../schemas/case.js";
import { makeMutateCase } from "./case-mutation.js";
import { countCodeSend, mintCode, mintLink, mintReplyAddress } from "./challenges.js";
import { notifyLockApplied } from "./deliveries.js";
import type { Deps } from "./deps.js";
import { makeSendGuidanceFor } from "./guidance.js";
import { lockRequestChange, makeFollowLockRequest, notifyLockRequested } from "./lock-requests.js";
import { makeNotifyReporter, notifyOncall, sendClaimed, sendToChannels, wasSent } from "./notify.js";
import { type CasePlan, planFor } from "./plan.js";
import { makeRearmSlaTimer } from "./sla-timer.js";

/** Input of every case-workflow task. */
export interface StepInput {
  caseId: string;
  generation: number;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/**
 * `ContainIncident`: the first state of every case workflow. Protection comes before any message,
 * and nothing here sends one, so no messaging failure can skip or delay it.
 *
 * 1. Record the start (the case leaves the pending-start list).
 * 2. Where the case calls for a lock and none is requested yet, request it (the provider webhook
 *    and its EventBridge event go out at once; the reporter hears of it in `AcknowledgeReport`).
 * 3. Arm the SLA timer. 4. Return the plan the workflow routes on, read from the stored case.
 */
export function makeContainIncident(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const followLockRequest = makeFollowLockRequest(deps);
  const rearm = makeRearmSlaTimer(deps);
  const lockInput = { actor: "vigil", reason: "containment at intake", notifyReporter: false, inline: true };
  return async (input: StepInput): Promise<CasePlan> => {
    // One write records the start and, where due, the lock request.
    let item = await mutate(input.caseId, (current, now) => {
      const starting = !(current.workflow.started && current.workflow.generation === input.generation);
      const started = starting
        ? { ...current, workflow: { ...current.workflow, started: true, generation: input.generation } }
        : current;
      const locking =
        isActive(started) && lockDue(started) ? lockRequestChange(started, now, lockInput, deps.config.policy) : null;
      if (!starting && !locking) return null;
      return {
        case: locking?.case ?? started,
        events: [
          ...(starting ? [{ type: "workflow.started", actor: "vigil", detail: { generation: input.generation } }] : []),
          ...(locking?.events ?? []),
        ],
      };
    });
    // The provider hears of the lock in this invocation (the first attempt; a timer retries).
    if (item.lock.state === "requested") item = await followLockRequest(item, lockInput);
    else await rearm(item.caseId);
    return planFor(item, deps.clock.now(), deps.config.policy);
  };
}

/**
 * `ReadCasePlan`: the plan of the stored case, for a workflow whose first step failed (it escalates
 * with what the case really needs, never with assumed constants).
 */
export function makeReadCasePlan(deps: Deps) {
  return async (input: StepInput): Promise<CasePlan> => {
    const found = await deps.cases.get(input.caseId);
    if (!found) throw new CaseConcludedError(`case ${input.caseId} is gone`);
    return planFor(found.case, deps.clock.now(), deps.config.policy);
  };
}

/**
 * `AcknowledgeReport`: tells the reporter the report arrived (and, where one was requested, that
 * the account is being locked). It runs after containment: a message that cannot be sent is
 * recorded on the case and never undoes the lock or the clocks.
 *
 * 1. Acknowledge the report on every trusted channel (once per generation).
 * 2. Tell of the lock: applied (the provider answered the containment step at once) or requested.
 * 3. Return the plan. @throws ReporterUnreachable when no channel to the reporter is left.
 */
export function makeAcknowledgeReport(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  return async (input: StepInput): Promise<CasePlan> => {
    const found = await deps.cases.get(input.caseId);
    if (!found) throw new CaseConcludedError(`case ${input.caseId} is gone`);
    const item = found.case;
    if (isActive(item)) {
      await notify(item.caseId, "acknowledgement", {
        vars: {
          priority: item.priority,
          lockRequested: item.lock.scopes.length > 0,
          reopened: input.generation > 1,
          seedPhraseRedacted: item.seedPhraseRedacted ?? false,
        },
      });
      if (item.lock.state === "applied") await notifyLockApplied(notify, item);
      else if (item.lock.state === "requested") await notifyLockRequested(notify, item);
    }
    return reachablePlan(deps, input.caseId);
  };
}

/** The plan of the case as stored now. @throws ReporterUnreachable when no channel to the reporter is trusted. */
async function reachablePlan(deps: Deps, caseId: string): Promise<CasePlan> {
  const found = await deps.cases.get(caseId);
  if (!found) throw new CaseConcludedError(`case ${caseId} is gone`);
  if (isActive(found.case) && !reporterReachable(found.case)) {
    throw new ReporterUnreachableError("no channel to the reporter is left: every one failed permanently");
  }
  return planFor(found.case, deps.clock.now(), deps.config.policy);
}

/**
 * `SendUrgentGuidance` / `SendRecoveryGuidance`: the recovery guidance written for the incident.
 *
 * 1. Send the guidance of every reported type (the gravest first) on every trusted channel, once
 *    per type and generation (the urgent P1 send makes the later one a no-op); a concluded case
 *    gets nothing more.
 * 2. Return the refreshed plan (the resolution clock may have moved while waiting on the reporter).
 *
 * @throws CaseConcluded when the case no longer exists. @throws ReporterUnreachable when no channel is left.
 */
export function makeSendGuidance(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const sendGuidance = makeSendGuidanceFor(deps, mutate);
  return async (input: StepInput): Promise<CasePlan> => {
    const found = await deps.cases.get(input.caseId);
    if (!found) throw new CaseConcludedError(`case ${input.caseId} is gone`);
    if (isActive(found.case)) await sendGuidance(found.case, guidanceOrder(found.case));
    return reachablePlan(deps, input.caseId);
  };
}

/** The reported types, the gravest first: the order guidance is sent in. */
function guidanceOrder(item: Case): IncidentType[] {
  return [item.incidentType, ...reportedTypes(item).filter((type) => type !== item.incidentType)];
}

/**
 * `RequestVerification` (callback): asks the reporter to prove both channels.
 *
 * 1. Park the task token on the case (it never leaves the backend), status `awaiting_verification`,
 *    the resolution clock paused. A case an agent already concluded raises `CaseConcluded`.
 * 2. Once per generation: mint the link (email) and, where SMS is trusted, a code (SMS), and send them.
 * The workflow resumes when the reporter confirms (verify-reporter), an agent verifies, or it times out.
 */
export function makeRequestVerification(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (input: StepInput & { taskToken: string }): Promise<void> => {
    const item = await mutate(input.caseId, (current, now) => {
      if (!isActive(current)) throw new CaseConcludedError(`case ${current.caseId} is ${current.status}`);
      const same = current.workflow.waiting?.taskToken === input.taskToken;
      if (same) return null;
      return {
        case: {
          ...current,
          status: "awaiting_verification",
          workflow: {
            ...current.workflow,
            waiting: { kind: "verification", taskToken: input.taskToken, since: iso(now) },
          },
          sla: { ...current.sla, resolution: pause(current.sla.resolution, now) },
        },
        events: [{ type: "verification.requested", actor: "vigil", detail: { channels: current.channels } }],
      };
    });
    if (isActive(item) && !item.channels.email) {
      throw new ReporterUnreachableError("the verification link cannot reach the reporter: email failed permanently");
    }
    // One key per channel: a retry after the SMS failed re-sends a fresh code only, never the email twice.
    const keys = {
      email: `verification_request#${input.generation}#email`,
      sms: `verification_request#${input.generation}#sms`,
    };
    const smsPlanned = item.channels.sms && Boolean(item.reporter.phone);
    const needed = (["email", "sms"] as const).filter(
      (channel) => (channel === "email" ? item.channels.email : smsPlanned) && !item.sent.includes(keys[channel]),
    );
    if (!needed.length) return;
    const now = deps.clock.now();
    const verifyUrl = needed.includes("email") ? await mintLink(deps, item, "verify_reporter") : undefined;
    const replyTo = needed.includes("email") ? await mintReplyAddress(deps, item) : undefined;
    const sms = needed.includes("sms") ? await mintCode(deps, item, now) : null;
    const { case: marked, result: claimed } = await mutate.deciding(input.caseId, (current) => {
      const claimed = needed.filter((channel) => !current.sent.includes(keys[channel]));
      if (!claimed.length) return { change: null, result: claimed };
      return {
        change: {
          case: {
            ...current,
            sent: [...current.sent, ...claimed.map((channel) => keys[channel])],
            verification: {
              ...current.verification,
              challengeGeneration: input.generation,
              ...(sms && claimed.includes("sms")
                ? { code: sms.state, codeSends: [...current.verification.codeSends, now] }
                : {}),
            },
          },
          events: [
            { type: "message.sent", actor: "vigil", detail: { kind: "verification_request", channels: claimed } },
          ],
        },
        result: claimed,
      };
    });
    // The first code counts toward its number's limit across cases (never refused: the workflow needs it).
    if (sms && claimed.includes("sms")) await countCodeSend(deps, marked.reporter.phone as string, now, false);
    // Queued (throttled or behind a backlog), the link and the code are minted again when they go out:
    // the queue never holds a secret, and the reporter never gets a stale code.
    const messages = {
      email: {
        send: () =>
          sendToChannels(
            deps,
            marked,
            "verification_request",
            { verifyUrl, expiresMinutes: 30, smsCodeSent: smsPlanned },
            "email",
            { replyTo },
          ),
        queued: {
          kind: "verification_request" as const,
          vars: { expiresMinutes: 30, smsCodeSent: smsPlanned },
          mint: "verification_link" as const,
        },
      },
      sms: {
        send: () => sendToChannels(deps, marked, "verification_code", { code: sms?.code, expiresMinutes: 10 }, "sms"),
        queued: {
          kind: "verification_code" as const,
          vars: { expiresMinutes: 10 },
          mint: "verification_code" as const,
        },
      },
    };
    await sendClaimed(deps, mutate, marked, claimed, keys, messages);
    // Without the emailed link (email refused for good) the reporter cannot verify: an agent takes over at once.
    const after = (await deps.cases.get(input.caseId))?.case;
    if (after && isActive(after) && !after.channels.email) {
      throw new ReporterUnreachableError("the verification link cannot reach the reporter");
    }
  };
}

/**
 * `AwaitResolution` (callback): waits for an agent.
 *
 * 1. Park the task token on the case (`workflow.waiting`, kind `resolution`); a retry with the same
 *    token changes nothing. The resolve/close actions resume it with the outcome.
 * 2. A case an agent concluded meanwhile resumes the workflow at once (SendTaskSuccess).
 */
export function makeAwaitResolution(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (input: StepInput & { taskToken: string }): Promise<void> => {
    const item = await mutate(input.caseId, (current, now) =>
      !isActive(current) || current.workflow.waiting?.taskToken === input.taskToken
        ? null
        : {
            case: {
              ...current,
              workflow: {
                ...current.workflow,
                waiting: { kind: "resolution", taskToken: input.taskToken, since: iso(now) },
              },
            },
            events: [{ type: "resolution.awaited", actor: "vigil", detail: {} }],
          },
    );
    if (!isActive(item)) await deps.workflow.sendTaskSuccess(input.taskToken, { outcome: item.status });
  };
}

/**
 * `CompleteCase`: an agent resolved or closed the case.
 *
 * 1. Record the final status (`resolved`, or `closed` with its reason) and clear the waiting token.
 * 2. Free the account, so the next report for it opens a new case.
 * 3. Tell the reporter once, with a reopen link (a 30-day single-use link), on every trusted channel.
 * 4. Stop the SLA timer (no clock is left to watch).
 */
export function makeCompleteCase(deps: Deps) {
  return makeConclude(deps, (current) => (current.status === "resolved" ? "resolved" : "closed"));
}

/**
 * `CloseUnverified`: the reporter did not verify within the pause cap (24 h). The same steps as
 * `CompleteCase`, with status `closed`, reason `unverified`, and the resolution clock's pause ended.
 */
export function makeCloseUnverified(deps: Deps) {
  return makeConclude(deps, () => "unverified_closed");
}

function makeConclude(deps: Deps, kindOf: (current: Case) => "resolved" | "closed" | "unverified_closed") {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const rearm = makeRearmSlaTimer(deps);
  return async (input: StepInput): Promise<void> => {
    const item = await mutate(input.caseId, (current, now) => {
      const kind = kindOf(current);
      const status = kind === "resolved" ? "resolved" : "closed";
      const closeReason =
        kind === "resolved"
          ? "resolved"
          : kind === "closed"
            ? (current.closeReason ?? "closed_by_agent")
            : "unverified";
      if (current.status === status && current.workflow.waiting === null && current.closeReason === closeReason)
        return null;
      return {
        case: {
          ...current,
          status,
          closeReason,
          closedAt: current.closedAt ?? iso(now),
          workflow: { ...current.workflow, waiting: null },
          sla: {
            ...current.sla,
            resolution:
              kind === "unverified_closed"
                ? resume(current.sla.resolution, now, deps.config.policy.verificationPauseCapSeconds)
                : current.sla.resolution,
          },
        },
        events: [{ type: `case.${kind}`, actor: "vigil", detail: { closeReason } }],
      };
    });
    await deps.accounts.release(item.accountId, item.caseId);
    const kind = kindOf(item);
    if (!wasSent(item, `${kind}#${input.generation}`)) {
      const reopenUrl = await mintLink(deps, item, "reopen_case");
      const stillLocked = item.lock.state === "requested" || item.lock.state === "applied";
      await notify(item.caseId, kind, { vars: { reopenUrl, stillLocked } });
    }
    await rearm(item.caseId);
  };
}

/** Why the workflow escalated, in the on-call page's words, by the error it caught. */
const ESCALATION_REASONS: Record<string, string> = {
  [WORKFLOW_ERRORS.verificationDenied]: "the reporter says the report was not theirs",
  [WORKFLOW_ERRORS.reporterUnreachable]:
    "no message can reach the reporter (every channel failed permanently): verify their identity another way",
  "States.Timeout": "no agent resolved the case in twice its resolution target",
};

/**
 * `EscalateCase`: a step failed, the reporter denied the report, or nobody resolved the case in
 * time. The workflow then waits for an agent, or ends if the case was already concluded (a late
 * failure of the closing step must not loop back into the wait).
 *
 * 1. Record the escalation once: `escalationSeq` comes from the plan, so an ASL retry of this task
 *    finds it recorded and records nothing more. The failure becomes visible in `case.failures`.
 * 2. Page the on-call once per escalation (its key in `case.sent`, marked after the page went out or
 *    was queued behind a message backlog, ADR 0014).
 * 3. Return the plan (with `concluded` and the new `escalationSeq`).
 */
export function makeEscalateCase(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (
    input: StepInput & { failure?: { Error?: string; Cause?: string }; escalationSeq?: number },
  ): Promise<CasePlan> => {
    const error = input.failure?.Error ?? "Unknown";
    const reason = ESCALATION_REASONS[error] ?? `a workflow step failed (${error})`;
    const seq = (input.escalationSeq ?? 0) + 1;
    const item = await mutate(input.caseId, (current, now) =>
      current.workflow.escalationSeq >= seq
        ? null
        : {
            case: {
              ...current,
              status: current.status === "awaiting_verification" ? "open" : current.status,
              escalations: current.escalations + 1,
              workflow: { ...current.workflow, waiting: null, escalationSeq: seq },
              sla: {
                ...current.sla,
                resolution: resume(current.sla.resolution, now, deps.config.policy.verificationPauseCapSeconds),
              },
              failures:
                error === WORKFLOW_ERRORS.verificationDenied || error === WORKFLOW_ERRORS.reporterUnreachable
                  ? current.failures
                  : [...current.failures.slice(-9), { at: iso(now), step: "workflow", error }],
            },
            events: [{ type: "case.escalated", actor: "vigil", detail: { reason, error } }],
          },
    );
    const pageKey = `oncall#escalation-${item.workflow.generation}-${seq}`;
    if (!item.sent.includes(pageKey)) {
      try {
        await notifyOncall(deps, item, { reason }, { key: pageKey });
      } catch (pageError) {
        // A page that can never go out (a rejected on-call address) is counted and alarmed; retrying
        // it cannot help, and the escalation is on the case for the queue. Anything else is retried.
        if (!(pageError instanceof MessageUndeliverableError)) throw pageError;
        deps.metrics.count("OncallPageFailed");
      }
      await mutate(input.caseId, (current) =>
        current.sent.includes(pageKey) ? null : { case: { ...current, sent: [...current.sent, pageKey] }, events: [] },
      );
    }
    const after = (await deps.cases.get(input.caseId))?.case ?? item;
    return planFor(after, deps.clock.now(), deps.config.policy);
  };
}
