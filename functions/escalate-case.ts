import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { EscalateInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeEscalateCase } from "../src/use-cases/case-steps.js";

/** Workflow task `EscalateCase`: makes a failure visible on the case and pages the on-call agent. */
export const createHandler = (deps: { escalateCase: ReturnType<typeof makeEscalateCase> }) =>
  taskFunction(taskInput(EscalateInputSchema), deps.escalateCase);

export const handler = lazyHandler(() => createHandler({ escalateCase: makeEscalateCase(buildDeps("escalate-case")) }));
