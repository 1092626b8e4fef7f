import * as z from "zod";
import { buildDeps } from "../src/adapters/compose.js";
import { lazyHandler, taskFunction } from "../src/adapters/lambda/handlers.js";
import { makeDrainOutbound } from "../src/use-cases/drain-outbound.js";

/** The schedule's event carries no `runForMs`: a run sends for 50 s (the timeout is 60 s, the next run starts in 60 s). */
const DrainEventSchema = z.looseObject({ runForMs: z.number().int().min(0).max(50_000).default(50_000) });

/** Scheduled every minute (ADR 0014): sends queued reporter messages at the configured rates, P1 first. */
export const createHandler = (drain: ReturnType<typeof makeDrainOutbound>) =>
  taskFunction((event) => DrainEventSchema.parse(event ?? {}), drain);

export const handler = lazyHandler(() => createHandler(makeDrainOutbound(buildDeps("drain-outbound"))));
