import type { SendFailure } from "../../domain/message-failure.js";

/**
 * Classifies the errors of SES v1 `SendEmail` and End User Messaging SMS v2 `SendTextMessage` by
 * their documented error codes (and, for SMS, the documented `Reason` enums), never by their text.
 *
 * Sources:
 * - SES `SendEmail` errors: https://docs.aws.amazon.com/ses/latest/APIReference/API_SendEmail.html#API_SendEmail_Errors
 *   and the common errors: https://docs.aws.amazon.com/ses/latest/APIReference/CommonErrors.html
 * - SMS v2 `SendTextMessage` errors: https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_SendTextMessage.html#API_SendTextMessage_Errors
 *   with the reasons of `ConflictException`, `ValidationException` and `ServiceQuotaExceededException`
 *   (the `Reason` enums of `@aws-sdk/client-pinpoint-sms-voice-v2`).
 *
 * Unknown codes are transient: the workflow retries them a bounded number of times, and a message
 * that still fails is recorded as `throttled_out`. A permanent class is only given where retrying
 * cannot help.
 */
export function classifySesError(error: unknown): SendFailure {
  const { name, message } = describe(error);
  switch (name) {
    case "MessageRejected":
      // SES says so in the text when the sandbox refuses an unverified recipient; only the class is kept.
      return { permanent: true, reason: /not verified/i.test(message) ? "sandbox_recipient" : "rejected" };
    case "AccountSendingPausedException":
    case "ConfigurationSetSendingPausedException":
      return { permanent: true, reason: "sending_paused" };
    case "MailFromDomainNotVerifiedException":
    case "ConfigurationSetDoesNotExistException":
    case "AccessDenied":
    case "AccessDeniedException":
    case "InvalidClientTokenId":
      return { permanent: true, reason: "sender_misconfigured" };
    case "InvalidParameterValue":
      return { permanent: true, reason: "invalid_destination" };
    default:
      // Throttling (sending rate or daily quota), ServiceUnavailable, InternalFailure, network errors.
      return { permanent: false };
  }
}

/** See {@link classifySesError}. */
export function classifySmsError(error: unknown): SendFailure {
  const { name, reason } = describe(error);
  switch (name) {
    case "ConflictException":
      switch (reason) {
        case "DESTINATION_PHONE_NUMBER_OPTED_OUT":
          return { permanent: true, reason: "opted_out" };
        case "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION":
        case "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE":
          return { permanent: true, reason: "blocked_destination" };
        case "DESTINATION_PHONE_NUMBER_NOT_VERIFIED":
          return { permanent: true, reason: "sandbox_recipient" };
        default:
          // A resource not in a usable state (origination identity, configuration set).
          return { permanent: true, reason: "sender_misconfigured" };
      }
    case "ValidationException":
      switch (reason) {
        case "DESTINATION_COUNTRY_BLOCKED":
          return { permanent: true, reason: "blocked_destination" };
        case "CANNOT_PARSE":
        case "INVALID_PARAMETER":
          return { permanent: true, reason: "invalid_destination" };
        case "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY":
          return { permanent: true, reason: "sender_misconfigured" };
        default:
          return { permanent: true, reason: "rejected" };
      }
    case "ServiceQuotaExceededException":
      return { permanent: true, reason: "spend_limit" };
    case "AccessDeniedException":
    case "ResourceNotFoundException":
      return { permanent: true, reason: "sender_misconfigured" };
    default:
      // ThrottlingException, InternalServerException, network errors.
      return { permanent: false };
  }
}

function describe(error: unknown): { name: string; message: string; reason?: string } {
  const value = error as { name?: unknown; message?: unknown; Reason?: unknown } | undefined;
  return {
    name: typeof value?.name === "string" ? value.name : "Error",
    message: typeof value?.message === "string" ? value.message : "",
    reason: typeof value?.Reason === "string" ? value.Reason : undefined,
  };
}
