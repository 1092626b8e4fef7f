import { isActive } from "../domain/case.js";
import { pause, resume } from "../domain/sla.js";
import { CaseConcludedError } from "../errors/index.js";
import type { Case } from "../schemas/case.js";
import { makeMutateCase } from "./case-mutation.js";
import { mintCode, mintLink } from "./challenges.js";
import type { Deps } from "./deps.js";
import { makeNotifyReporter, notifyOncall, sendToChannels } from "./notify.js";
import { type CasePlan, planFor } from "./plan.js";
import { makeRearmSlaTimer } from "./sla-timer.js";

/** Input of every case-workflow task. */
export interface StepInput {
  caseId: string;
  generation: number;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/**
 * `AcknowledgeReport`: the workflow has started for the case.
 *
 * 1. Record the start (the case leaves the pending-start list).
 * 2. Acknowledge the report on every trusted channel (once per generation).
 * 3. Arm the SLA timer. 4. Return the plan the workflow routes on.
 */
export function makeAcknowledgeReport(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const rearm = makeRearmSlaTimer(deps);
  return async (input: StepInput): Promise<CasePlan> => {
    const item = await mutate(input.caseId, (current) =>
      current.workflow.started && current.workflow.generation === input.generation
        ? null
        : {
            case: { ...current, workflow: { ...current.workflow, started: true, generation: input.generation } },
            events: [{ type: "workflow.started", actor: "vigil", detail: { generation: input.generation } }],
          },
    );
    await notify(item.caseId, "acknowledgement", {
      vars: { priority: item.priority, lockRequested: item.lock.scopes.length > 0, reopened: input.generation > 1 },
    });
    await rearm(item.caseId);
    return planFor(item, deps.clock.now(), deps.config.policy);
  };
}

/** `SendUrgentGuidance` / `SendRecoveryGuidance`: the recovery guidance for the incident, once per generation. */
export function makeSendGuidance(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  return async (input: StepInput): Promise<CasePlan> => {
    const found = await deps.cases.get(input.caseId);
    if (found && isActive(found.case)) await notify(input.caseId, "guidance");
    const item = found ? ((await deps.cases.get(input.caseId))?.case ?? found.case) : null;
    if (!item) throw new CaseConcludedError(`case ${input.caseId} is gone`);
    return planFor(item, deps.clock.now(), deps.config.policy);
  };
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
    const key = `verification_request#${input.generation}`;
    if (item.sent.includes(key)) return;
    const now = deps.clock.now();
    const verifyUrl = await mintLink(deps, item, "verify_reporter");
    const sms = item.channels.sms && item.reporter.phone ? await mintCode(deps, item, now) : null;
    const marked = await mutate(input.caseId, (current) =>
      current.sent.includes(key)
        ? null
        : {
            case: {
              ...current,
              sent: [...current.sent, key],
              verification: {
                ...current.verification,
                challengeGeneration: input.generation,
                ...(sms ? { code: sms.state, codeSends: [...current.verification.codeSends, now] } : {}),
              },
            },
            events: [{ type: "message.sent", actor: "vigil", detail: { kind: "verification_request" } }],
          },
    );
    if (marked.verification.challengeGeneration !== input.generation) return;
    try {
      await sendToChannels(
        deps,
        marked,
        "verification_request",
        { verifyUrl, expiresMinutes: 30, smsCodeSent: Boolean(sms) },
        "email",
      );
      if (sms) await sendToChannels(deps, marked, "verification_code", { code: sms.code, expiresMinutes: 10 }, "sms");
    } catch (error) {
      // Un-mark so the workflow's retry mints and sends a fresh link and code (as notify does).
      await mutate(input.caseId, (current) => ({
        case: { ...current, sent: current.sent.filter((sent) => sent !== key) },
        events: [
          {
            type: "message.failed",
            actor: "vigil",
            detail: { kind: "verification_request", error: (error as Error).name },
          },
        ],
      }));
      throw error;
    }
  };
}

/**
 * `AwaitResolution` (callback): parks the token until an agent resolves or closes the case. A case
 * concluded meanwhile resumes the workflow at once.
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

/** `CompleteCase`: the case was resolved or closed by an agent; tell the reporter (with a reopen link) and stop the clocks. */
export function makeCompleteCase(deps: Deps) {
  return makeConclude(deps, (current) => (current.status === "resolved" ? "resolved" : "closed"));
}

/** `CloseUnverified`: the reporter did not verify within the pause cap; close with a reopen link. */
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
    if (!item.sent.includes(`${kind}#${input.generation}`)) {
      const reopenUrl = await mintLink(deps, item, "reopen_case");
      await notify(item.caseId, kind, { vars: { reopenUrl } });
    }
    await rearm(item.caseId);
  };
}

/**
 * `EscalateCase`: a step failed, the reporter denied the report, or nobody resolved the case in
 * time. The failure becomes visible on the case and the on-call agent is paged; the workflow then
 * waits for an agent.
 */
export function makeEscalateCase(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (input: StepInput & { failure?: { Error?: string; Cause?: string } }): Promise<CasePlan> => {
    const error = input.failure?.Error ?? "Unknown";
    const reason =
      error === "VerificationDenied"
        ? "the reporter says the report was not theirs"
        : error === "States.Timeout"
          ? "no agent resolved the case in twice its resolution target"
          : `a workflow step failed (${error})`;
    const item = await mutate(input.caseId, (current, now) => ({
      case: {
        ...current,
        status: current.status === "awaiting_verification" ? "open" : current.status,
        escalations: current.escalations + 1,
        workflow: { ...current.workflow, waiting: null },
        sla: {
          ...current.sla,
          resolution: resume(current.sla.resolution, now, deps.config.policy.verificationPauseCapSeconds),
        },
        failures:
          error === "VerificationDenied"
            ? current.failures
            : [...current.failures.slice(-9), { at: iso(now), step: "workflow", error }],
      },
      events: [{ type: "case.escalated", actor: "vigil", detail: { reason, error } }],
    }));
    await notifyOncall(deps, item, { reason });
    return planFor(item, deps.clock.now(), deps.config.policy);
  };
}
