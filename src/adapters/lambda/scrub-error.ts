import { AppError } from "../../errors/index.js";

const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+/g;
const PHONE = /\+?\d[\d ().-]{6,}\d/g;
/** Long opaque strings: task tokens, verification tokens, secrets, ARNs' ids. */
const TOKEN = /[A-Za-z0-9+/=_-]{24,}/g;

/** Removes what could identify a reporter or open a door from a text: emails, numbers, tokens. */
export function redact(text: string): string {
  return text.replace(EMAIL, "[email]").replace(TOKEN, "[token]").replace(PHONE, "[number]");
}

/**
 * The error a workflow task lets Step Functions see. Step Functions records the task's error name
 * (what `Retry`/`Catch` route on, kept as it is) and, as `Cause`, the message and stack, which it
 * logs at level ALL and shows in the console. An SDK or provider message can carry the address or
 * number it refused, so only our own messages pass, redacted, and the stack is left out.
 */
export function scrubError(error: unknown): Error {
  const name = typeof (error as Error)?.name === "string" ? (error as Error).name : "Error";
  const message =
    error instanceof AppError ? redact(error.message) : `${name} (details withheld; see the function's logs)`;
  const safe = new Error(message);
  safe.name = name;
  safe.stack = `${name}: ${message}`;
  return safe;
}
