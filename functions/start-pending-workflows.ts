import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { makeStartPendingWorkflows } from "../src/use-cases/start-pending-workflows.js";

/** Scheduled every minute: starts the workflows whose start failed at intake. */
export const createHandler = (deps: { startPending: ReturnType<typeof makeStartPendingWorkflows> }) =>
  taskFunction(() => ({}), deps.startPending);

export const handler = lazyHandler(() =>
  createHandler({ startPending: makeStartPendingWorkflows(buildDeps("start-pending-workflows")) }),
);
