import type { IncidentType } from "../domain/types.js";
import type { Case } from "../schemas/case.js";
import type { MutateCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { makeNotifyReporter } from "./notify.js";

/** The idempotency key of the guidance of one incident type in one workflow generation. */
export const guidanceKey = (incidentType: IncidentType, generation: number) => `guidance:${incidentType}#${generation}`;

/** Sends the guidance of each type once per generation (each on its own key). */
export function makeSendGuidanceFor(deps: Deps, mutate: MutateCase) {
  const notify = makeNotifyReporter(deps, mutate);
  return async (item: Case, types: readonly IncidentType[]): Promise<void> => {
    for (const incidentType of types) {
      await notify(item.caseId, "guidance", {
        key: guidanceKey(incidentType, item.workflow.generation),
        incidentType,
      });
    }
  };
}
