import { ConfigError } from "../errors/index.js";
import { ENV } from "./env-names.js";

/**
 * What a function needs from its environment beyond the table, checked when its handler is built (its
 * cold start): a workflow it starts, a secret it reads. Without this a missing variable surfaced late
 * and quietly, as a `""` state machine ARN whose start failed and was deferred to the sweep, or as a
 * secret missing at the first report. The infra grants exactly these (tests/infra checks the two agree).
 */
export type FunctionNeed = "caseWorkflow" | "timerWorkflow" | "intakeSecret" | "providerSecret" | "pepperSecret";

/** The variable each need reads on AWS and, for secrets, the value variable the local runtime sets instead. */
export const NEED_VARIABLES: Readonly<Record<FunctionNeed, { aws: string; local?: string }>> = {
  caseWorkflow: { aws: ENV.caseStateMachineArn },
  timerWorkflow: { aws: ENV.timerStateMachineArn },
  intakeSecret: { aws: ENV.intakeSecretArn, local: ENV.webhookSecrets },
  providerSecret: { aws: ENV.providerSecretArn, local: ENV.providerWebhookSecret },
  pepperSecret: { aws: ENV.pepperSecretArn, local: ENV.verificationPepper },
};

/** Writing to reporters, agents or the provider arms timers: every messaging function starts the timer workflow. */
const MESSAGING = ["timerWorkflow"] as const;

/** Each function built by `buildDeps`, with what it cannot run without. */
export const FUNCTION_NEEDS = {
  "receive-report": [...MESSAGING, "caseWorkflow", "intakeSecret", "pepperSecret"],
  "start-pending-workflows": [...MESSAGING, "caseWorkflow", "providerSecret"],
  "verify-reporter": [...MESSAGING, "caseWorkflow", "pepperSecret"],
  "act-on-case": [...MESSAGING, "caseWorkflow"],
  "receive-email-reply": [...MESSAGING, "caseWorkflow"],
  "contain-incident": [...MESSAGING, "providerSecret"],
  "read-case-plan": [...MESSAGING],
  "acknowledge-report": [...MESSAGING],
  "request-verification": [...MESSAGING, "pepperSecret"],
  "send-guidance": [...MESSAGING],
  "await-resolution": [...MESSAGING],
  "complete-case": [...MESSAGING],
  "close-unverified": [...MESSAGING],
  "escalate-case": [...MESSAGING],
  "fire-timer": [...MESSAGING, "providerSecret"],
  "drain-outbound": [...MESSAGING, "pepperSecret"],
  "list-cases": ["pepperSecret"],
  "get-case": [],
  "get-case-audit": [],
  "get-sla-stats": [],
  "preview-reporter-message": [],
} as const satisfies Record<string, readonly FunctionNeed[]>;

export type FunctionName = keyof typeof FUNCTION_NEEDS;

/**
 * Checks that the environment gives `name` everything it needs.
 *
 * @throws ConfigError naming every missing variable (names only, never values).
 */
export function assertFunctionNeeds(name: FunctionName, env: Record<string, string | undefined>): void {
  const missing = (FUNCTION_NEEDS[name] as readonly FunctionNeed[]).flatMap((need) => {
    const { aws, local } = NEED_VARIABLES[need];
    if (env[aws]?.trim() || (local && env[local]?.trim())) return [];
    return [local ? `${aws} (or ${local} outside AWS)` : aws];
  });
  if (missing.length) {
    throw new ConfigError(`${name}: missing configuration ${missing.join(", ")}: the function cannot start without it`);
  }
}
