import PostalMime from "postal-mime";
import { isActive } from "../domain/case.js";
import type { Case } from "../schemas/case.js";
import type { InboundEmail } from "../schemas/inbound-email.js";
import { makeMutateCase } from "./case-mutation.js";
import { makeCompleteVerificationIfSatisfied } from "./complete-verification.js";
import type { Deps } from "./deps.js";

/** Why a reply did not confirm anything (audited on the case when one was found; never the content or address). */
export type ReplyIgnoredReason =
  | "unparseable"
  | "no_case_reference"
  | "ambiguous_case_reference"
  | "unknown_case"
  | "sender_mismatch"
  | "authentication_failed"
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
 * The case a reply is about: the one reference in its subject (the verification email's subject is
 * "Confirm your report (case c_…)" and replies keep it), else the one reference in its text. Two
 * different references in the same place make it ambiguous: better ignored than attached wrongly.
 */
function findCaseRef(subject: string | undefined, text: string): { ref: string } | { reason: ReplyIgnoredReason } {
  for (const refs of [caseRefs(subject), caseRefs(text)]) {
    if (refs.length === 1) return { ref: refs[0] as string };
    if (refs.length > 1) return { reason: "ambiguous_case_reference" };
  }
  return { reason: "no_case_reference" };
}

/** Plain text of an HTML-only reply: enough to read its first line. */
function textOfHtml(html: string): string {
  return html
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<(br|\/p|\/div|\/li|\/h\d|\/tr|\/blockquote)\b[^>]*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/gi, " ")
    .replace(/&amp;/gi, "&");
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

/** Whether the case is asking for the reporter's confirmation in its current workflow generation. */
function awaitingVerification(item: Case): boolean {
  return (
    isActive(item) && !item.verification.denied && item.verification.challengeGeneration === item.workflow.generation
  );
}

/**
 * A reply to the verification email confirms the email factor (docs/product.md "Verification": first line `YES`,
 * SPF/DKIM/DMARC pass, sent by the reporter).
 *
 * Input: the raw MIME and the receiving server's SPF, DKIM and DMARC verdicts (the SES notification
 * via SNS on AWS, `/_local/inbound-email` locally). Output: `confirmed` (and whether verification
 * completed) or `ignored` with the reason.
 *
 * 1. Parse the MIME (postal-mime). Find the case from the one `c_<ULID>` reference in the subject,
 *    else in the text (the quoted original).
 * 2. The `From` address must be the case's reporter (case-insensitive), and SPF, DKIM and DMARC must
 *    all be `PASS` (DMARC is what binds that `From` to the sending domain).
 * 3. The first non-blank line of the text (or of the HTML, for HTML-only mail) must be `YES`
 *    (case-insensitive).
 * 4. The case must be waiting on the reporter in this generation (active, not denied, challenged).
 * 5. Record `verification.email = verified` (+ `emailVerifiedAt`, audit), then resume the workflow if
 *    every required factor is now verified (`makeCompleteVerificationIfSatisfied`).
 *
 * Anything else is ignored, and audited on the case as `verification.reply_ignored` with the reason
 * when a case was found; neither the content nor the addresses are recorded or logged.
 *
 * @throws TransientError when the store or Step Functions fail (the delivery is retried).
 */
/** Ignored replies audited per case; later ones are dropped silently. */
const MAX_AUDITED_IGNORED_REPLIES = 20;

export function makeReceiveEmailReply(deps: Deps) {
  const mutate = makeMutateCase(deps);
  const completeIfSatisfied = makeCompleteVerificationIfSatisfied(deps);

  async function ignore(reason: ReplyIgnoredReason, caseId?: string, detail: Record<string, unknown> = {}) {
    if (caseId) {
      // Bounded: a case reference travels in every subject, so anyone could mail it again and again.
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
    }
    return { outcome: "ignored" as const, reason, ...(caseId ? { caseId } : {}) };
  }

  return async (input: InboundEmail): Promise<EmailReplyOutcome> => {
    let email: Awaited<ReturnType<typeof PostalMime.parse>>;
    try {
      email = await PostalMime.parse(input.rawMime);
    } catch {
      return ignore("unparseable");
    }
    const text = email.text ?? (email.html ? textOfHtml(email.html) : "");
    const found = findCaseRef(email.subject, text);
    if ("reason" in found) return ignore(found.reason);
    const item = (await deps.cases.get(found.ref))?.case;
    if (!item) return ignore("unknown_case");

    const sender = email.from && "address" in email.from ? email.from.address : undefined;
    if (!sender || sender.toLowerCase() !== item.reporter.email.toLowerCase())
      return ignore("sender_mismatch", item.caseId);
    const failed = Object.entries(input.verdicts)
      .filter(([, verdict]) => !passed(verdict))
      .map(([name]) => name);
    if (failed.length) return ignore("authentication_failed", item.caseId, { failed });
    if (firstLine(text).toLowerCase() !== "yes") return ignore("not_yes", item.caseId);

    let awaiting = true;
    await mutate(item.caseId, (current, now) => {
      awaiting = awaitingVerification(current);
      if (!awaiting || current.verification.email === "verified") return null;
      return {
        case: {
          ...current,
          verification: { ...current.verification, email: "verified", emailVerifiedAt: new Date(now).toISOString() },
        },
        events: [{ type: "verification.email_verified", actor: "reporter", detail: { channel: "email_reply" } }],
      };
    });
    if (!awaiting) return ignore("not_awaiting_verification", item.caseId);
    const completed = await completeIfSatisfied(item.caseId, "reporter");
    return { outcome: "confirmed", caseId: item.caseId, completed };
  };
}
