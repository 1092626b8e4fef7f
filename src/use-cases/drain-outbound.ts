import { setTimeout as sleepFor } from "node:timers/promises";
import { consoleCaseUrl, consoleQueueUrl } from "../config/index.js";
import { distrustChannel, isActive } from "../domain/case.js";
import { ONCALL_EVENTS, type OncallEvent } from "../domain/messages/index.js";
import { renderOncallDigest } from "../domain/messages/oncall-digest.js";
import {
  fullBucket,
  isStaffPage,
  ONCALL_DIGEST_INTERVAL_MS,
  OUTBOUND_MAX_AGE_MS,
  type OutboundChannel,
  outboundExpired,
  pacingBackoffMs,
  type TokenBucket,
  takeToken,
} from "../domain/pacing.js";
import { MessageUndeliverableError, WORKFLOW_ERRORS } from "../errors/index.js";
import type { QueuedMessage } from "../ports/outbound-queue.js";
import type { Case } from "../schemas/case.js";
import { makeMutateCase } from "./case-mutation.js";
import { mintCode, mintLink, mintReplyAddress } from "./challenges.js";
import type { Deps } from "./deps.js";
import type { MessageVars, OncallPage } from "./notify.js";
import { renderOncallPage, sendToChannels, sendToContact, staffContact } from "./notify.js";

/** What one drain run did, and when the next pass is due (`null`: both queues are empty). */
export interface DrainResult {
  sent: number;
  /** Messages seen waiting at the end of the run, per channel (at most one peek's worth). */
  waiting: Record<OutboundChannel, number>;
  nextAt: number | null;
}

const CHANNELS: OutboundChannel[] = ["email", "sms"];
/** How often a run looks at empty queues (16 small queries a poll: ≈ 0.7 M read units a day). */
const IDLE_POLL_MS = 2000;
/** Pages to staff one digest reads at most; when more wait, the next digest is not held for the minute. */
const STAFF_PAGE_LIMIT = 10_000;
/** Messages read per channel and pass: more than one second's worth at any sane rate. */
const PEEK_LIMIT = 100;

type Outcome = "sent" | "obsolete" | "permanent" | "throttled" | "failed";

/**
 * `drain-outbound` (ADR 0014): sends the pages to staff and the reporter messages that wait in the pacing
 * queues, at each channel's configured rate (`VIGIL_SES_MAX_SEND_RATE`, `VIGIL_SMS_MAX_MPS`), staff first,
 * then P1 first and the acknowledgement before guidance (the queue's order). On AWS a schedule starts it every minute and it
 * runs about 55 s (reserved concurrency 1: the rate is the account's); the local runtime runs one pass
 * at a time on the virtual clock.
 *
 * Input: `runForMs` (0: one pass). Output: {@link DrainResult}.
 *
 * 1. Per channel, peek the head of the queue; an empty queue lowers the channel's backlog flag. Pages to
 *    staff sort first: they go first, one message per contact (a digest when several waited), at most
 *    one a minute (see `pageStaff`); never given up for their age.
 * 2. For each message due (past its back-off), in order, take a token of the channel's bucket as it stood
 *    when the pass read the queue (none left: stop; the next pass reads the queue again). Tokens that
 *    refill while the pass sends are the next pass's, so however slow the sends, a pass sends at most one
 *    second's worth of what it read, and a P1 queued meanwhile waits behind no more than that. A message
 *    older than 24 h is given up: `throttled_out` on its case, `MessageExpired` counted and alarmed.
 * 3. Render and send it; a code or link it carries is minted now (the queue holds no secret). Sent or
 *    obsolete (the case or its channel is gone, the verification it asks for is over): removed.
 *    Refused for good: the case stops trusting the channel, as for a direct send; a case left waiting on
 *    verification without email fails its wait with `ReporterUnreachable` (the workflow escalates, as
 *    when `RequestVerification` learns it). Throttled: back off (1 s doubling to 5 min) the message and
 *    the channel. Any other failure: back off the message.
 * 4. Report the age of the oldest P1 waiting (`MessageQueueAge`); lower the backlog flag of a channel
 *    left empty; sleep until the next token (every 2 s when idle) and repeat until the run's time is up.
 */
export function makeDrainOutbound(deps: Deps, sleep: (ms: number) => Promise<unknown> = sleepFor) {
  const mutate = makeMutateCase(deps);
  const buckets: Partial<Record<OutboundChannel, TokenBucket>> = {};
  const blockedUntil: Record<OutboundChannel, number> = { email: 0, sms: 0 };
  // Pages to staff: when the next message to a contact may go, and failed tries in a row (this instance's
  // memory: a cold start may page once more within the minute, never less).
  const nextPageAt: Record<OutboundChannel, number> = { email: 0, sms: 0 };
  const pageAttempts: Record<OutboundChannel, number> = { email: 0, sms: 0 };
  const rateOf = (channel: OutboundChannel) =>
    channel === "email" ? deps.config.sesMaxSendRate : deps.config.smsMaxMps;
  /** Takes a token of the channel's bucket as it stands at `at`. */
  const takeChannelToken = (channel: OutboundChannel, at: number) => {
    const rate = rateOf(channel);
    const token = takeToken(buckets[channel] ?? fullBucket(rate, at), at, rate);
    buckets[channel] = token.bucket;
    return token;
  };
  /** The provider's rate is lower than the configured one: the whole channel backs off until `retryAt`. */
  const throttled = (channel: OutboundChannel, retryAt: number) => {
    deps.metrics.count("PacedSendThrottled", 1, { Channel: channel });
    blockedUntil[channel] = retryAt;
  };

  async function deliver(message: QueuedMessage, now: number): Promise<Outcome> {
    const found = await deps.cases.get(message.caseId);
    if (!found) return "obsolete";
    let item = found.case;
    if (!item.channels[message.channel] || (message.channel === "sms" && !item.reporter.phone)) {
      // A refusal learnt by an earlier attempt whose escalation did not go through is escalated now.
      return (await escalateUnverifiable(item)) ? "obsolete" : "failed";
    }
    const vars: MessageVars = { ...message.vars };
    let replyTo: string | undefined;
    if (message.mint === "reopen_link") vars.reopenUrl = await mintLink(deps, item, "reopen_case");
    if (message.mint === "verification_link" || message.mint === "verification_code") {
      if (!awaitsChallenge(item, message)) return "obsolete";
      if (message.mint === "verification_link") {
        vars.verifyUrl = await mintLink(deps, item, "verify_reporter");
        replyTo = await mintReplyAddress(deps, item);
      } else {
        const minted = await mintCode(deps, item, now);
        let current = true;
        item = await mutate(item.caseId, (latest) => {
          current = awaitsChallenge(latest, message);
          return current
            ? { case: { ...latest, verification: { ...latest.verification, code: minted.state } }, events: [] }
            : null;
        });
        if (!current) return "obsolete";
        vars.code = minted.code;
      }
    }
    try {
      await sendToChannels(deps, item, message.kind, vars, message.channel, {
        incidentType: message.incidentType,
        locale: message.locale,
        replyTo,
      });
      return "sent";
    } catch (error) {
      if (error instanceof MessageUndeliverableError) {
        const distrusted = await mutate(item.caseId, (latest, at) => ({
          case: distrustChannel(latest, { channel: message.channel, reason: error.reason, kind: message.kind }, at),
          events: [
            {
              type: "message.failed",
              actor: "vigil",
              detail: { kind: message.kind, channel: message.channel, reason: error.reason, retried: false },
            },
          ],
        }));
        return (await escalateUnverifiable(distrusted)) ? "permanent" : "failed";
      }
      return retryOutcome(error);
    }
  }

  /**
   * What the workflow step does when it learns a permanent refusal itself (`RequestVerification` raises
   * `ReporterUnreachable`): a case that waits on verification and has lost its email cannot be verified by
   * the reporter any more (the link goes by email), so its waiting task fails with `ReporterUnreachable`
   * and the workflow escalates to an agent (the identity check) at once. The token is the one parked on
   * the case (ADR 0005); EscalateCase clears it. A token already spent (the step learnt it first) is a
   * no-op. Returns false when Step Functions could not be told: the message then backs off and the next
   * attempt tries again.
   */
  async function escalateUnverifiable(item: Case): Promise<boolean> {
    const waiting = item.workflow.waiting;
    if (!isActive(item) || item.channels.email || waiting?.kind !== "verification") return true;
    try {
      await deps.workflow.sendTaskFailure(
        waiting.taskToken,
        WORKFLOW_ERRORS.reporterUnreachable,
        "the verification link cannot reach the reporter: email failed permanently",
      );
      return true;
    } catch {
      return false;
    }
  }

  async function expire(message: QueuedMessage): Promise<void> {
    const found = await deps.cases.get(message.caseId);
    if (found) {
      await mutate(message.caseId, (latest, at) => ({
        case: {
          ...latest,
          failures: [
            ...latest.failures.slice(-9),
            {
              at: new Date(at).toISOString(),
              step: `message.${message.kind}.${message.channel}`,
              error: "throttled_out",
            },
          ],
        },
        events: [
          {
            type: "message.failed",
            actor: "vigil",
            detail: { kind: message.kind, channel: message.channel, reason: "throttled_out", retried: false },
          },
        ],
      }));
    }
    deps.metrics.count("MessageExpired", 1, { Channel: message.channel });
    await deps.outbound.remove(message);
  }

  /**
   * Sends the pages to staff that wait on the channel: per contact, the one page as it is, or one digest of
   * them all (counts by event and priority, the gravest cases, the console's queue). At most one a minute
   * per channel ({@link ONCALL_DIGEST_INTERVAL_MS}; sooner only when more wait than one read takes), so a
   * wave pages on-call once a minute. Sent first, removed after: a failed removal sends them again (at
   * least once, never lost). Never expired. Refused for good: counted as failed pages (`OncallPageFailed`,
   * alarmed) and removed. Throttled: the channel backs off; any other failure: the pages back off.
   * `now`: when the pass read the queue. `left`: pages still waiting (null: not read, the digest is not due).
   */
  async function pageStaff(
    channel: OutboundChannel,
    now: number,
  ): Promise<{ sent: number; left: number | null; nextAt: number; stop: boolean }> {
    // Held: look again at the hold's end, or sooner (as when idle) so reporter messages queued meanwhile
    // behind the backlog flag wait seconds, not the rest of the minute.
    if (nextPageAt[channel] > now) {
      return { sent: 0, left: null, nextAt: Math.min(nextPageAt[channel], now + IDLE_POLL_MS), stop: false };
    }
    const pages = await deps.outbound.peekStaff(channel, STAFF_PAGE_LIMIT);
    let sent = 0;
    let left = pages.length;
    for (const recipient of ["oncall", "second"] as const) {
      const group = pages.filter((page) => (page.recipient ?? "oncall") === recipient);
      if (!group.length) continue;
      const to = staffContact(deps.config, recipient)[channel];
      if (to) {
        const token = takeChannelToken(channel, now);
        if (!token.granted) return { sent, left, nextAt: now + token.waitMs, stop: true };
        const outcome = await sendPages(channel, to, group);
        if (outcome === "throttled" || outcome === "failed") {
          pageAttempts[channel] += 1;
          const retryAt = now + pacingBackoffMs(pageAttempts[channel]);
          nextPageAt[channel] = retryAt;
          if (outcome === "failed") return { sent, left, nextAt: retryAt, stop: false };
          throttled(channel, retryAt);
          return { sent, left, nextAt: retryAt, stop: true };
        }
        if (outcome === "sent") sent += 1;
        else deps.metrics.count("OncallPageFailed", group.length);
      }
      // Sent, refused for good, or the contact is no longer configured on this channel: done with.
      await deps.outbound.removeMany(group);
      left -= group.length;
    }
    pageAttempts[channel] = 0;
    nextPageAt[channel] = pages.length >= STAFF_PAGE_LIMIT ? now : now + ONCALL_DIGEST_INTERVAL_MS;
    return { sent, left, nextAt: left > 0 ? nextPageAt[channel] : Number.POSITIVE_INFINITY, stop: false };
  }

  /** One message to a staff contact for `pages`: the single page, or a digest of several. */
  async function sendPages(channel: OutboundChannel, to: string, pages: QueuedMessage[]): Promise<Outcome> {
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    const first = pages[0] as QueuedMessage;
    const pageOf = (message: QueuedMessage): OncallPage => ({
      reason: text(message.vars.reason) ?? "",
      clock: text(message.vars.clock),
      event: (ONCALL_EVENTS as readonly unknown[]).includes(message.vars.event)
        ? (message.vars.event as OncallEvent)
        : undefined,
    });
    const rendered =
      pages.length === 1
        ? renderOncallPage(
            deps.config,
            { caseId: first.caseId, incidentType: first.incidentType ?? "other", priority: first.priority },
            pageOf(first),
          )
        : renderOncallDigest({
            pages: pages.map((message) => {
              const page = pageOf(message);
              return {
                caseId: message.caseId,
                priority: message.priority,
                event: page.event ?? "escalation",
                clock: page.clock,
                reason: page.reason,
                queuedAt: message.enqueuedAt,
              };
            }),
            caseUrl: (caseId) => consoleCaseUrl(deps.config, caseId),
            queueUrl: consoleQueueUrl(deps.config),
          });
    try {
      await sendToContact(deps, channel, to, rendered);
      return "sent";
    } catch (error) {
      return error instanceof MessageUndeliverableError ? "permanent" : retryOutcome(error);
    }
  }

  /** One pass over a channel: returns how many were sent, how many still wait, and when to look again. */
  async function drainChannel(channel: OutboundChannel): Promise<{ sent: number; waiting: number; nextAt: number }> {
    const rate = rateOf(channel);
    const start = deps.clock.now();
    if (blockedUntil[channel] > start) return { sent: 0, waiting: 1, nextAt: blockedUntil[channel] };
    const batch = await deps.outbound.peek(channel, PEEK_LIMIT);
    if (!batch.length) {
      await deps.outbound.clearBacklog(channel);
      return { sent: 0, waiting: 0, nextAt: Number.POSITIVE_INFINITY };
    }
    const reporterMessages = batch.filter((message) => !isStaffPage(message));
    const oldestP1 = Math.min(...reporterMessages.filter((m) => m.priority === "P1").map((m) => m.enqueuedAt));
    if (Number.isFinite(oldestP1)) deps.metrics.duration("MessageQueueAge", start - oldestP1, { Channel: channel });
    // Pages to staff sort first (rank P0#): they take the channel's first tokens.
    const staffWaiting = batch.length - reporterMessages.length;
    const staff = staffWaiting
      ? await pageStaff(channel, start)
      : { sent: 0, left: 0, nextAt: Number.POSITIVE_INFINITY, stop: false };
    let sent = staff.sent;
    let done = staffWaiting - Math.min(staffWaiting, staff.left ?? staffWaiting);
    let nextAt = staff.nextAt;
    for (const message of staff.stop ? [] : reporterMessages) {
      const now = deps.clock.now();
      if (message.notBefore > now) {
        nextAt = Math.min(nextAt, message.notBefore);
        continue;
      }
      if (outboundExpired(message.enqueuedAt, now, OUTBOUND_MAX_AGE_MS)) {
        await expire(message);
        done += 1;
        continue;
      }
      // The bucket as it stood at the peek (see 2.): what refills meanwhile waits for a fresh read.
      const token = takeChannelToken(channel, start);
      if (!token.granted) {
        nextAt = Math.min(nextAt, start + token.waitMs);
        break;
      }
      const outcome = await deliver(message, now);
      if (outcome === "sent" || outcome === "obsolete" || outcome === "permanent") {
        await deps.outbound.remove(message);
        done += 1;
        if (outcome === "sent") sent += 1;
        continue;
      }
      const attempts = message.attempts + 1;
      const retryAt = now + pacingBackoffMs(attempts);
      await deps.outbound.update({ ...message, attempts, notBefore: retryAt });
      nextAt = Math.min(nextAt, retryAt);
      if (outcome === "throttled") {
        throttled(channel, retryAt);
        break;
      }
    }
    const waiting = batch.length - done;
    // Emptied: senders may send at once again. A message queued since the peek is left without the flag
    // for at most one pass (the next pass peeks whatever the flag says).
    if (waiting === 0) await deps.outbound.clearBacklog(channel);
    // More wait than this pass could see: look again at the next token.
    if (waiting > 0 && !Number.isFinite(nextAt)) nextAt = deps.clock.now() + Math.ceil(1000 / rate);
    return { sent, waiting, nextAt };
  }

  return async (input: { runForMs?: number } = {}): Promise<DrainResult> => {
    const until = deps.clock.now() + (input.runForMs ?? 0);
    let sent = 0;
    for (;;) {
      const passes = await Promise.all(CHANNELS.map((channel) => drainChannel(channel)));
      sent += passes.reduce((sum, pass) => sum + pass.sent, 0);
      const waiting = { email: passes[0]?.waiting ?? 0, sms: passes[1]?.waiting ?? 0 };
      const next = Math.min(...passes.map((pass) => pass.nextAt));
      const nextAt = Number.isFinite(next) ? next : null;
      const now = deps.clock.now();
      // Idle within a run: poll, so a message queued meanwhile waits seconds, not the next run.
      const wake = nextAt ?? now + IDLE_POLL_MS;
      if (wake >= until) return { sent, waiting, nextAt };
      await sleep(Math.max(10, wake - now));
    }
  };
}

/** A failed send short of a permanent refusal: the provider throttling, or anything else. */
function retryOutcome(error: unknown): "throttled" | "failed" {
  return /throttl/i.test((error as Error)?.message ?? "") ? "throttled" : "failed";
}

/** The verification challenge a queued link or code belongs to is still the one the case waits on. */
function awaitsChallenge(item: Case, message: QueuedMessage): boolean {
  const generation = Number(message.key.split("#")[1]);
  return (
    item.status === "awaiting_verification" &&
    item.workflow.generation === generation &&
    item.workflow.waiting?.kind === "verification"
  );
}
