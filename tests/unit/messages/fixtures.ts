/** Shared inputs for the message tests: realistic values and the full render matrix. */
import {
  type IncidentType,
  LOCALES,
  type Locale,
  MESSAGE_KINDS,
  type MessageKind,
  type RenderInput,
} from "../../../src/domain/messages/index.js";
import { INCIDENT_TYPES } from "../../../src/domain/types.js";

/** A case id as the operator API shows it (`c_` + ULID): the longest realistic reference. */
export const CASE_REF = "c_01JD5Z8K3QX7M2N4P6R8T0V2WY";

export const HELP_LINKS = {
  passwordReset: "https://help.acme.example/reset-password",
  mfa: "https://help.acme.example/two-step?ref=vigil&lang=en",
  support: "https://help.acme.example/contact",
  reportFraud: "https://help.acme.example/report-fraud",
} as const;

/** Every variable any kind reads, with realistic values. */
export const ALL_VARS: NonNullable<RenderInput["vars"]> = {
  verifyUrl: "https://vigil.acme.example/v1/verify/Zk3x9QvT0b8yHc2LmN4pRs",
  expiresMinutes: 30,
  smsCodeSent: true,
  code: "48213907",
  lockRequested: true,
  scopes: ["login", "withdrawals", "new_addresses", "security_settings"],
  status: "escalated",
  reopenUrl: "https://vigil.acme.example/v1/reopen/Qa8s7d6f5g4h3j2k1l",
  reason: "first response SLA breached",
  priority: "P1",
  clock: "firstResponse due 08:15Z",
  caseUrl: "https://ops.acme.example/cases/c_01JD5Z8K3QX7M2N4P6R8T0V2WY",
  message:
    "Hello Ana,\n\nWe locked withdrawals while we check the login from Lagos. Reply to this email if you need us.",
};

/** Only what each kind requires. */
export function requiredVars(kind: MessageKind): RenderInput["vars"] {
  if (kind === "verification_request") return { verifyUrl: ALL_VARS.verifyUrl };
  if (kind === "verification_code") return { code: "123456" };
  if (kind === "agent_message") return { message: "We are on it." };
  return undefined;
}

export type Variant = "full" | "minimal";

/** Full: provider, help links and every variable. Minimal: nothing optional at all. */
export function inputFor(kind: MessageKind, incidentType: IncidentType, locale: Locale, variant: Variant): RenderInput {
  return variant === "full"
    ? {
        kind,
        incidentType,
        locale,
        caseRef: CASE_REF,
        providerName: "Acme Wallet",
        helpLinks: HELP_LINKS,
        vars: ALL_VARS,
      }
    : { kind, incidentType, locale, caseRef: CASE_REF, vars: requiredVars(kind) };
}

export interface MatrixCase {
  kind: MessageKind;
  incidentType: IncidentType;
  locale: Locale;
  variant: Variant;
}

/** Every kind × incident type × locale × variant. */
export const MATRIX: MatrixCase[] = MESSAGE_KINDS.flatMap((kind) =>
  INCIDENT_TYPES.flatMap((incidentType) =>
    LOCALES.flatMap((locale) =>
      (["full", "minimal"] as const).map((variant) => ({ kind, incidentType, locale, variant })),
    ),
  ),
);

export { INCIDENT_TYPES, LOCALES, MESSAGE_KINDS };
