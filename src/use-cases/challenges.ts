import { createHash, createHmac } from "node:crypto";
import { replyAddress } from "../domain/inbound-email.js";
import {
  canSendCode,
  codeDigitsFor,
  generateCode,
  hashCode,
  hashLinkToken,
  issueCode,
  newLinkToken,
  VERIFICATION_POLICY,
} from "../domain/verification.js";
import { TransientError } from "../errors/index.js";
import type { VerificationLink } from "../ports/verification-links.js";
import type { Case } from "../schemas/case.js";
import type { Deps } from "./deps.js";

/** Reopen links stay valid for 30 days after a case ends. */
export const REOPEN_LINK_TTL_MS = 30 * 24 * 3_600_000;

/**
 * Mints an emailed link: a 256-bit random token whose SHA-256 alone is stored, bound to the case,
 * the recipient and the purpose. Returns the URL to send; the token exists nowhere else.
 */
export async function mintLink(
  deps: Pick<Deps, "ids" | "links" | "config" | "clock">,
  item: Case,
  purpose: VerificationLink["purpose"],
): Promise<string> {
  const token = newLinkToken(deps.ids.randomBytes);
  const now = deps.clock.now();
  await deps.links.put({
    tokenHash: hashLinkToken(token),
    caseId: item.caseId,
    recipient: item.reporter.email,
    purpose,
    generation: item.workflow.generation,
    expiresAt: now + (purpose === "reopen_case" ? REOPEN_LINK_TTL_MS : VERIFICATION_POLICY.linkTtlMs),
    usedAt: null,
  });
  return `${deps.config.publicBaseUrl}/v1/verify/${token}`;
}

/** A fresh SMS code (6 digits, 8 for P1) and its keyed hash; the plain code only goes into the SMS. */
export async function mintCode(deps: Pick<Deps, "ids" | "secrets">, item: Case, now: number) {
  const digits = codeDigitsFor(item.priority);
  const code = generateCode(digits, deps.ids.randomBytes);
  const verificationPepper = await deps.secrets.verificationPepper();
  return { code, state: { ...issueCode(hashCode(verificationPepper, item.caseId, code), now), digits } };
}

/**
 * The hash under which a reply nonce is stored. Prefixed so a nonce can never be looked up as a link
 * token (and the reverse): the two live in the same table under different purposes.
 */
export function hashReplyNonce(nonce: string): string {
  return createHash("sha256").update(`email_reply:${nonce.toLowerCase()}`).digest("hex");
}

/**
 * Mints the `Reply-To` of a verification email: `replies+<nonce>@domain`, a 128-bit random nonce whose hash
 * alone is stored, bound to the case, the reporter's address and the workflow generation, valid as long as
 * the case may wait on the reporter (the pause cap). A reply is bound to its challenge by this nonce (ADR
 * 0005). Undefined when no reply address is configured (replies then confirm nothing).
 */
export async function mintReplyAddress(
  deps: Pick<Deps, "ids" | "links" | "config" | "clock">,
  item: Case,
): Promise<string | undefined> {
  if (!deps.config.emailReplyTo) return undefined;
  const nonce = Buffer.from(deps.ids.randomBytes(16)).toString("hex");
  const address = replyAddress(deps.config.emailReplyTo, nonce);
  if (address === null) return undefined;
  await deps.links.put({
    tokenHash: hashReplyNonce(nonce),
    caseId: item.caseId,
    recipient: item.reporter.email,
    purpose: "email_reply",
    generation: item.workflow.generation,
    expiresAt: deps.clock.now() + deps.config.policy.verificationPauseCapSeconds * 1000,
    usedAt: null,
  });
  return address;
}

/** Conditional-write attempts on a destination's send log before giving up (concurrent resends). */
const SEND_LOG_ATTEMPTS = 5;

/** The key of a destination number in the send log: HMAC-SHA-256 with the pepper, so no number is stored. */
function destinationKey(pepper: string, phone: string): string {
  return createHmac("sha256", pepper).update(`sms-destination:${phone}`).digest("hex");
}

/**
 * Counts an SMS code sent to `phone`, across cases: with `enforce`, only if the number is under its limit
 * (3 per 10 min, sliding), else returns how long until the next send is allowed. Without `enforce` (a
 * case's first code, which the workflow sends whatever happened on other cases) the send is just recorded.
 *
 * @throws TransientError when concurrent writers keep winning the conditional write.
 */
export async function countCodeSend(
  deps: Pick<Deps, "secrets" | "codeSends">,
  phone: string,
  now: number,
  enforce: boolean,
): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
  const key = destinationKey(await deps.secrets.verificationPepper(), phone);
  for (let attempt = 0; attempt < SEND_LOG_ATTEMPTS; attempt += 1) {
    const { sends, version } = await deps.codeSends.get(key);
    const decision = canSendCode(sends, now);
    if (enforce && !decision.allowed) return { allowed: false, retryAfterMs: decision.retryAfterMs ?? 1 };
    if (await deps.codeSends.put(key, [...decision.recentSends, now], version, now + VERIFICATION_POLICY.sendWindowMs))
      return { allowed: true };
  }
  throw new TransientError("the send log of this destination is busy; retry");
}
