import * as z from "zod";
import { CASE_STATUSES, PRIORITIES } from "../domain/types.js";

/**
 * Case ids as Vigil mints them (`c_` + a ULID; test ids such as `c_mutation` also fit). Anything else cannot name a
 * case, so the operator API answers 404 for it without a read.
 */
export const CASE_ID_PATTERN = /^c_[A-Za-z0-9_-]{1,80}$/;

/** The statuses the operator queue shows when no `status` filter is given: every non-final one. */
export const ACTIVE_STATUSES = ["open", "awaiting_verification", "verified"] as const;

/** The largest page `GET /v1/cases` returns. */
export const MAX_LIST_LIMIT = 100;
export const DEFAULT_LIST_LIMIT = 50;

/**
 * The query of `GET /v1/cases`. `status` takes one status or a comma-separated list (API Gateway
 * also joins repeated parameters with commas); unknown parameters are refused so that a typo such
 * as `priorty=P1` cannot silently return the unfiltered queue.
 */
export const ListCasesQuerySchema = z
  .object({
    status: z
      .string()
      .transform((value) => [...new Set(value.split(",").map((part) => part.trim()))])
      .pipe(z.array(z.enum(CASE_STATUSES)).min(1))
      .optional(),
    priority: z.enum(PRIORITIES).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_LIST_LIMIT))
      .optional(),
  })
  .strict();
export type ListCasesQuery = z.infer<typeof ListCasesQuerySchema>;

export const CASE_ACTIONS = [
  "acknowledge",
  "escalate",
  "verify_identity",
  "lock",
  "unlock",
  "resolve",
  "close",
  "reopen",
  "note",
  "replay_delivery",
  "clear_denial",
] as const;
export type CaseActionName = (typeof CASE_ACTIONS)[number];

/** Printable text: control characters (other than line breaks and tabs in notes) are refused. */
const NO_CONTROL = /^[^\p{Cc}]*$/u;
const NO_CONTROL_EXCEPT_LINES = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;

/** The body of `POST /v1/cases/{caseId}/actions`. A `note` action needs a note. */
export const CaseActionBodySchema = z
  .object({
    action: z.enum(CASE_ACTIONS),
    note: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .regex(NO_CONTROL_EXCEPT_LINES, "must not contain control characters")
      .optional(),
    agent: z.string().trim().min(1).max(128).regex(NO_CONTROL, "must not contain control characters").optional(),
    /** For `replay_delivery`: the failed delivery (its id is the `webhook-id`, shown in the timeline). */
    deliveryId: z
      .string()
      .max(200)
      .regex(/^[\w-]+$/, "must be a delivery id from the case's timeline")
      .optional(),
  })
  .strict()
  .refine((body) => body.action !== "note" || body.note !== undefined, {
    path: ["note"],
    message: "a note action needs a note",
  })
  .refine((body) => body.action !== "replay_delivery" || body.deliveryId !== undefined, {
    path: ["deliveryId"],
    message: "a replay_delivery action needs a deliveryId",
  });
export type CaseActionBody = z.infer<typeof CaseActionBodySchema>;

/** The largest accepted action body (a 2,000-character note is at most 8,000 UTF-8 bytes). */
export const MAX_ACTION_BYTES = 16 * 1024;
