import {
  codeDigitsFor,
  generateCode,
  hashCode,
  hashLinkToken,
  issueCode,
  newLinkToken,
  VERIFICATION_POLICY,
} from "../domain/verification.js";
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
