/**
 * IAM identity-policy evaluation for one role: explicit Deny wins, else some Allow must match, else the
 * implicit deny. Action names match case-insensitively, resource ARNs case-sensitively, both with IAM's
 * wildcards (`*` any run of characters, `?` one character). Conditions: `dynamodb:LeadingKeys` under
 * `StringEquals`/`StringLike`/`StringNotEquals`/`StringNotLike`, plain or with `ForAllValues:`/`ForAnyValue:`,
 * is evaluated against the partition keys of the request (as IAM does; an operation whose keys the front cannot
 * name, a Scan say, satisfies no such condition). Any other condition is not evaluated: a Deny with one
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

/** The request's values of the condition keys the front knows (`dynamodb:LeadingKeys`: the partition keys). */
export type RequestContext = Readonly<Record<string, readonly string[] | undefined>>;

/** Condition keys evaluated locally. */
export const EVALUATED_CONDITION_KEYS = ["dynamodb:LeadingKeys"] as const;

const OPERATOR = /^(?:(ForAllValues|ForAnyValue):)?(StringEquals|StringLike|StringNotEquals|StringNotLike)$/;

/**
 * `true`/`false` when every condition of the block could be evaluated, `undefined` when one uses an operator
 * or a key this module does not evaluate (the caller then takes the strict reading).
 */
export function conditionHolds(condition: unknown, context: RequestContext): boolean | undefined {
  if (condition === null || typeof condition !== "object") return undefined;
  for (const [operator, entries] of Object.entries(condition as Record<string, unknown>)) {
    const parsed = OPERATOR.exec(operator);
    if (!parsed || entries === null || typeof entries !== "object") return undefined;
    const [, qualifier, base = ""] = parsed;
    const like = base.endsWith("Like");
    const negated = base.includes("Not");
    for (const [key, expected] of Object.entries(entries as Record<string, unknown>)) {
      if (!(EVALUATED_CONDITION_KEYS as readonly string[]).includes(key)) return undefined;
      const patterns = (Array.isArray(expected) ? expected : [expected]).map(String);
      const values = context[key];
      // A key the front could not name for this request: no condition on it holds (strict).
      if (values === undefined) return false;
      const matchesOne = (value: string) =>
        patterns.some((pattern) => (like ? iamMatch(pattern, value) : pattern === value)) !== negated;
      const holds =
        qualifier === "ForAllValues"
          ? values.every(matchesOne)
          : qualifier === "ForAnyValue"
            ? values.some(matchesOne)
            : values.length === 1 && matchesOne(values[0] as string);
      if (!holds) return false;
    }
  }
  return true;
}

/** Whether `statements` allow `action` on `resource` for a request with `context`. */
export function isAllowed(
  statements: readonly Statement[],
  action: string,
  resource: string,
  context: RequestContext = {},
): boolean {
  let allowed = false;
  for (const statement of statements) {
    if (!applies(statement, action, resource)) continue;
    const holds = statement.Condition === undefined ? true : conditionHolds(statement.Condition, context);
    if (statement.Effect === "Deny") {
      // A Deny whose condition cannot be evaluated applies (strict).
      if (holds !== false) return false;
      continue;
    }
    if (holds === true) allowed = true;
  }
  return allowed;
}
