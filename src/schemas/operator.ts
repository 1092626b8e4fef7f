import * as z from "zod";
import { CASE_ACTIONS, isSafeName } from "../domain/operator.js";
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
 * A place in the queue: the sort key (`<nearest due or 9999>#<caseId>`, as the status index sorts)
 * of the last case a page returned. The next page starts strictly after it.
 */
const QUEUE_KEY_PATTERN = /^(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z|9999)#c_[A-Za-z0-9_-]{1,80}$/;

/** What a queue cursor holds: where the page ended and the filters it was read with (`s`: statuses, `p`: priority). */
const QueueCursorSchema = z
  .object({
    v: z.literal(1),
    after: z.string().regex(QUEUE_KEY_PATTERN),
    s: z.array(z.enum(CASE_STATUSES)).max(CASE_STATUSES.length),
    p: z.enum(PRIORITIES).nullable(),
  })
  .strict();
export type QueueCursor = z.infer<typeof QueueCursorSchema>;

/**
 * The `nextCursor` of a queue page: base64url of a small JSON object. Opaque to clients; it holds no
 * secret (a case id and a due time the page itself shows), so it is encoded and validated, not signed:
 * a forged cursor that passes validation can only name another place in a queue the caller may read.
 */
export function encodeQueueCursor(cursor: Omit<QueueCursor, "v">): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor }), "utf8").toString("base64url");
}

/** Decodes a cursor; `null` for anything that is not one this API wrote (bad base64url, JSON or shape). */
export function decodeQueueCursor(text: string): QueueCursor | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(text)) return null;
  try {
    const parsed = QueueCursorSchema.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The filters a cursor is bound to, in a canonical form (the statuses as asked, sorted, once each). */
export function cursorFilters(
  statuses: readonly QueueCursor["s"][number][] | undefined,
  priority: QueueCursor["p"] | undefined,
): Pick<QueueCursor, "s" | "p"> {
  return { s: [...new Set(statuses ?? [])].sort(), p: priority ?? null };
}

/**
 * The query of `GET /v1/cases`. `status` takes one status or a comma-separated list (API Gateway
 * also joins repeated parameters with commas); unknown parameters are refused so that a typo such
 * as `priorty=P1` cannot silently return the unfiltered queue. `cursor` continues the queue after a
 * page's `nextCursor`, with the same filters (a cursor read with other filters, or altered, is a 400).
 */
export const ListCasesQuerySchema = z
  .object({
    status: z
      .string()
      .transform((value) => [...new Set(value.split(",").map((part) => part.trim()))])
      .pipe(z.array(z.enum(CASE_STATUSES)).min(1))
      .optional(),
    priority: z.enum(PRIORITIES).optional(),
    /** Search: an exact case id, account id or reporter email. */
    q: z.string().trim().min(1).max(320).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_LIST_LIMIT))
      .optional(),
    /** The `nextCursor` of the previous page (the queue only, not a search). */
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,512}$/, "must be a page's nextCursor (base64url)")
      .transform((text, context) => {
        const cursor = decodeQueueCursor(text);
        if (cursor) return cursor;
        context.addIssue({ code: "custom", message: "is not a cursor this API gave (use a page's nextCursor as is)" });
        return z.NEVER;
      })
      .optional(),
  })
  .strict()
  .superRefine((query, context) => {
    if (!query.cursor) return;
    if (query.q !== undefined) {
      context.addIssue({ code: "custom", path: ["cursor"], message: "a search has one page: no cursor with q" });
      return;
    }
    const filters = cursorFilters(query.status, query.priority);
    if (filters.p !== query.cursor.p || filters.s.join(",") !== query.cursor.s.join(","))
      context.addIssue({
        code: "custom",
        path: ["cursor"],
        message: "was given for other filters (keep status and priority as they were for the first page)",
      });
  });
export type ListCasesQuery = z.infer<typeof ListCasesQuerySchema>;

/** What the queue is filtered by (the parsed query of `GET /v1/cases`). */
export interface ListCasesInput {
  /** Search instead of the queue: an exact case id, account id or reporter email (any status unless filtered). */
  q?: string;
  /** Default: every non-final status (open, awaiting_verification, verified); with `q`, every status. */
  statuses?: (typeof CASE_STATUSES)[number][];
  priority?: (typeof PRIORITIES)[number];
  /** 1–100, default 50. */
  limit?: number;
  /** The queue only: continue strictly after this queue key (decoded from `cursor`). */
  after?: string;
}

export { CASE_ACTIONS, type CaseActionName } from "../domain/operator.js";

/** Printable text: control characters (other than line breaks and tabs in notes) are refused. */
const NO_CONTROL_EXCEPT_LINES = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;

/** The longest message an agent may write to a reporter (PRODUCT.md v1.1 "Working a case"). */
export const MAX_REPORTER_MESSAGE = 2000;

/**
 * A person's name as the API accepts it (an `agent` acting on behalf of, an `assignee`): 1–128
 * characters, no control, format (`\p{Cf}`: bidi, zero-width), line-separator or invisible filler
 * characters, which would let one name display as another in the audit trail.
 */
export const PersonNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .refine(isSafeName, "must not contain control, format (bidi, zero-width) or invisible characters");

/** Free text for the reporter: up to 2,000 characters, line breaks allowed, no other control characters. */
export const ReporterMessageSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_REPORTER_MESSAGE)
  .regex(NO_CONTROL_EXCEPT_LINES, "must not contain control characters");

/** A locale tag for a message (`en`, `es`, `es-MX`…); unknown languages render in English. */
export const LocaleTagSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, "must be a locale tag such as en or es");

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
    /** A name the agent acts on behalf of: recorded as `onBehalfOf`, never as the actor. */
    agent: PersonNameSchema.optional(),
    /** For `replay_delivery`: the failed delivery (its id is the `webhook-id`, shown in the timeline). */
    deliveryId: z
      .string()
      .max(200)
      .regex(/^[\w-]+$/, "must be a delivery id from the case's timeline")
      .optional(),
    /** For `assign`: who works the case; `null` releases it. */
    assignee: PersonNameSchema.nullable().optional(),
    /** For `message_reporter`: the agent's words, sent in the branded template. */
    message: ReporterMessageSchema.optional(),
    /** For `message_reporter`: the language of the template (default: the reporter's). */
    locale: LocaleTagSchema.optional(),
  })
  .strict()
  .refine((body) => body.action !== "note" || body.note !== undefined, {
    path: ["note"],
    message: "a note action needs a note",
  })
  .refine((body) => body.action !== "replay_delivery" || body.deliveryId !== undefined, {
    path: ["deliveryId"],
    message: "a replay_delivery action needs a deliveryId",
  })
  .refine((body) => body.action !== "assign" || body.assignee !== undefined, {
    path: ["assignee"],
    message: "an assign action needs an assignee (a name, or null to release the case)",
  })
  .refine((body) => body.action !== "message_reporter" || body.message !== undefined, {
    path: ["message"],
    message: "a message_reporter action needs a message",
  });
export type CaseActionBody = z.infer<typeof CaseActionBodySchema>;

/** The largest accepted action body (a 2,000-character note and message are at most 16,000 UTF-8 bytes). */
export const MAX_ACTION_BYTES = 32 * 1024;

/** The body of `POST /v1/cases/{caseId}/messages/preview`: what `message_reporter` would send. */
export const MessagePreviewBodySchema = z
  .object({ message: ReporterMessageSchema, locale: LocaleTagSchema.optional() })
  .strict();
export type MessagePreviewBody = z.infer<typeof MessagePreviewBodySchema>;

/** The query of `GET /v1/stats/sla`: a window of 7 or 30 days (default 7). */
export const SlaStatsQuerySchema = z.object({ days: z.enum(["7", "30"]).transform(Number).optional() }).strict();
