import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeContainIncident } from "../src/use-cases/case-steps.js";

/** Workflow task `ContainIncident`: records the start, requests the lock where needed, arms the SLA clocks. No messages. */
export const createHandler = (deps: { containIncident: ReturnType<typeof makeContainIncident> }) =>
  taskFunction(taskInput(StepInputSchema), deps.containIncident);

export const handler = lazyHandler(() =>
  createHandler({ containIncident: makeContainIncident(buildDeps("contain-incident")) }),
);
