import { buildAnchorDeps } from "../src/adapters/anchor/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { makeAnchorAudit } from "../src/use-cases/anchor-audit.js";

/**
 * Every 5 minutes, and when a case workflow ends (an EventBridge rule on its execution status): signs
 * the audit heads that changed into a new anchor. The event itself is not read (it carries nothing
 * the anchor needs), so a schedule tick and a closure are the same call.
 */
export const createHandler = (deps: { anchorAudit: ReturnType<typeof makeAnchorAudit> }) =>
  taskFunction(() => undefined, deps.anchorAudit);

export const handler = lazyHandler(() => createHandler({ anchorAudit: makeAnchorAudit(buildAnchorDeps()) }));
