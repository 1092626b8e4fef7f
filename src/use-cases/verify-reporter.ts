import { isActive } from "../domain/case.js";
import { maskEmail } from "../domain/masking.js";
import { type Locale, resolveLocale } from "../domain/messages/index.js";
import {
  type CodeState,
  canSendCode,
  checkCode,
  codeDigitsFor,
  codeMatches,
  factorsSatisfied,
  hashLinkToken,
  isLocked,
  linkStatus,
  recordFailure,
  VERIFICATION_POLICY,
} from "../domain/verification.js";
import { ActionNotAllowedError, RateLimitedError, WORKFLOW_ERRORS } from "../errors/index.js";
import type { VerificationLink } from "../ports/verification-links.js";
import type { Case } from "../schemas/case.js";
import type {
  ResendOutcome,
  VerifyOutcome,
  VerifyReporter,
  VerifyResult,
  VerifySubmission,
  VerifyView,
} from "../schemas/verify.js";
import { type AuditEntry, type CaseDecision, makeMutateCase } from "./case-mutation.js";
import { countCodeSend, mintCode } from "./challenges.js";
import { makeCompleteVerificationIfSatisfied } from "./complete-verification.js";
import type { Deps } from "./deps.js";
import { makeNotifyReporter, sendToChannels } from "./notify.js";
import { makeReopenCase } from "./reopen-case.js";

// The page's types belong to the boundary (src/schemas/verify.ts); named here too for the verify page.
export type { ResendOutcome, VerifyOutcome, VerifyView } from "../schemas/verify.js";

/**
 * Read for tokens that match no link, so that every request costs the same two store reads and
 * one HMAC whether or not its token exists (docs/product.md "Verification": "about the same time"). No case has this id.
 */
const DECOY_CASE_ID = "c_00000000000000000000000000";
const DECOY_HASH = "0".repeat(64);
const INVALID: VerifyResult = { status: "invalid", attemptsLeft: 0 };
const EXPIRED: VerifyResult = { status: "expired", attemptsLeft: 0 };

const iso = (epochMs: number) => new Date(epochMs).toISOString();
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

interface Found {
  tokenHash: string;
  link: VerificationLink;
  case: Case;
}

/**
 * Whether a link may act on its case now: bound to this case, its reporter's address and the
 * workflow generation it was issued in, unused and unexpired. A verification link also needs its
 * case active with the verification challenge of that generation; a reopen link, its case ended.
 */
function linkUsable(link: VerificationLink, item: Case, now: number): boolean {
  const status = linkStatus(
    {
      tokenHash: link.tokenHash,
      caseId: link.caseId,
      recipient: link.recipient.toLowerCase(),
      purpose: link.purpose,
      issuedAt: 0,
      expiresAt: link.expiresAt,
      usedAt: link.usedAt ?? undefined,
    },
    { caseId: item.caseId, recipient: item.reporter.email.toLowerCase(), purpose: link.purpose },
    now,
  );
  // A reply nonce is stored beside links but never acts as one (its hash is prefixed anyway).
  if (link.purpose === "email_reply") return false;
  if (status !== "valid" || link.generation !== item.workflow.generation) return false;
  if (link.purpose === "reopen_case") return !isActive(item);
  return isActive(item) && item.verification.challengeGeneration === link.generation;
}

/** Whether the case still needs the SMS code: SMS is trusted for it and not verified yet. */
function needsCode(item: Case): boolean {
  return item.channels.sms && Boolean(item.reporter.phone) && item.verification.sms !== "verified";
}

/** Whether a resend may issue a code: a verification link, the case not denied and needing the code. */
function codeResendable(link: VerificationLink, item: Case): boolean {
  return link.purpose === "verify_reporter" && !item.verification.denied && needsCode(item);
}

/**
 * Why a resend must be refused now, if it must: verification is locked out after repeated failures (a new
 * code would only feed the guessing), or the case's own sends are over the limit.
 */
function resendRefusal(item: Case, now: number): RateLimitedError | null {
  const lock = isLocked(item.verification.failures ?? undefined, now);
  if (lock.locked) {
    return new RateLimitedError(
      "verification is locked after repeated failures; try again later",
      seconds(lock.retryAfterMs ?? 1000),
    );
  }
  const decision = canSendCode(item.verification.codeSends, now);
  if (!decision.allowed) {
    return new RateLimitedError(
      "too many codes were sent to this phone; try again later",
      seconds(decision.retryAfterMs ?? 1000),
    );
  }
  return null;
}

/** Entries the code still accepts now, without spending one. */
function attemptsLeftOf(code: CodeState | null, now: number): number {
  if (!code || code.spent || now >= code.expiresAt) return 0;
  return Math.max(0, VERIFICATION_POLICY.maxCodeAttempts - code.attempts);
}

const lockedResult = (retryAfterMs: number | undefined): VerifyResult => ({
  status: "locked",
  attemptsLeft: 0,
  retryAfterSeconds: seconds(retryAfterMs ?? 1000),
});

/**
 * The reporter's side of verification, behind the emailed link `/v1/verify/{token}`.
 *
 * Every operation starts the same way, valid token or not: hash the token, read the link by its
 * hash, read its case (a decoy id when there is no link), so unknown, used, expired and mismatched
 * tokens cost the same reads and get the same answer.
 *
 * `view(token)` — what the page shows; changes nothing (mail scanners pre-fetch links).
 *
 * `submit(token, { decision, code })` — input: the decision and, when the case needs it, the SMS
 * code. Output: `{ status, attemptsLeft, retryAfterSeconds? }` (+ the page locale).
 * 1. Look the token up; compute one HMAC of the code (against a decoy when there is nothing to
 *    compare). A link that cannot act answers `invalid` (expired links too).
 * 2. A reopen link: `confirm` reopens the case (`reopened`) and the link is spent.
 * 3. `deny`: `verification.denied`, audit, the workflow's task fails with `VerificationDenied` (the
 *    workflow escalates), the reporter is told on every trusted channel (`denial_recorded`), the link
 *    is spent. Allowed even while verification is locked: "this wasn't me" must always be heard.
 * 4. `confirm`: while locked (10 consecutive failures in 24 h; 30 s doubling to 1 h) → `locked`,
 *    the code is not even compared. When the case needs the code: a wrong one counts an attempt and a
 *    failure → `invalid` with `attemptsLeft` (the link stays usable for a retry; the 5th wrong entry
 *    spends the code, SMS `failed`), an expired or spent code → `expired` (ask for a new one), no
 *    code → `invalid` without spending anything. Otherwise the email (and SMS) factors are verified,
 *    failures cleared, and when every required factor is verified the workflow resumes
 *    (`makeCompleteVerificationIfSatisfied`) → `verified`; when the case still needs an agent's
 *    identity check (SIM swap) → `email_verified`, the case keeps waiting. Then the link is spent.
 *
 * `resend(token)` — a new SMS code (a new code each time; the old hash is replaced): refused while
 * verification is locked out; at most 3 sends per 10 min per destination number, counted across every
 * case that texts that number (a keyed hash of it, in the send log), and per case. The answer is the same
 * `accepted` whether a code was sent, the link is invalid, or the case does not use SMS (SIM swap).
 *
 * @throws RateLimitedError (resend) while locked out or over a send limit, with the seconds until allowed.
 * @throws TransientError when the store, Step Functions or a sender fail (the link stays usable).
 */
export function makeVerifyReporter(deps: Deps): VerifyReporter {
  const mutate = makeMutateCase(deps);
  const notify = makeNotifyReporter(deps, mutate);
  const reopenCase = makeReopenCase(deps);
  const completeIfSatisfied = makeCompleteVerificationIfSatisfied(deps);

  async function lookup(token: string, now: number): Promise<Found | null> {
    const tokenHash = hashLinkToken(token);
    const link = await deps.links.get(tokenHash);
    // Read a case even without a link: every answer costs the same two reads.
    const found = await deps.cases.get(link?.caseId ?? DECOY_CASE_ID);
    if (!link || !found || !linkUsable(link, found.case, now)) return null;
    return { tokenHash, link, case: found.case };
  }

  const localeOf = (found: Found | null): Locale => (found ? resolveLocale(found.case.reporter.locale) : "en");

  async function view(token: string): Promise<VerifyView> {
    const now = deps.clock.now();
    const found = await lookup(token, now);
    const item = found?.case;
    if (!found || !item || (found.link.purpose === "verify_reporter" && item.verification.denied)) {
      return { kind: "invalid", locale: "en" };
    }
    const shown = {
      locale: localeOf(found),
      caseRef: item.caseId,
      maskedEmail: maskEmail(item.reporter.email),
      incidentType: item.incidentType,
    };
    if (found.link.purpose === "reopen_case") return { kind: "reopen", ...shown };
    const lock = isLocked(item.verification.failures ?? undefined, now);
    return {
      kind: "verify",
      ...shown,
      code: needsCode(item)
        ? { digits: item.verification.code?.digits ?? codeDigitsFor(item.priority), canResend: true }
        : null,
      ...(lock.locked ? { retryAfterSeconds: seconds(lock.retryAfterMs ?? 1000) } : {}),
    };
  }

  async function submit(token: string, input: VerifySubmission): Promise<VerifyOutcome> {
    const found = await lookup(token, deps.clock.now());
    const verificationPepper = await deps.secrets.verificationPepper();
    // One HMAC on every path (against a decoy when there is nothing to compare): same work, same time.
    const matches = codeMatches(
      verificationPepper,
      found?.case.caseId ?? DECOY_CASE_ID,
      input.code ?? "",
      found?.case.verification.code?.hash ?? DECOY_HASH,
    );
    const locale = localeOf(found);
    if (!found) return { ...INVALID, locale, caseRef: null };
    let result: VerifyResult;
    if (found.link.purpose === "reopen_case") result = await reopen(found, input.decision);
    else if (input.decision === "deny") result = await deny(found);
    else result = await confirm(found, input.code, matches, verificationPepper);
    return { ...result, locale, caseRef: found.case.caseId };
  }

  async function reopen(found: Found, decision: VerifySubmission["decision"]): Promise<VerifyResult> {
    if (decision !== "confirm") return INVALID;
    try {
      await reopenCase({ caseId: found.case.caseId, actor: "reporter" });
    } catch (error) {
      // Reopened meanwhile, or the account has a newer open case: this link has nothing left to do.
      if (error instanceof ActionNotAllowedError) return INVALID;
      throw error;
    }
    await deps.links.markUsed(found.tokenHash, deps.clock.now());
    return { status: "reopened", attemptsLeft: 0 };
  }

  async function deny(found: Found): Promise<VerifyResult> {
    const item = await mutate(found.case.caseId, (current) =>
      current.verification.denied || !isActive(current)
        ? null
        : {
            case: { ...current, verification: { ...current.verification, denied: true } },
            events: [{ type: "verification.denied", actor: "reporter", detail: { channel: "link" } }],
          },
    );
    if (!item.verification.denied) return INVALID;
    const waiting = item.workflow.waiting;
    if (waiting?.kind === "verification") {
      await deps.workflow.sendTaskFailure(
        waiting.taskToken,
        WORKFLOW_ERRORS.verificationDenied,
        "reporter denied the report",
      );
    }
    await notify(item.caseId, "denial_recorded");
    await deps.links.markUsed(found.tokenHash, deps.clock.now());
    return { status: "denied", attemptsLeft: 0 };
  }

  async function confirm(
    found: Found,
    code: string | undefined,
    matchesRead: boolean,
    pepper: string,
  ): Promise<VerifyResult> {
    const readHash = found.case.verification.code?.hash;
    const { result } = await mutate.deciding(found.case.caseId, (current, now): CaseDecision<VerifyResult> => {
      if (!linkUsable(found.link, current, now) || current.verification.denied)
        return { change: null, result: INVALID };
      const lock = isLocked(current.verification.failures ?? undefined, now);
      if (lock.locked) {
        return { change: null, result: lockedResult(lock.retryAfterMs) };
      }
      let verification = current.verification;
      const events: AuditEntry[] = [];
      if (needsCode(current)) {
        if (code === undefined) {
          return { change: null, result: { status: "invalid", attemptsLeft: attemptsLeftOf(verification.code, now) } };
        }
        if (!verification.code) {
          return { change: null, result: EXPIRED };
        }
        const stored = verification.code.hash;
        const matches = stored === readHash ? matchesRead : codeMatches(pepper, current.caseId, code, stored);
        const check = checkCode(verification.code, matches, now);
        if (check.outcome === "expired" || check.outcome === "spent") {
          return { change: null, result: EXPIRED };
        }
        if (check.outcome === "invalid") {
          const failures = recordFailure(verification.failures ?? undefined, now);
          const locked = isLocked(failures, now);
          return {
            change: {
              case: {
                ...current,
                verification: {
                  ...verification,
                  code: check.next,
                  failures,
                  sms: check.next.spent ? "failed" : verification.sms,
                },
              },
              events: [
                {
                  type: "verification.code_rejected",
                  actor: "reporter",
                  detail: {
                    attemptsLeft: check.attemptsLeft,
                    consecutiveFailures: failures.consecutive,
                    locked: locked.locked,
                  },
                },
              ],
            },
            result: locked.locked
              ? lockedResult(locked.retryAfterMs)
              : { status: "invalid", attemptsLeft: check.attemptsLeft },
          };
        }
        verification = { ...verification, code: check.next, sms: "verified", smsVerifiedAt: iso(now) };
        events.push({ type: "verification.sms_verified", actor: "reporter", detail: { channel: "code" } });
      }
      if (verification.email !== "verified") {
        verification = { ...verification, email: "verified", emailVerifiedAt: iso(now) };
        events.push({ type: "verification.email_verified", actor: "reporter", detail: { channel: "link" } });
      }
      const result: VerifyResult = {
        status: factorsSatisfied(verification, current.channels.sms) ? "verified" : "email_verified",
        attemptsLeft: 0,
      };
      // Nothing new to record: a retry after a failure further on (the link is spent only at the end).
      if (!events.length && verification.failures === null) return { change: null, result };
      return { change: { case: { ...current, verification: { ...verification, failures: null } }, events }, result };
    });
    if (result.status === "verified" || result.status === "email_verified") {
      await completeIfSatisfied(found.case.caseId, "reporter");
      await deps.links.markUsed(found.tokenHash, deps.clock.now());
    }
    return result;
  }

  async function resend(token: string): Promise<ResendOutcome> {
    const found = await lookup(token, deps.clock.now());
    const accepted: ResendOutcome = { status: "accepted", locale: localeOf(found) };
    if (!found || !codeResendable(found.link, found.case)) return accepted;
    const now = deps.clock.now();
    // Checked before the number's log is touched: a refused resend spends nothing.
    const refusal = resendRefusal(found.case, now);
    if (refusal) throw refusal;
    const destination = await countCodeSend(deps, found.case.reporter.phone as string, now, true);
    if (!destination.allowed) {
      throw new RateLimitedError(
        "too many codes were sent to this phone; try again later",
        seconds(destination.retryAfterMs),
      );
    }
    const minted = await mintCode(deps, found.case, now);
    const {
      case: item,
      result: { refused, issued },
    } = await mutate.deciding<{ refused: RateLimitedError | null; issued: boolean }>(
      found.case.caseId,
      (current, at) => {
        if (!linkUsable(found.link, current, at) || !codeResendable(found.link, current)) {
          return { change: null, result: { refused: null, issued: false } };
        }
        const refused = resendRefusal(current, at);
        if (refused) return { change: null, result: { refused, issued: false } };
        return {
          change: {
            case: {
              ...current,
              verification: {
                ...current.verification,
                code: minted.state,
                codeSends: [...canSendCode(current.verification.codeSends, at).recentSends, at],
                sms: current.verification.sms === "failed" ? "pending" : current.verification.sms,
              },
            },
            events: [{ type: "verification.code_sent", actor: "reporter", detail: { reason: "resend" } }],
          },
          result: { refused: null, issued: true },
        };
      },
    );
    if (refused) throw refused;
    if (issued) {
      await sendToChannels(deps, item, "verification_code", { code: minted.code, expiresMinutes: 10 }, "sms");
    }
    return accepted;
  }

  return { view, submit, resend };
}
