/**
 * Errors of the Step Functions emulation: API errors answered to SDK callers, and the errors
 * task handlers throw into the engine (whose `name` is the ASL error name that Retry/Catch match).
 */

/** A Step Functions API error; the server answers it as HTTP 400 `{"__type": code, "message": ...}`. */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * Error thrown into the engine for a failed task. Its `message` becomes the ASL `Cause`. It must not
 * carry an `Error.cause`: the engine would report that object instead of the message.
 */
export function taskError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

/**
 * The ASL error for a Lambda that threw: like AWS, `Error` is the Lambda's error type and `Cause`
 * the JSON `{"errorType", "errorMessage"}` document (AWS adds a `trace`).
 */
export function lambdaError(thrown: unknown): Error {
  const name = thrown instanceof Error ? thrown.name : "Error";
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return taskError(name, JSON.stringify({ errorType: name, errorMessage: message }));
}

/** A runtime error that Retry and Catch cannot match (AWS `States.Runtime`, e.g. a bad path value). */
export function runtimeError(cause: string): Error {
  return Object.assign(taskError("States.Runtime", cause), { isRetryable: false, isCatchable: false });
}

/** Rejects a parked handler of an execution that was stopped or shut down; never retried or caught. */
export function cancelledError(): Error {
  return Object.assign(taskError("Local.Cancelled", "The execution was stopped or the runtime shut down"), {
    isRetryable: false,
    isCatchable: false,
  });
}
