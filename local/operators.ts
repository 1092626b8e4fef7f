import * as z from "zod";
import { isSafeName, OPERATOR_GROUPS, type OperatorGroup } from "../src/domain/operator.js";
import { ConfigError } from "../src/errors/index.js";

/** One operator the local gateway accepts: a bearer token, the agent it authenticates, their groups. */
export interface LocalOperator {
  token: string;
  agent: string;
  groups: OperatorGroup[];
}

/** The agent `VIGIL_OPERATOR_TOKEN` authenticates: a single agent who is in both groups. */
export const SHORTHAND_AGENT = "local-operator";

const OperatorsSchema = z
  .array(
    z
      .object({
        token: z.string().min(16, "must be at least 16 characters"),
        agent: z
          .string()
          .min(1)
          .max(128)
          .refine(isSafeName, "must not contain control, format or invisible characters"),
        groups: z.array(z.enum(OPERATOR_GROUPS)).min(1),
      })
      .strict(),
  )
  .min(1)
  .refine((list) => new Set(list.map((entry) => entry.token)).size === list.length, "tokens must be unique")
  .refine((list) => new Set(list.map((entry) => entry.agent)).size === list.length, "agents must be unique");

/**
 * The operators of the local runtime (what Cognito users and groups are on AWS):
 * - `VIGIL_OPERATORS`, a JSON array of `{ "token", "agent", "groups" }`, when set;
 * - `VIGIL_OPERATOR_TOKEN` (or the dev default when neither is set): agent `local-operator` in
 *   `agents` and `supervisors`. With `VIGIL_OPERATORS` set, the shorthand token is accepted only
 *   if it is set explicitly, so a dev default never grants supervisor rights beside a configured list.
 *
 * @throws ConfigError when `VIGIL_OPERATORS` is not valid (the message names fields, never tokens).
 */
export function localOperators(env: { operators?: string; operatorToken?: string }, devToken: string): LocalOperator[] {
  const shorthand = (token: string): LocalOperator => ({
    token,
    agent: SHORTHAND_AGENT,
    groups: ["agents", "supervisors"],
  });
  if (!env.operators?.trim()) return [shorthand(env.operatorToken ?? devToken)];
  let json: unknown;
  try {
    json = JSON.parse(env.operators);
  } catch {
    throw new ConfigError("VIGIL_OPERATORS is not valid JSON");
  }
  const parsed = OperatorsSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(list)"}: ${issue.message}`);
    throw new ConfigError(`VIGIL_OPERATORS is invalid: ${where.join("; ")}`);
  }
  const list: LocalOperator[] = parsed.data.map((entry) => ({ ...entry, groups: [...new Set(entry.groups)] }));
  if (env.operatorToken && !list.some((entry) => entry.token === env.operatorToken)) {
    list.push(shorthand(env.operatorToken));
  }
  return list;
}
