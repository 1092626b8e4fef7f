/**
 * Masking of reporter contact data for the operator API and logs: enough for an agent to recognise
 * "the Gmail address starting with a" or "the US number ending in 00", not enough to contact or
 * impersonate the reporter. Total functions: odd input is masked harder, never echoed, never thrown on.
 */

const MASK = "***";

/**
 * `ana@example.com` → `a***@example.com`: the first character of the local part, a fixed `***` (so
 * the length is not revealed) and the domain. A value without `@` is not an address and reveals
 * nothing (`***`); the empty string stays empty.
 */
export function maskEmail(email: string): string {
  if (typeof email !== "string") return MASK;
  if (email === "") return "";
  // The last @ separates the domain: a quoted local part may itself contain "@".
  const at = email.lastIndexOf("@");
  if (at < 0) return MASK;
  // Code points, not UTF-16 units, so an emoji or accented first letter is never split in half.
  const first = Array.from(email.slice(0, at))[0] ?? "";
  return `${first}${MASK}${email.slice(at)}`;
}

const PHONE_PREFIX = 5;
const PHONE_SUFFIX = 2;
/** However short the input, at least this many characters are hidden. */
const PHONE_MIN_HIDDEN = 4;

/**
 * `+14155550100` → `+1415*****00`: the first 5 characters (country and area code) and the last 2
 * stay, every other character becomes `*`. Shorter inputs show fewer characters so that at least 4
 * are always hidden (the suffix shrinks last): `+6834002` → `+6****02`.
 */
export function maskPhone(phone: string): string {
  if (typeof phone !== "string") return "";
  const chars = Array.from(phone);
  const visible = Math.max(0, chars.length - PHONE_MIN_HIDDEN);
  const suffix = Math.min(PHONE_SUFFIX, visible);
  const prefix = Math.min(PHONE_PREFIX, visible - suffix);
  const hidden = chars.length - prefix - suffix;
  return `${chars.slice(0, prefix).join("")}${"*".repeat(hidden)}${chars.slice(chars.length - suffix).join("")}`;
}
