import { isActive, lockDue } from "../domain/case.js";
import { caseExecutionName } from "../domain/execution-names.js";
import { makeMutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { makeRequestLock } from "./lock-requests.js";

/** A case younger than this may still be starting normally (the workflow locks within a second). */
const GRACE_MS = 30_000;

/**
 * The containment sweep (every minute): settles what intake and the workflow normally settle
 * within a second, so that no failure — Step Functions throttling a start, a containment step that
 * kept failing — leaves an account unprotected.
 *
 * 1. List the unsettled cases older than 30 s (sparse gsi2, oldest first).
 * 2. A case that calls for a lock nobody has requested gets it now (metric `LockSwept`, alarmed:
 *    it means the normal path failed). Protection first: before any workflow start.
 * 3. A workflow that did not start is started for its generation (idempotent on its name). An
 *    execution that already exists (it failed before `ContainIncident`) is confirmed on the case,
 *    which leaves the list: nothing can stall the sweep.
 *
 * Output: the starts attempted and made, and the locks requested. Errors: none (a failed start is
 * counted as `WorkflowStartDeferred`, a failed lock request is retried by the next sweep).
 */
export function makeStartPendingWorkflows(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const requestLock = makeRequestLock(deps);
  return async (): Promise<{ attempted: number; started: number; locked: number }> => {
    const before = new Date(deps.clock.now() - GRACE_MS).toISOString();
    const caseIds = await deps.cases.listUnsettled(before);
    let started = 0;
    let locked = 0;
    for (const caseId of caseIds) {
      const found = await deps.cases.get(caseId);
      if (!found || !isActive(found.case)) continue;
      if (lockDue(found.case)) {
        try {
          await requestLock({ caseId, actor: "vigil", reason: "containment sweep", inline: true });
          deps.metrics.count("LockSwept");
          locked += 1;
        } catch {
          // Listed until its lock is requested: the next sweep tries again.
        }
      }
      if (found.case.workflow.started) continue;
      try {
        const { generation } = found.case.workflow;
        const outcome = await deps.workflow.startCase(caseExecutionName(caseId, generation), { caseId, generation });
        if (outcome === "started") started += 1;
        // The execution exists but never reached ContainIncident (it failed first, visibly in Step
        // Functions): take the case off the pending list so it cannot stall the sweep.
        else
          await mutate(caseId, (current) =>
            current.workflow.started
              ? null
              : {
                  case: { ...current, workflow: { ...current.workflow, started: true } },
                  events: [{ type: "workflow.start_confirmed", actor: "vigil", detail: { generation } }],
                },
          );
      } catch {
        deps.metrics.count("WorkflowStartDeferred");
      }
    }
    return { attempted: caseIds.length, started, locked };
  };
}
