import { buildDeps } from "../src/adapters/compose.js";
import { taskFunction } from "../src/adapters/lambda/handlers.js";
import { makeStartPendingWorkflows } from "../src/use-cases/start-pending-workflows.js";

const startPending = makeStartPendingWorkflows(buildDeps());

/** Scheduled every minute: starts the workflows whose start failed at intake. */
export const handler = taskFunction(() => ({}), startPending);
