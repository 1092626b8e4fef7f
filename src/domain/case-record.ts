import * as z from "zod";
import { CASE_STATUSES, INCIDENT_TYPES, LOCK_SCOPES, LOCK_STATES, PRIORITIES, VERIFICATION_STATES } from "./types.js";

/**
 * The case as the domain owns it: one zod definition, the stored item's `doc`, from which the `Case`
 * type is inferred. The operator API (`src/schemas/api.ts`) derives its public shape from it; the
 * webhook (`src/schemas/report.ts`) takes its signals from here.
 */

/** Times are stored as `Date#toISOString()` writes them. */
const Iso = z.iso.datetime();
const VerificationStateSchema = z.enum(VERIFICATION_STATES);

/** What a report says about the incident (all optional; they raise the priority). */
export const SignalsSchema = z
  .object({
    fundsAtRisk: z.boolean().optional(),
    assetsUsd: z.number().finite().nonnegative().max(1e15).optional(),
    drainObserved: z.boolean().optional(),
    simSwapDetected: z.boolean().optional(),
    credentialsEntered: z.boolean().optional(),
    seedPhraseEntered: z.boolean().optional(),
  })
  .strict();

/**
 * One SLA clock. Times are ISO strings (they are stored and shown as such); milestones are
 * computed, never stored, so re-targeting or pausing a clock moves every future milestone at once.
 */
export const SlaClockSchema = z.object({
  startedAt: Iso,
  targetSeconds: z.number(),
  /** When the clock breaches, given the pauses so far (moved forward when a pause ends). */
  dueAt: Iso,
  metAt: Iso.nullable(),
  /** One entry per warning fraction reached, in order (50 %, 80 %). */
  warnedAt: z.array(Iso),
  breachedAt: Iso.nullable(),
  /** Repeated escalations after the breach. */
  escalatedAt: z.array(Iso),
  /**
   * When the repeats ran out unanswered (`escalationRepeatLimit`, like PagerDuty's `num_loops`): the
   * second contact was paged then and the clock repeats no more. It stays breached. Absent on cases
   * stored before the repeat bound existed.
   */
  exhaustedAt: Iso.nullable().default(null),
  pausedSeconds: z.number(),
  pausedAt: Iso.nullable(),
});
export type SlaClock = z.infer<typeof SlaClockSchema>;

export const SlaSchema = z.object({
  containment: SlaClockSchema.nullable(),
  firstResponse: SlaClockSchema,
  resolution: SlaClockSchema,
});
export type Sla = z.infer<typeof SlaSchema>;

export const AuditEventSchema = z.object({
  caseId: z.string(),
  seq: z.number().int().positive(),
  at: Iso,
  type: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** A case as stored (the item's `doc`). The operator API derives its public shape from it. */
export const CaseSchema = z.object({
  caseId: z.string(),
  accountId: z.string(),
  /** The gravest of the reported types: what the case acts on. */
  incidentType: z.enum(INCIDENT_TYPES),
  /** Every reported type, in order (absent on cases stored before v1.1: read with `reportedTypes`). */
  incidentTypes: z.array(z.enum(INCIDENT_TYPES)).optional(),
  priority: z.enum(PRIORITIES),
  initialPriority: z.enum(PRIORITIES),
  status: z.enum(CASE_STATUSES),
  closeReason: z.enum(["resolved", "closed_by_agent", "unverified"]).nullable(),
  reporter: z.object({ email: z.string(), phone: z.string().optional(), locale: z.string() }),
  description: z.string().optional(),
  /** A seed phrase was removed from a report's description before it was stored (see `redactSeedPhrases`). */
  seedPhraseRedacted: z.boolean().optional(),
  signals: SignalsSchema,
  channels: z.object({ email: z.boolean(), sms: z.boolean() }),
  verification: z.object({
    email: VerificationStateSchema,
    sms: VerificationStateSchema,
    identity: VerificationStateSchema,
    denied: z.boolean(),
    emailVerifiedAt: Iso.nullable(),
    smsVerifiedAt: Iso.nullable(),
    identityVerifiedAt: Iso.nullable(),
    /** The agent who recorded the identity check (four eyes: they may not also unlock on it). */
    identityVerifiedBy: z.string().nullable().optional(),
    /** The current SMS code, only as a keyed hash. */
    code: z
      .object({
        hash: z.string(),
        issuedAt: z.number(),
        expiresAt: z.number(),
        attempts: z.number(),
        spent: z.boolean(),
        /** Digits of the code sent: the page asks for that many even if the priority rose since. */
        digits: z.number().optional(),
      })
      .nullable(),
    codeSends: z.array(z.number()),
    failures: z.object({ consecutive: z.number(), firstAt: z.number(), lockedUntil: z.number().optional() }).nullable(),
    /** Email replies ignored so far; only the first few are audited (anyone can mail a case ref). */
    ignoredReplies: z.number().default(0),
    /** The generation of the workflow whose verification challenge is current. */
    challengeGeneration: z.number().nullable(),
  }),
  lock: z.object({
    state: z.enum(LOCK_STATES),
    scopes: z.array(z.enum(LOCK_SCOPES)),
    requestedAt: Iso.nullable(),
    appliedAt: Iso.nullable(),
    releaseRequestedAt: Iso.nullable(),
    releasedAt: Iso.nullable(),
    reason: z.string().nullable(),
  }),
  sla: SlaSchema,
  acknowledgedAt: Iso.nullable(),
  acknowledgedBy: z.string().nullable(),
  /** The agent working the case (`assign`); absent or null: unassigned. */
  assignee: z.string().nullable().optional(),
  /** Keyed hash (HMAC-SHA-256) of the reporter's normalised email: what `GET /v1/cases?q=` matches. */
  reporterEmailHash: z.string().optional(),
  escalations: z.number().int().nonnegative(),
  workflow: z.object({
    generation: z.number(),
    started: z.boolean(),
    /** The callback the workflow waits on; the task token never leaves the backend. */
    waiting: z.object({ kind: z.enum(["verification", "resolution"]), taskToken: z.string(), since: Iso }).nullable(),
    timerGeneration: z.number(),
    /** Escalations the workflow recorded (EscalateCase's idempotency key). */
    escalationSeq: z.number().default(0),
    timerAt: Iso.nullable(),
  }),
  reportIds: z.array(z.string()),
  /** Arrival times (epoch ms) of recent reports, for the per-account rate limit. */
  reportTimes: z.array(z.number()),
  /** Idempotency keys of the notifications already sent (kind#generation). */
  sent: z.array(z.string()),
  /** Failed attempts per message key (`<kind>#<generation>#<channel>`): bounds the retries of one message. */
  sendAttempts: z.record(z.string(), z.number()).optional(),
  failures: z.array(z.object({ at: Iso, step: z.string(), error: z.string() })),
  openedAt: Iso,
  updatedAt: Iso,
  closedAt: Iso.nullable(),
  audit: z.object({ seq: z.number(), head: z.string() }),
  /** Audit events of the last change, kept until their own items are written (single-item outbox). */
  pendingEvents: z.array(AuditEventSchema),
});
export type Case = z.infer<typeof CaseSchema>;
