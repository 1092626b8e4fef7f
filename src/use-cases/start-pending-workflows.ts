import { makeMutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { caseExecutionName } from "./reopen-case.js";

/** A case younger than this may still be starting normally. */
const GRACE_MS = 30_000;

/**
 * Re-drives workflows that did not start at intake (Step Functions throttled or failed): the case
 * was kept and listed as pending; the start is idempotent on the case id, so a double start is harmless.
 *
 * 1. List the cases still pending after a 30 s grace (sparse gsi2, oldest first).
 * 2. Start each one's execution for its generation.
 * 3. An execution that already exists (it failed before `AcknowledgeReport`) is confirmed on the
 *    case, which leaves the list: nothing can stall the sweep.
 *
 * Output: how many starts were attempted and how many succeeded. Errors: none (a failed start is
 * counted as `WorkflowStartDeferred` and retried by the next sweep).
 */
export function makeStartPendingWorkflows(deps: Deps) {
  const mutate = makeMutateCase(deps);
  return async (): Promise<{ attempted: number; started: number }> => {
    const before = new Date(deps.clock.now() - GRACE_MS).toISOString();
    const caseIds = await deps.cases.listPendingStarts(before);
    let started = 0;
    for (const caseId of caseIds) {
      const found = await deps.cases.get(caseId);
      if (!found || found.case.workflow.started) continue;
      try {
        const { generation } = found.case.workflow;
        const outcome = await deps.workflow.startCase(caseExecutionName(caseId, generation), { caseId, generation });
        if (outcome === "started") started += 1;
        // The execution exists but never reached AcknowledgeReport (it failed first, visibly in Step
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
    return { attempted: caseIds.length, started };
  };
}
