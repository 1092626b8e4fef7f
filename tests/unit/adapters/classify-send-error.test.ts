import { MessageRejected } from "@aws-sdk/client-ses";
import { describe, expect, it } from "vitest";
import { classifySesError, classifySmsError } from "../../../src/adapters/messaging/classify-send-error.js";

const named = (name: string, message = "provider text", extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe("classifySesError", () => {
  it.each([
    [named("MessageRejected", "Email address is not verified. The following identities failed…"), "sandbox_recipient"],
    [new MessageRejected({ message: "Message rejected: content", $metadata: {} }), "rejected"],
    [named("AccountSendingPausedException"), "sending_paused"],
    [named("ConfigurationSetSendingPausedException"), "sending_paused"],
    [named("MailFromDomainNotVerifiedException"), "sender_misconfigured"],
    [named("ConfigurationSetDoesNotExistException"), "sender_misconfigured"],
    [named("AccessDenied"), "sender_misconfigured"],
    [named("AccessDeniedException"), "sender_misconfigured"],
    [named("InvalidClientTokenId"), "sender_misconfigured"],
    [named("InvalidParameterValue"), "invalid_destination"],
  ])("classes %s as permanent %s", (error, reason) => {
    // Act / Assess
    expect(classifySesError(error)).toEqual({ permanent: true, reason });
  });

  it.each(["Throttling", "ServiceUnavailable", "InternalFailure", "RequestTimeout", "TimeoutError", "ECONNRESET"])(
    "classes %s as worth retrying",
    (name) => {
      // Act / Assess
      expect(classifySesError(named(name))).toEqual({ permanent: false });
    },
  );
});

describe("classifySmsError", () => {
  it.each([
    ["ConflictException", "DESTINATION_PHONE_NUMBER_OPTED_OUT", "opted_out"],
    ["ConflictException", "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION", "blocked_destination"],
    ["ConflictException", "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE", "blocked_destination"],
    ["ConflictException", "DESTINATION_PHONE_NUMBER_NOT_VERIFIED", "sandbox_recipient"],
    ["ConflictException", "RESOURCE_NOT_ACTIVE", "sender_misconfigured"],
    ["ValidationException", "DESTINATION_COUNTRY_BLOCKED", "blocked_destination"],
    ["ValidationException", "CANNOT_PARSE", "invalid_destination"],
    ["ValidationException", "INVALID_PARAMETER", "invalid_destination"],
    ["ValidationException", "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY", "sender_misconfigured"],
    ["ValidationException", undefined, "rejected"],
    ["ServiceQuotaExceededException", "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT", "spend_limit"],
    ["ServiceQuotaExceededException", "DAILY_DESTINATION_CALL_LIMIT", "spend_limit"],
    ["AccessDeniedException", undefined, "sender_misconfigured"],
    ["ResourceNotFoundException", undefined, "sender_misconfigured"],
  ])("classes %s (%s) as permanent %s", (name, reason, expected) => {
    // Act / Assess
    expect(classifySmsError(named(name, "text naming +14155550100", { Reason: reason }))).toEqual({
      permanent: true,
      reason: expected,
    });
  });

  it.each(["ThrottlingException", "InternalServerException", "TimeoutError"])(
    "classes %s as worth retrying",
    (name) => {
      // Act / Assess
      expect(classifySmsError(named(name))).toEqual({ permanent: false });
    },
  );
});
