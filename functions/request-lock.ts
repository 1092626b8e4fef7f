import { buildDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeRequestLock } from "../src/use-cases/locks.js";

const requestLock = makeRequestLock(buildDeps());

/** Workflow task `RequestAccountLock`: asks the provider to lock the account, before any verification. */
export const handler = taskFunction(taskInput(StepInputSchema), async ({ caseId }) => {
  await requestLock({ caseId, actor: "vigil", reason: "containment at intake" });
  return {};
});
