import * as z from "zod";
import { CASE_STATUSES, PRIORITIES } from "../domain/types.js";
import { AuditEventSchema, CaseSchema, SlaClockSchema } from "./case.js";
import { CASE_ACTIONS } from "./operator.js";

/**
 * The HTTP API's answers, as zod schemas: `docs/openapi.json` is generated from them (`npm run openapi`) and the
 * integration tests validate real responses against that document, so a field added to a response without
 * being described here fails a test. Request bodies and queries are described by their own schemas (report.ts,
 * operator.ts, verify.ts).
 *
 * Fields marked "v1.1" are contract additions (docs/product.md) that the operator API fills in once they are
 * implemented; they are optional here until every response carries them.
 */

const Iso = z.iso.datetime();
const Priority = z.enum(PRIORITIES);
const Status = z.enum(CASE_STATUSES);
/** The stored case's fields (src/domain/case-record.ts): the answers below take theirs from it. */
const Stored = CaseSchema.shape;
/** Action names: today's plus the v1.1 additions, whichever module declares them. */
const ActionName = z.enum([...new Set([...CASE_ACTIONS, "assign", "message_reporter", "clear_denial"])] as [
  string,
  ...string[],
]);

/** A problem detail (RFC 9457), the body of every error answer (`application/problem+json`). */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: "`https://vigil.dev/problems/<kind>`, or `about:blank` for a 500" }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    /** Validation errors only: one entry per offending field (a JSON Pointer into the request). */
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** Business-rule refusals (409, 403): a stable machine-readable code such as `cooldown`. */
    reason: z.string().optional(),
  })
  .meta({ description: "RFC 9457 problem details" });

/** `202` of `POST /v1/reports`. */
export const ReportAcceptedSchema = z.object({
  caseId: z.string(),
  status: Status,
  priority: Priority,
  /** The same `webhook-id` was seen before: this is the case it opened. */
  duplicate: z.boolean(),
  /** The account already had an open case: the report joined it. */
  merged: z.boolean(),
});

const Clock = SlaClockSchema.shape;

const ClockSummarySchema = z.object({
  dueAt: Clock.dueAt,
  metAt: Clock.metAt,
  warnedAt: Clock.warnedAt,
  breachedAt: Clock.breachedAt,
});

const ClockViewSchema = z.object({
  startedAt: Clock.startedAt,
  targetSeconds: Clock.targetSeconds,
  dueAt: Clock.dueAt,
  metAt: Clock.metAt,
  warnedAt: Clock.warnedAt,
  breachedAt: Clock.breachedAt,
  escalatedAt: Clock.escalatedAt,
  /** Always present in an answer (the stored clock's default applies on read). */
  exhaustedAt: Clock.exhaustedAt.unwrap(),
  /** v1.1 (console): the clock in one word. */
  state: z.enum(["running", "paused", "met", "breached"]).optional(),
  /** v1.1 (console): when the clock stopped, met or late. */
  stoppedAt: Iso.nullable().optional(),
});

const ResolutionClockViewSchema = ClockViewSchema.extend({
  /** Seconds the clock waited on the reporter (capped at 24 h). */
  pausedSeconds: Clock.pausedSeconds,
  pausedAt: Clock.pausedAt,
});

/** A case in the operator queue (`GET /v1/cases`): no contact data. */
export const CaseSummarySchema = z.object({
  caseId: Stored.caseId,
  accountId: Stored.accountId,
  incidentType: Stored.incidentType,
  /** v1.1: every reported type, in order. */
  incidentTypes: Stored.incidentTypes,
  /** v1.1: the agent working the case. */
  assignee: Stored.assignee,
  priority: Stored.priority,
  status: Stored.status,
  lock: Stored.lock.pick({ state: true, scopes: true }),
  verification: Stored.verification.pick({ email: true, sms: true, identity: true, denied: true }),
  sla: z.object({
    containment: ClockSummarySchema.nullable(),
    firstResponse: ClockSummarySchema,
    resolution: ClockSummarySchema,
  }),
  /** The nearest due time among running clocks: what the queue sorts by. */
  nearestDueAt: Iso.nullable(),
  acknowledgedAt: Stored.acknowledgedAt,
  openedAt: Stored.openedAt,
  escalations: Stored.escalations,
});

/** `200` of `GET /v1/cases`. */
export const CaseListSchema = z.object({
  cases: z.array(CaseSummarySchema),
  /** The queue only, when more cases follow: an opaque cursor to pass back as `?cursor=` (same filters). */
  nextCursor: z.string().optional(),
});

/** A case as `GET /v1/cases/{caseId}` (and every action) returns it: contacts masked, secrets left out. */
export const CaseViewSchema = z.object({
  caseId: Stored.caseId,
  accountId: Stored.accountId,
  /** The gravest reported type: what the case acts on. */
  incidentType: Stored.incidentType,
  /** Every reported type, in order (always present in an answer). */
  incidentTypes: Stored.incidentTypes.unwrap(),
  priority: Stored.priority,
  initialPriority: Stored.initialPriority,
  status: Stored.status,
  closeReason: Stored.closeReason,
  reporter: z.object({
    email: z.string().meta({ description: "masked, e.g. a***@example.com" }),
    phone: z.string().meta({ description: "masked, e.g. +1415*****00" }).optional(),
    locale: z.string(),
  }),
  /** The reporter's words as text (never HTML), contacts masked; a seed phrase is removed before it is stored. */
  description: z.string().optional(),
  /** v1.1: a run of 12+ BIP-39 words was removed from the description. */
  seedPhraseRedacted: Stored.seedPhraseRedacted,
  signals: Stored.signals,
  channels: Stored.channels,
  verification: Stored.verification
    .pick({
      email: true,
      sms: true,
      identity: true,
      denied: true,
      emailVerifiedAt: true,
      smsVerifiedAt: true,
      identityVerifiedAt: true,
    })
    .extend({
      /** While verification is locked after repeated failures: until when. */
      lockedUntil: Iso.nullable(),
    }),
  lock: Stored.lock,
  sla: z.object({
    containment: ClockViewSchema.nullable(),
    firstResponse: ClockViewSchema,
    resolution: ResolutionClockViewSchema,
  }),
  nearestDueAt: Iso.nullable(),
  acknowledgedAt: Stored.acknowledgedAt,
  acknowledgedBy: Stored.acknowledgedBy,
  /** v1.1: the agent working the case. */
  assignee: Stored.assignee,
  escalations: Stored.escalations,
  /** v1.1: the actions the case's state (and the caller's role) allows now. */
  allowedActions: z.array(ActionName).optional(),
  /** Steps and messages that failed, by class (never a provider's text). */
  failures: Stored.failures,
  /** Where the workflow stands; the task token it waits on never leaves the backend. */
  workflow: z.object({
    generation: z.number().int(),
    waitingOn: z.enum(["verification", "resolution"]).nullable(),
    waitingSince: Iso.nullable(),
  }),
  /** Reports merged into the case. */
  reports: z.number().int().positive(),
  openedAt: Stored.openedAt,
  updatedAt: Stored.updatedAt,
  closedAt: Stored.closedAt,
  /** The audit trail, scrubbed of contact data and secrets. */
  timeline: z.array(
    z.object({
      seq: z.number().int().positive(),
      at: Iso,
      type: z.string(),
      actor: z.string(),
      /** v1.1: the name the actor acted for, when they gave one. */
      onBehalfOf: z.string().optional(),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
});

/** `200` of `GET /v1/cases/{caseId}/audit`. */
export const CaseAuditSchema = z.object({
  caseId: z.string(),
  events: z.array(
    AuditEventSchema.extend({
      /** The detail shown was scrubbed: its hash covers the stored detail, which the server verified. */
      redacted: z.literal(true).optional(),
    }),
  ),
  /** The stored chain verifies and its newest event is the head recorded on the case. */
  chainValid: z.boolean(),
  /** The first seq that does not verify. */
  brokenAt: z.number().int().optional(),
  head: z.object({ seq: z.number().int().nonnegative(), hash: z.string() }),
});

const ClockStatsSchema = z.object({
  cases: z.number().int().nonnegative(),
  met: z.number().int().nonnegative(),
  breached: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  /** met / (met + breached), 0–1; null when nothing is decided yet. */
  attainment: z.number().min(0).max(1).nullable(),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
});

/** v1.1: `200` of `GET /v1/stats/sla`: attainment per priority and clock for the cases opened in the window. */
export const SlaStatsSchema = z.object({
  from: Iso,
  to: Iso,
  days: z.union([z.literal(7), z.literal(30)]),
  cases: z.number().int().nonnegative(),
  priorities: z.array(
    z.object({
      priority: Priority,
      cases: z.number().int().nonnegative(),
      clocks: z.object({
        containment: ClockStatsSchema,
        firstResponse: ClockStatsSchema,
        resolution: ClockStatsSchema,
      }),
    }),
  ),
});

/** v1.1: `200` of `POST /v1/cases/{caseId}/messages/preview`: what `message_reporter` would send. */
export const MessagePreviewSchema = z.object({
  locale: z.string(),
  channels: z.object({ email: z.boolean(), sms: z.boolean() }),
  email: z.object({ subject: z.string(), text: z.string(), html: z.string() }).nullable(),
  /** A short notice to read the email; the agent's words never go by SMS. */
  sms: z.string().nullable(),
});
