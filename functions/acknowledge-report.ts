import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeAcknowledgeReport } from "../src/use-cases/case-steps.js";

/** Workflow task `AcknowledgeReport`: acknowledges the report (and the lock requested) on every trusted channel. */
export const createHandler = (deps: { acknowledgeReport: ReturnType<typeof makeAcknowledgeReport> }) =>
  taskFunction(taskInput(StepInputSchema), deps.acknowledgeReport);

export const handler = lazyHandler(() =>
  createHandler({ acknowledgeReport: makeAcknowledgeReport(buildDeps("acknowledge-report")) }),
);
