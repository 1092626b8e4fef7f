import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeSendGuidance } from "../src/use-cases/case-steps.js";

/** Workflow tasks `SendUrgentGuidance` and `SendRecoveryGuidance`: the recovery guidance for the incident. */
export const createHandler = (deps: { sendGuidance: ReturnType<typeof makeSendGuidance> }) =>
  taskFunction(taskInput(StepInputSchema), deps.sendGuidance);

export const handler = lazyHandler(() => createHandler({ sendGuidance: makeSendGuidance(buildDeps("send-guidance")) }));
