import type { MessageFailureReason } from "../domain/message-failure.js";

/**
 * The error taxonomy. Each subclass sets a string-literal `name`: HTTP handlers map it to a
 * problem+json status, and workflow tasks let it reach ASL `Retry`/`Catch` unchanged, so the
 * names are part of the workflow contract.
 */
export abstract class AppError extends Error {
  abstract override readonly name: string;
  abstract readonly status: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A field-level validation message, as problem+json `errors` items. */
export interface FieldError {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  override readonly name = "ValidationError";
  readonly status = 400;
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class UnauthorizedError extends AppError {
  override readonly name = "UnauthorizedError";
  readonly status = 401;
}

export class NotFoundError extends AppError {
  override readonly name = "NotFoundError";
  readonly status = 404;
}

export class ConflictError extends AppError {
  override readonly name = "ConflictError";
  readonly status = 409;
}

export class PayloadTooLargeError extends AppError {
  override readonly name = "PayloadTooLargeError";
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends AppError {
  override readonly name = "UnsupportedMediaTypeError";
  readonly status = 415;
}

/**
 * The base of refusals by a domain rule; `reason` is a stable machine-readable code (problem+json `reason`).
 * Abstract: thrown only through its subclasses, which set the status (`ActionNotAllowedError` 409,
 * `ForbiddenError` 403); 422 is only the fallback status of a subclass that does not set one.
 */
export abstract class BusinessRuleError extends AppError {
  override readonly name: string = "BusinessRuleError";
  readonly status: number = 422;
  constructor(
    message: string,
    readonly reason: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly retryAfterSeconds?: number;
}

/** An operator action the case's current state does not allow (HTTP 409). */
export class ActionNotAllowedError extends BusinessRuleError {
  override readonly name = "ActionNotAllowedError";
  override readonly status = 409;
}

/** The operator is authenticated but their role does not allow the action (HTTP 403); `reason` says why. */
export class ForbiddenError extends BusinessRuleError {
  override readonly name = "ForbiddenError";
  override readonly status = 403;
}

export class RateLimitedError extends AppError {
  override readonly name = "RateLimitedError";
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A dependency failed in a way worth retrying (ASL retries `TransientError`). */
export class TransientError extends AppError {
  override readonly name = "TransientError";
  readonly status = 503;
}

/** Configuration is missing or invalid: raised at cold start so a bad deploy fails fast. */
export class ConfigError extends AppError {
  override readonly name = "ConfigError";
  readonly status = 500;
}

/**
 * A message cannot be delivered on a channel and retrying will not help (rejected, blocked, opted
 * out…). Its message names only the channel and the reason class, never the provider's text.
 */
export class MessageUndeliverableError extends AppError {
  override readonly name = "MessageUndeliverable";
  readonly status = 502;
  constructor(
    readonly channel: "email" | "sms",
    readonly reason: MessageFailureReason,
    options?: { cause?: unknown },
  ) {
    super(`${channel} undeliverable (${reason})`, options);
  }
}

/** Error names the workflow's Catch clauses route on (`workflows/case.asl.json`): a contract. */
export const WORKFLOW_ERRORS = {
  /** Sent with SendTaskFailure when the reporter answers "this wasn't me". */
  verificationDenied: "VerificationDenied",
  /** Raised (or sent) when an agent concluded the case while a step waited. */
  caseConcluded: "CaseConcluded",
  /** Raised by a task when no channel to the reporter is trusted any more: an agent takes over at once. */
  reporterUnreachable: "ReporterUnreachable",
} as const;

/**
 * Raised by a workflow task when the case no longer needs the step (an agent closed or resolved
 * it meanwhile). The case workflow catches it and completes the case.
 */
export class CaseConcludedError extends AppError {
  override readonly name = WORKFLOW_ERRORS.caseConcluded;
  readonly status = 409;
}

/** No channel to the reporter is left (every one failed permanently): the case goes to an agent. */
export class ReporterUnreachableError extends AppError {
  override readonly name = WORKFLOW_ERRORS.reporterUnreachable;
  readonly status = 409;
}
