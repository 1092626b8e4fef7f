import { buildDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { StepInputSchema, taskInput } from "../src/schemas/tasks.js";
import { makeAcknowledgeReport } from "../src/use-cases/case-steps.js";

/** Workflow task `AcknowledgeReport`: records the start, acknowledges the report, arms the SLA timer. */
export const handler = taskFunction(taskInput(StepInputSchema), makeAcknowledgeReport(buildDeps()));
