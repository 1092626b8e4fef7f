import { createHash } from "node:crypto";
import { caseIdTime, isActive, lockDue, mergeReport, openCase, reportedTypes } from "../domain/case.js";
import { caseExecutionName } from "../domain/execution-names.js";
import { redactSeedPhrases } from "../domain/seed-phrase.js";
import { verifyWebhook } from "../domain/standard-webhooks.js";
import { ConflictError, RateLimitedError, UnauthorizedError, ValidationError } from "../errors/index.js";
import type { WebhookRecord } from "../ports/idempotency-store.js";
import type { Case } from "../schemas/case.js";
import { parseJson, parseWith } from "../schemas/parse.js";
import { type Report, ReportWebhookSchema } from "../schemas/report.js";
import { makeMutateCase, makePrepareCase } from "./case-mutation.js";
import type { Deps } from "./deps.js";
import { guidanceKey, makeSendGuidanceFor } from "./guidance.js";
import { makeRequestLock } from "./lock-requests.js";
import { wasSent } from "./notify.js";
import { makeRearmSlaTimer } from "./sla-timer.js";

export interface ReceiveReportInput {
  headers: { id?: string; timestamp?: string; signature?: string };
  rawBody: string;
  /** The source IP, for the per-sender limit (with the secret that verified the signature). */
  sender: string;
}

export interface ReceiveReportOutput {
  caseId: string;
  status: Case["status"];
  priority: Case["priority"];
  duplicate: boolean;
  merged: boolean;
}

/** Webhook ids are remembered a week: Standard Webhooks senders retry for up to ~3 days. */
const WEBHOOK_ID_RETENTION_MS = 7 * 24 * 3_600_000;
/** A claim older than this was abandoned by a crashed request; a retry may take it over. */
const STALE_CLAIM_MS = 30_000;
const SENDER_LIMIT = { requests: 600, windowSeconds: 60 };
const MAX_WEBHOOK_ID_LENGTH = 256;
const ACCOUNT_LIMIT_PER_HOUR = 20;
/**
 * Pauses, in ms, while a report waits for the case that holds its account to be written: a report
 * that came a moment earlier has claimed the account and is writing its case. About 3 s in all.
 */
const OPENING_PAUSES_MS = [25, 50, 100, 200, 400, 800, 1_600];

/**
 * Accepts a signed incident report: the first step of every case.
 *
 * Input: the Standard Webhooks headers, the raw body, the sender. Output: the case it opened or joined.
 * 1. Verify the signature against every active secret (±300 s on the clock); limit the sender,
 *    identified by the secret that verified the signature and the source IP (the provider's backend
 *    is one IP for every report, so the IP alone would pool unrelated senders).
 * 2. Parse and validate the body (nothing has been written yet); redact any seed phrase in the
 *    description, so it never reaches the table, the audit trail, a message or a log.
 * 3. Build the new case (its opening audit event rides in the item) and write it with its webhook claim
 *    and its account claim, all or nothing (ADR 0015); then start its workflow, named after the case. If
 *    the start fails the case stays listed as pending and is started later.
 * 4. When that write finds the webhook id held: a repeat with the same body answers the same case
 *    (`duplicate`); a claim abandoned by a crashed request is taken over and the report goes on as in 5.
 * 5. When it finds the account held (or raced): claim the webhook id alone, then the account as before:
 *    the open case that holds it takes the report (`merged`); a closed or vanished holder hands the
 *    account to the new case, which is then written alone.
 *
 * @throws UnauthorizedError bad or missing signature, or a timestamp out of tolerance.
 * @throws ValidationError invalid JSON or schema. @throws ConflictError same id, different body.
 * @throws RateLimitedError sender or account over its limit, or the same id still in progress.
 */
export function makeReceiveReport(deps: Deps) {
  const prepareCase = makePrepareCase(deps);
  const mutate = makeMutateCase(deps);
  const requestLock = makeRequestLock(deps);
  const rearmSlaTimer = makeRearmSlaTimer(deps);
  const sendGuidance = makeSendGuidanceFor(deps, mutate);

  return async (input: ReceiveReportInput): Promise<ReceiveReportOutput> => {
    const now = deps.clock.now();
    // Cached a few minutes by the source (a rotation reaches warm instances); a failed load is not kept.
    const keys = await deps.secrets.webhookKeys();
    const verdict = verifyWebhook({
      headers: input.headers,
      body: input.rawBody,
      secrets: keys.map(({ key }) => key),
      nowSeconds: Math.floor(now / 1000),
    });
    if (!verdict.ok) throw new UnauthorizedError(REJECTIONS[verdict.reason]);
    if (verdict.id.length > MAX_WEBHOOK_ID_LENGTH || !/^[\x21-\x7e]+$/.test(verdict.id)) {
      throw new ValidationError("webhook-id must be 1-256 printable ASCII characters", [
        { path: "header:webhook-id", message: "too long or not printable ASCII" },
      ]);
    }

    const sender = await deps.senderLimiter.hit(
      `sender:${keys[verdict.keyIndex]?.fingerprint}:${input.sender}`,
      SENDER_LIMIT.requests,
      SENDER_LIMIT.windowSeconds,
      now,
    );
    if (!sender.allowed) throw new RateLimitedError("too many reports from this sender", sender.retryAfterSeconds);

    const { report, seedPhraseRedacted } = withoutSeedPhrase(
      parseWith(ReportWebhookSchema, parseJson(input.rawBody)).data,
    );
    const webhookId = verdict.id;
    const bodyHash = createHash("sha256").update(input.rawBody).digest("hex");
    const caseId = deps.ids.caseId();
    const claim: WebhookRecord = { webhookId, bodyHash, state: "claimed", claimedAt: now, caseId };
    const expiresAt = now + WEBHOOK_ID_RETENTION_MS;

    const item = await newCase(report, seedPhraseRedacted, webhookId, caseId, now);

    // The fast path: a new report for an account with no open case, in one write.
    const opened = await deps.intake.open({ claim, expiresAt, item });
    if (opened.opened) {
      await startWorkflow(caseId);
      deps.metrics.count("ReportReceived", 1, { Priority: item.priority });
      return { caseId, status: item.status, priority: item.priority, duplicate: false, merged: false };
    }

    // Otherwise item by item: the webhook id first (unless the write above found it held), then the account.
    let existing: WebhookRecord | undefined;
    if (opened.reason === "duplicate") existing = opened.existing;
    else {
      const claimed = await deps.idempotency.claim(claim, expiresAt);
      if (!claimed.claimed) existing = claimed.existing;
    }
    if (existing) {
      if (existing.bodyHash !== bodyHash)
        throw new ConflictError("this webhook-id was already used with a different body");
      const answered = await answerDuplicate(existing);
      if (answered) return answered;
      const abandoned = now - existing.claimedAt > STALE_CLAIM_MS;
      if (!abandoned || !(await deps.idempotency.takeOver(claim, existing.claimedAt, expiresAt))) {
        throw new RateLimitedError("this report is still being processed", 2);
      }
    }

    let result: Awaited<ReturnType<typeof openOrJoin>>;
    try {
      const holder = opened.reason === "account" ? opened.caseId : undefined;
      result = await openOrJoin(report, seedPhraseRedacted, webhookId, item, holder);
    } catch (error) {
      // Nothing was opened or joined: free the id so the sender's retry is processed afresh.
      await deps.idempotency.release(webhookId, now).catch(() => undefined);
      throw error;
    }
    // A new case has the id the claim already holds: a repeat finds it there. Only a merge (into
    // another case) needs the record completed.
    if (result.caseId !== caseId) await deps.idempotency.complete(claim, result, expiresAt);
    deps.metrics.count("ReportReceived", 1, { Priority: result.priority });
    return { ...result, duplicate: false };
  };

  /** The case a report opens, sealed with its opening event (written by the caller). */
  async function newCase(
    report: Report,
    seedPhraseRedacted: boolean,
    webhookId: string,
    caseId: string,
    now: number,
  ): Promise<Case> {
    const opened: Case = {
      ...openCase({ caseId, webhookId, report, now, policy: deps.config.policy }),
      ...(seedPhraseRedacted ? { seedPhraseRedacted } : {}),
    };
    return prepareCase(opened, [
      {
        type: "case.opened",
        actor: "wallet-app",
        detail: {
          webhookId,
          incidentType: opened.incidentType,
          priority: opened.priority,
          lockRequired: opened.lock.scopes.length > 0,
        },
      },
    ]);
  }

  async function startWorkflow(caseId: string): Promise<void> {
    try {
      await deps.workflow.startCase(caseExecutionName(caseId, 1), { caseId, generation: 1 });
    } catch {
      // The case is safe in the table and listed as pending; start-pending-workflows retries it.
      deps.metrics.count("WorkflowStartDeferred");
    }
  }

  async function answerDuplicate(existing: WebhookRecord): Promise<ReceiveReportOutput | null> {
    const id = existing.result?.caseId ?? existing.caseId;
    const found = id ? await deps.cases.get(id) : null;
    if (!found) return null;
    return {
      caseId: found.case.caseId,
      status: found.case.status,
      priority: found.case.priority,
      duplicate: true,
      merged: existing.result?.merged ?? false,
    };
  }

  /** The slow path, with the webhook id claimed: join the account's open case, or open `item` and hand it the account. */
  async function openOrJoin(
    report: Report,
    seedPhraseRedacted: boolean,
    webhookId: string,
    item: Case,
    knownHolder?: string,
  ): Promise<Omit<ReceiveReportOutput, "duplicate">> {
    const account = knownHolder
      ? { claimed: false as const, caseId: knownHolder }
      : await deps.accounts.claim(report.accountId, item.caseId);
    if (!account.claimed) {
      const joined = await join(account.caseId, report, webhookId, seedPhraseRedacted);
      if (joined) return joined;
      // The account pointed at a closed or vanished case: hand it to the new one.
      if (!(await deps.accounts.replace(report.accountId, account.caseId, item.caseId))) {
        return openOrJoin(report, seedPhraseRedacted, webhookId, item);
      }
    }
    await deps.cases.create(item);
    await startWorkflow(item.caseId);
    return { caseId: item.caseId, status: item.status, priority: item.priority, merged: false };
  }

  /**
   * The case that holds the account, once written. A case minted less than {@link STALE_CLAIM_MS} ago
   * is being opened by the report that claimed the account: wait for it (handing the account to a new
   * case here would open two for one account), and past the pauses ask the sender to retry. An older
   * one that is missing was never written (its request crashed): null, and the account is handed on.
   */
  async function holderOf(caseId: string) {
    for (const pause of [0, ...OPENING_PAUSES_MS]) {
      if (pause) await deps.clock.sleep(pause);
      const found = await deps.cases.get(caseId);
      if (found) return found;
      const minted = caseIdTime(caseId);
      if (minted === null || deps.clock.now() - minted > STALE_CLAIM_MS) return null;
    }
    throw new RateLimitedError("the account's case is still being opened; retry", 1);
  }

  async function join(existingId: string, report: Report, webhookId: string, seedPhraseRedacted = false) {
    const found = await holderOf(existingId);
    if (!found || !isActive(found.case)) return null;
    type Joined = { outcome?: ReturnType<typeof mergeReport>; rateLimited: boolean };
    let joined: { case: Case; result: Joined };
    try {
      joined = await mutate.deciding<Joined>(existingId, (current, at) => {
        if (!isActive(current) || current.reportIds.includes(webhookId)) {
          return { change: null, result: { rateLimited: false } };
        }
        if (current.reportTimes.filter((t) => t > at - 3_600_000).length >= ACCOUNT_LIMIT_PER_HOUR) {
          return { change: null, result: { rateLimited: true } };
        }
        const outcome = mergeReport(current, { webhookId, report, now: at, policy: deps.config.policy });
        return {
          change: {
            case: seedPhraseRedacted ? { ...outcome.case, seedPhraseRedacted } : outcome.case,
            events: [
              {
                type: "report.merged",
                actor: "wallet-app",
                detail: {
                  webhookId,
                  reportedType: report.incidentType,
                  incidentType: outcome.case.incidentType,
                  incidentTypes: outcome.case.incidentTypes,
                  signals: outcome.case.signals,
                  priority: outcome.case.priority,
                  priorityRaised: outcome.priorityRaised,
                  lockScopes: outcome.case.lock.scopes,
                  lockNewlyRequired: outcome.lockNewlyRequired,
                  smsDropped: outcome.smsDropped,
                },
              },
            ],
          },
          result: { outcome, rateLimited: false },
        };
      });
    } catch (error) {
      // Many reports for one account at once: ask the sender to come back rather than refuse (409 is
      // reserved for a reused webhook-id), and the claim is released for that retry.
      if (error instanceof ConflictError) throw new RateLimitedError("the case is busy with other reports; retry", 1);
      throw error;
    }
    const {
      case: merged,
      result: { outcome, rateLimited },
    } = joined;
    if (rateLimited) throw new RateLimitedError("too many reports for this account", 3600);
    if (!isActive(merged)) return null;
    // Follow-ups come from the case's state, not from what this write changed: a sender's retry
    // after a crash finds the merge done and must still get the lock and the re-targeted timer.
    if (lockDue(merged) || outcome?.lockNewlyRequired)
      await requestLock({ caseId: existingId, actor: "vigil", reason: "new evidence" });
    await rearmSlaTimer(existingId);
    // Guidance for a newly reported type, once the case's guidance has started going out (before
    // that, the workflow sends the guidance of every reported type). A courtesy: never fails intake.
    const generation = merged.workflow.generation;
    const guided = reportedTypes(merged).some((type) => wasSent(merged, guidanceKey(type, generation)));
    if (guided && outcome?.newTypes.length) await sendGuidance(merged, outcome.newTypes).catch(() => undefined);
    return { caseId: merged.caseId, status: merged.status, priority: merged.priority, merged: true };
  }
}

/** The report with any seed phrase in its description replaced (see `redactSeedPhrases`). */
function withoutSeedPhrase(report: Report): { report: Report; seedPhraseRedacted: boolean } {
  if (report.description === undefined) return { report, seedPhraseRedacted: false };
  const { text, redacted } = redactSeedPhrases(report.description);
  return { report: redacted ? { ...report, description: text } : report, seedPhraseRedacted: redacted };
}

const REJECTIONS = {
  missing_headers: "missing webhook-id, webhook-timestamp or webhook-signature header",
  bad_timestamp: "webhook-timestamp is not a Unix timestamp in seconds",
  timestamp_out_of_tolerance: "webhook-timestamp is more than 300 seconds away from now",
  no_matching_signature: "no webhook-signature matches an active secret",
} as const;
