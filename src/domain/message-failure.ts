/**
 * Why a message could not be delivered, as a class an agent can act on. The provider's own text is
 * never kept: it can carry the address or number it refused.
 *
 * - `rejected`: the provider refused this message (SES `MessageRejected`, an SMS refused without a
 *   more precise reason).
 * - `sandbox_recipient`: the account is in the SES or SMS sandbox and the destination is not verified.
 * - `blocked_destination`: the destination's country (or number) is blocked by the SMS protect
 *   configuration or by End User Messaging.
 * - `opted_out`: the phone number opted out (someone texted STOP — a SIM swapper can).
 * - `invalid_destination`: the address or number cannot be parsed or is not valid for its country.
 * - `spend_limit`: the account's SMS spend limit or a daily destination limit is reached.
 * - `sending_paused`: sending is paused for the account or the configuration set.
 * - `sender_misconfigured`: the sender is not set up (unverified MAIL FROM, a missing configuration
 *   set, origination identity or permission): every message fails until an operator fixes it.
 * - `throttled_out`: a throttled or failing send still failed after the workflow's retries.
 */
export const MESSAGE_FAILURE_REASONS = [
  "rejected",
  "sandbox_recipient",
  "blocked_destination",
  "opted_out",
  "invalid_destination",
  "spend_limit",
  "sending_paused",
  "sender_misconfigured",
  "throttled_out",
] as const;
export type MessageFailureReason = (typeof MESSAGE_FAILURE_REASONS)[number];

/** What a failed send means for the case: retry it, or stop trusting that channel (`reason`). */
export type SendFailure = { permanent: false } | { permanent: true; reason: MessageFailureReason };
