import * as z from "zod";
import { ValidationError } from "../errors/index.js";

/** Inputs of the workflow task functions (the ASL `Parameters` are their contract). */
export const StepInputSchema = z.object({ caseId: z.string().min(1), generation: z.number().int().positive() });
export const CallbackInputSchema = StepInputSchema.extend({ taskToken: z.string().min(1) });
export const EscalateInputSchema = StepInputSchema.extend({
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  escalationSeq: z.number().int().nonnegative().optional(),
});
export const TimerInputSchema = z.object({
  kind: z.enum(["sla", "delivery"]),
  ref: z.string().min(1),
  generation: z.number().int().nonnegative(),
  at: z.string(),
  wakes: z.number().int().nonnegative().optional(),
  failures: z.number().int().nonnegative().optional(),
  segment: z.number().int().nonnegative().optional(),
});
/** Input of the timer workflow's `HandOverTimer` task. */
export const HandOverInputSchema = z.object({
  timer: TimerInputSchema.extend({ segment: z.number().int().nonnegative().default(0) }),
  executionName: z.string().min(1),
});

/** A parser for task input: a malformed input is a `ValidationError` (not retried by the workflow). */
export function taskInput<T extends z.ZodType>(schema: T): (event: unknown) => z.infer<T> {
  return (event) => {
    const result = schema.safeParse(event);
    if (result.success) return result.data;
    throw new ValidationError(
      "invalid task input",
      result.error.issues.map((issue) => ({ path: `/${issue.path.map(String).join("/")}`, message: issue.message })),
    );
  };
}
