/**
 * IAM identity-policy evaluation for one role: explicit Deny wins, else some Allow must match, else the
 * implicit deny. Action names match case-insensitively, resource ARNs case-sensitively, both with IAM's
 * wildcards (`*` any run of characters, `?` one character). Conditions are not evaluated: a Deny with one
 * applies, an Allow with one grants nothing (the strict reading).
 */
import type { Statement } from "./template.js";

const patternCache = new Map<string, RegExp>();

/** `true` when `value` matches the IAM pattern (`*`, `?`). */
export function iamMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let regex = patternCache.get(key);
  if (!regex) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, caseInsensitive ? "i" : "");
    patternCache.set(key, regex);
  }
  return regex.test(value);
}

function applies(statement: Statement, action: string, resource: string): boolean {
  const actionOk = statement.Action
    ? statement.Action.some((pattern) => iamMatch(pattern, action, true))
    : !(statement.NotAction ?? []).some((pattern) => iamMatch(pattern, action, true));
  if (!actionOk) return false;
  return statement.Resource
    ? statement.Resource.some((pattern) => iamMatch(pattern, resource))
    : !(statement.NotResource ?? []).some((pattern) => iamMatch(pattern, resource));
}

/** Whether `statements` allow `action` on `resource`. */
export function isAllowed(statements: readonly Statement[], action: string, resource: string): boolean {
  let allowed = false;
  for (const statement of statements) {
    if (!applies(statement, action, resource)) continue;
    if (statement.Effect === "Deny") return false;
    if (statement.Condition === undefined) allowed = true;
  }
  return allowed;
}
