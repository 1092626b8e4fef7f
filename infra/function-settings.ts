/**
 * Per-function settings that the CDK app and the local runtime must agree on, in one place. This module
 * imports nothing (no CDK), so `local/` reads it without loading aws-cdk-lib.
 */

/** Lambda timeout of a function that is not listed in {@link FUNCTION_TIMEOUT_SECONDS}. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 10;

/**
 * Lambda timeouts (seconds) by entry name (`functions/<name>.ts`). Workflow tasks get 30 s (their Retry covers
 * `Sandbox.Timedout`), the SES inbound handler 30 s (MIME parsing), the once-a-minute sweep 55 s (it must end
 * before the next run), the pacing drain 60 s (it sends for 50 s), the audit anchor 60 s, the audit verifier 29 s (under API Gateway's limit); HTTP handlers keep the default, well under API Gateway's 30 s integration limit.
 */
export const FUNCTION_TIMEOUT_SECONDS: Readonly<Record<string, number>> = {
  "start-pending-workflows": 55,
  "drain-outbound": 60,
  "receive-email-reply": 30,
  "anchor-audit": 60,
  "verify-audit": 29,
  "contain-incident": 30,
  "read-case-plan": 30,
  "acknowledge-report": 30,
  "request-lock": 30,
  "request-verification": 30,
  "send-guidance": 30,
  "await-resolution": 30,
  "complete-case": 30,
  "close-unverified": 30,
  "escalate-case": 30,
  "fire-timer": 30,
  "hand-over-timer": 30,
};

/** The timeout, in seconds, that `functions/<name>.ts` gets on AWS and locally. */
export function functionTimeoutSeconds(name: string): number {
  return FUNCTION_TIMEOUT_SECONDS[name] ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
}
