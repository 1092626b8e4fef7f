/**
 * Finding a case by the reporter's email without an index of clear-text emails: the case stores a
 * keyed hash (HMAC-SHA-256) of the normalised address, and a search hashes the query the same way.
 * Without the key a table dump reveals neither the addresses nor a way to test guesses.
 */
import { createHmac } from "node:crypto";

/** Domain separation: the search key is derived from the pepper, never used as the pepper itself. */
const SEARCH_KEY_LABEL = "vigil/email-search/v1";

/** The search key, derived from the secret pepper (a different key than the one SMS codes are hashed with). */
export function emailSearchKey(pepper: string): Buffer {
  return createHmac("sha256", pepper).update(SEARCH_KEY_LABEL, "utf8").digest();
}

/** How an address is compared: trimmed, lower-cased (providers treat both parts case-insensitively in practice). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The keyed hash an address is indexed and searched by (hex). */
export function emailSearchHash(key: Buffer, email: string): string {
  return createHmac("sha256", key).update(normaliseEmail(email), "utf8").digest("hex");
}

/** What a search query can be; a query may be tried as several. */
export function searchKinds(query: string, caseIdPattern: RegExp): Array<"caseId" | "accountId" | "email"> {
  const kinds: Array<"caseId" | "accountId" | "email"> = [];
  if (caseIdPattern.test(query)) kinds.push("caseId");
  if (/^[^\s@]+@[^\s@]+$/.test(query)) kinds.push("email");
  else kinds.push("accountId");
  return kinds;
}
