import { isActive } from "../domain/case.js";
import { headerFields, htmlToText, parseAddrSpec, parseSingleMailbox, replyNonceOf } from "../domain/inbound-email.js";
import type { MailParser, ParsedEmail } from "../ports/mail-parser.js";
import type { VerificationLink } from "../ports/verification-links.js";
import type { Case } from "../schemas/case.js";
import type { InboundEmail } from "../schemas/inbound-email.js";
import { makeMutateCase } from "./case-mutation.js";
import { hashReplyNonce } from "./challenges.js";
import { makeCompleteVerificationIfSatisfied } from "./complete-verification.js";
import type { Deps } from "./deps.js";

/** Why a reply did not confirm anything (audited on the case when one was found; never the content or address). */
export type ReplyIgnoredReason =
  | "unparseable"
  | "no_case_reference"
  | "ambiguous_case_reference"
  | "unknown_case"
  | "ambiguous_sender"
  | "sender_mismatch"
  | "authentication_failed"
  | "not_bound_to_challenge"
  | "not_yes"
  | "not_awaiting_verification";

export type EmailReplyOutcome =
  | { outcome: "confirmed"; caseId: string; completed: boolean }
  | { outcome: "ignored"; reason: ReplyIgnoredReason; caseId?: string };

/**
 * A case reference as Vigil mints it (`c_` + a ULID, Crockford base32, upper case), standing alone:
 * "Re: Confirm your report (case c_01JD…)" or the quoted "> Before we act on case c_01JD…".
 */
const CASE_REF = /(?<![\w-])c_[0-9A-HJKMNP-TV-Z]{26}(?![\w-])/g;

/** The distinct case references in a text. */
function caseRefs(text: string | undefined): string[] {
  return [...new Set(text?.match(CASE_REF) ?? [])];
}

/**
 * The case a reply names (only to audit a reply that is not bound to a challenge): the one reference in
 * its subject, else the one in its text. Two different references in the same place make it ambiguous.
 */
function findCaseRef(subject: string | undefined, text: string): { ref: string } | { reason: ReplyIgnoredReason } {
  for (const refs of [caseRefs(subject), caseRefs(text)]) {
    if (refs.length === 1) return { ref: refs[0] as string };
    if (refs.length > 1) return { reason: "ambiguous_case_reference" };
  }
  return { reason: "no_case_reference" };
}

/** The first line that is not blank, trimmed. */
function firstLine(text: string): string {
  return (
    text
      .split(/\r\n|\r|\n/)
      .map((line) => line.trim())
      .find((line) => line !== "") ?? ""
  );
}

const passed = (verdict: string) => verdict.trim().toUpperCase() === "PASS";

/**
 * The one sender of a reply, lower-cased, or null when there is any doubt. Three readings must agree:
 * exactly one `From` field holding exactly one mailbox (strict: no list, group, route, `;` or text after
 * the address), the MIME parser's reading of `From` (a single mailbox, not a group), and the receiving
 * server's own parse (SES `commonHeaders.from`: exactly one entry with the same address).
 */
function singleSender(rawMime: string, parsedFrom: string | null, sesFrom: readonly string[]): string | null {
  const fields = headerFields(rawMime, "from");
  if (fields.length !== 1) return null;
  const sender = parseSingleMailbox(fields[0] as string);
  if (sender === null) return null;
  if (parsedFrom?.toLowerCase() !== sender) return null;
  if (sesFrom.length !== 1) return null;
  const ses = sesFrom[0]?.trim() ?? "";
  const sesAddress = parseAddrSpec(ses.endsWith(">") ? ses.slice(ses.lastIndexOf("<") + 1, -1) : ses);
  return sesAddress === sender ? sender : null;
}

/** Whether the case is asking for the reporter's confirmation in its current workflow generation. */
function awaitingVerification(item: Case): boolean {
  return (
    isActive(item) && !item.verification.denied && item.verification.challengeGeneration === item.workflow.generation
  );
}

/** Whether a reply nonce's record may confirm for this case now: its case, its reporter, its generation, unused. */
function challengeUsable(link: VerificationLink, item: Case, now: number): boolean {
  return (
    link.purpose === "email_reply" &&
    link.caseId === item.caseId &&
    link.recipient.toLowerCase() === item.reporter.email.toLowerCase() &&
    link.generation === item.workflow.generation &&
    link.usedAt === null &&
    now < link.expiresAt
  );
}

/** Ignored replies audited per case; later ones are dropped silently. */
const MAX_AUDITED_IGNORED_REPLIES = 20;

/**
 * A reply to the verification email confirms the email factor (PRODUCT.md: first line `YES`,
 * SPF/DKIM/DMARC pass, sent by the reporter), bound to its challenge.
 *
 * Input: the raw MIME, the receiving server's SPF, DKIM and DMARC verdicts, its parse of `From`, and the
 * envelope recipients (the SES notification via SNS on AWS, `/_local/inbound-email` locally). Output:
 * `confirmed` (and whether verification completed) or `ignored` with the reason.
 *
 * 1. Parse the MIME (the `MailParser` port: postal-mime). The text is the text part, else the first 32 KB of the HTML part
 *    converted in one linear pass.
 * 2. Find the challenge: the recipient `replies+<nonce>@…` (the verification email's `Reply-To`) names a
 *    stored nonce bound to case, reporter, generation. Without one, the `c_<ULID>` reference in the
 *    subject (else the text) finds the case only to audit the attempt: an unbound reply confirms nothing.
 * 3. The sender: exactly one `From` field with exactly one mailbox, the same address for the MIME parser and
 *    for SES (see {@link singleSender}), equal to the case's reporter (case-insensitive).
 * 4. SPF, DKIM and DMARC must all be `PASS` (DMARC is what binds that `From` to the sending domain); the
 *    reply must be bound to a usable challenge; its first non-blank line must be `YES`.
 * 5. The case must be waiting on the reporter in this generation (active, not denied, challenged).
 * 6. Record `verification.email = verified` (+ `emailVerifiedAt`, audit), spend the nonce, then resume the
 *    workflow if every required factor is now verified (`makeCompleteVerificationIfSatisfied`).
 *
 * Anything else is ignored. It is audited on the case as `verification.reply_ignored` with the reason
 * (never the content or addresses), up to 20 per case, only when the sender is the reporter and DMARC
 * passed: a stranger can name a case (its reference travels in every subject) but cannot fill its audit.
 * Strangers' replies are counted (`EmailReplyRejected`) and logged by reason and case id only.
 *
 * @throws TransientError when the store or Step Functions fail (the delivery is retried).
 */
export function makeReceiveEmailReply(deps: Deps & { mail: MailParser }) {
  const mutate = makeMutateCase(deps);
  const completeIfSatisfied = makeCompleteVerificationIfSatisfied(deps);

  async function ignore(
    reason: ReplyIgnoredReason,
    caseId?: string,
    audited = false,
    detail: Record<string, unknown> = {},
  ): Promise<EmailReplyOutcome> {
    if (caseId && audited) {
      await mutate(caseId, (current) =>
        current.verification.ignoredReplies >= MAX_AUDITED_IGNORED_REPLIES
          ? null
          : {
              case: {
                ...current,
                verification: { ...current.verification, ignoredReplies: current.verification.ignoredReplies + 1 },
              },
              events: [{ type: "verification.reply_ignored", actor: "email", detail: { reason, ...detail } }],
            },
      );
    } else {
      deps.metrics.count("EmailReplyRejected");
    }
    return { outcome: "ignored", reason, ...(caseId ? { caseId } : {}) };
  }

  async function findChallenge(recipients: readonly string[]): Promise<{ link: VerificationLink; case: Case } | null> {
    const base = deps.config.emailReplyTo;
    if (!base) return null;
    const nonces = [...new Set(recipients.map((recipient) => replyNonceOf(recipient, base)))].filter(
      (nonce): nonce is string => nonce !== null,
    );
    // A reply carries one challenge: several nonces at once is not a reply to one email.
    if (nonces.length !== 1) return null;
    const link = await deps.links.get(hashReplyNonce(nonces[0] as string));
    if (link?.purpose !== "email_reply") return null;
    const found = await deps.cases.get(link.caseId);
    return found ? { link, case: found.case } : null;
  }

  return async (input: InboundEmail): Promise<EmailReplyOutcome> => {
    let email: ParsedEmail;
    try {
      email = await deps.mail.parse(input.rawMime);
    } catch {
      return ignore("unparseable");
    }
    const text = email.text ?? (email.html ? htmlToText(email.html) : "");
    const challenge = await findChallenge(input.recipients);
    let item = challenge?.case;
    if (!item) {
      const found = findCaseRef(email.subject, text);
      if ("reason" in found) return ignore(found.reason);
      item = (await deps.cases.get(found.ref))?.case;
      if (!item) return ignore("unknown_case");
    }

    const sender = singleSender(input.rawMime, email.fromAddress, input.sesFrom);
    if (sender === null) return ignore("ambiguous_sender", item.caseId);
    if (sender !== item.reporter.email.toLowerCase()) return ignore("sender_mismatch", item.caseId);
    // From here the sender is the reporter; DMARC passing is what makes that more than a claim.
    const audited = passed(input.verdicts.dmarc);
    const failed = Object.entries(input.verdicts)
      .filter(([, verdict]) => !passed(verdict))
      .map(([name]) => name);
    if (failed.length) return ignore("authentication_failed", item.caseId, audited, { failed });
    const now = deps.clock.now();
    if (!challenge || !challengeUsable(challenge.link, item, now))
      return ignore("not_bound_to_challenge", item.caseId, audited);
    if (firstLine(text).toLowerCase() !== "yes") return ignore("not_yes", item.caseId, audited);

    const { result: awaiting } = await mutate.deciding(item.caseId, (current, at) => {
      const awaiting = awaitingVerification(current) && challengeUsable(challenge.link, current, at);
      if (!awaiting || current.verification.email === "verified") return { change: null, result: awaiting };
      return {
        change: {
          case: {
            ...current,
            verification: { ...current.verification, email: "verified", emailVerifiedAt: new Date(at).toISOString() },
          },
          events: [{ type: "verification.email_verified", actor: "reporter", detail: { channel: "email_reply" } }],
        },
        result: awaiting,
      };
    });
    if (!awaiting) return ignore("not_awaiting_verification", item.caseId, audited);
    await deps.links.markUsed(challenge.link.tokenHash, deps.clock.now());
    const completed = await completeIfSatisfied(item.caseId, "reporter");
    return { outcome: "confirmed", caseId: item.caseId, completed };
  };
}
