import * as z from "zod";
import type { Locale } from "../domain/messages/index.js";
import type { IncidentType } from "../domain/types.js";

/** Largest accepted body of the reporter endpoints: a decision and a code fit in a few bytes. */
export const MAX_VERIFY_BODY_BYTES = 4 * 1024;

/** Media types the reporter endpoints accept on POST (the page's form, or an API client). */
export const VERIFY_CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json"];

/**
 * The path of `/v1/verify/{token}[/resend]`. Only the length is bounded: a truncated or mangled link
 * is just an unknown token and gets the same "no longer valid" answer as any other, never a 400 that
 * would tell a person with a broken link nothing useful.
 */
export const VerifyPathSchema = z.object({ token: z.string().min(1).max(512) });

/**
 * The body of `POST /v1/verify/{token}` (form fields or JSON). The code may arrive as typed
 * ("123 456", "123-456"); separators are dropped, an empty field counts as no code. Anything else in
 * the body is ignored (the form's buttons and fields are the contract, not their absence).
 */
export const VerifySubmissionSchema = z.object({
  decision: z.enum(["confirm", "deny"]),
  code: z
    .string()
    .max(32)
    .transform((value) => value.replace(/[\s-]/g, ""))
    .transform((value) => (value === "" ? undefined : value))
    .optional(),
});
export type VerifySubmission = z.infer<typeof VerifySubmissionSchema>;

/**
 * What a submission decided. The contract's statuses plus three additions (the contract allows them):
 * - `email_verified`: the email factor is confirmed, but the case still needs an agent's identity
 *   check (SMS is not trusted after a SIM swap), so the case keeps waiting.
 * - `reopened`: a reopen link (sent with a closure) reopened the case.
 * `invalid` covers unknown, used, expired and mismatched links alike (and a wrong code, with
 * `attemptsLeft` > 0 while the code still accepts entries); `expired` only ever means the SMS code.
 */
export const VERIFY_STATUSES = [
  "verified",
  "email_verified",
  "denied",
  "reopened",
  "invalid",
  "expired",
  "locked",
] as const;
export type VerifyStatus = (typeof VERIFY_STATUSES)[number];

/** The JSON answer of `POST /v1/verify/{token}`. */
export const VerifyResultSchema = z.object({
  status: z.enum(VERIFY_STATUSES),
  /** Entries the current SMS code still accepts (0 when none is pending or it is used up). */
  attemptsLeft: z.number().int().nonnegative(),
  /** Only with `locked`: seconds until verification may be tried again. */
  retryAfterSeconds: z.number().int().positive().optional(),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

/**
 * The JSON answer of `POST /v1/verify/{token}/resend`: always the same, whether a code was sent, the
 * link is not valid, or the case does not use SMS; only a send over the limit differs (429).
 */
export const ResendResultSchema = z.object({ status: z.literal("accepted") });
export type ResendResult = z.infer<typeof ResendResultSchema>;

/**
 * What `GET /v1/verify/{token}` shows. `invalid` is one answer for every link that cannot act
 * (unknown, used, expired, bound to something else, or its case moved on), so the page never tells
 * whether a token or case exists.
 */
export type VerifyView =
  | { kind: "invalid"; locale: Locale }
  | {
      kind: "verify";
      locale: Locale;
      caseRef: string;
      maskedEmail: string;
      incidentType: IncidentType;
      /** The SMS code the page must ask for, or null when the case does not need one. */
      code: { digits: number; canResend: boolean } | null;
      /** Set while verification is locked after repeated failures. */
      retryAfterSeconds?: number;
    }
  | { kind: "reopen"; locale: Locale; caseRef: string; maskedEmail: string; incidentType: IncidentType };

/**
 * A submission's result, with what its HTML page needs (not part of the JSON answer): the locale
 * and the case reference (null for a link that cannot act).
 */
export type VerifyOutcome = VerifyResult & { locale: Locale; caseRef: string | null };

/** A resend's (deliberately uniform) result, with the locale of its page. */
export type ResendOutcome = ResendResult & { locale: Locale };

/** The reporter endpoints' operations (`makeVerifyReporter`), as the HTTP adapter calls them. */
export interface VerifyReporter {
  view(token: string): Promise<VerifyView>;
  submit(token: string, input: VerifySubmission): Promise<VerifyOutcome>;
  resend(token: string): Promise<ResendOutcome>;
}
