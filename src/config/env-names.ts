/**
 * Every environment variable Vigil reads, in one place. `infra/` imports this module (and nothing
 * else from `src/`) so the CDK app and the handlers cannot drift apart.
 */
export const ENV = {
  tableName: "VIGIL_TABLE_NAME",
  caseStateMachineArn: "VIGIL_CASE_STATE_MACHINE_ARN",
  timerStateMachineArn: "VIGIL_TIMER_STATE_MACHINE_ARN",
  /**
   * One Secrets Manager secret per need, on AWS; each is set (and granted) only on the functions that use it.
   * Intake: `{"webhookSecrets":["whsec_…"]}` (receive-report). Provider signing: `{"providerWebhookSecret":
   * "whsec_…"}` (the functions that sign deliveries). Pepper: `{"verificationPepper":"…"}` (codes).
   */
  intakeSecretArn: "VIGIL_INTAKE_SECRET_ARN",
  providerSecretArn: "VIGIL_PROVIDER_SECRET_ARN",
  pepperSecretArn: "VIGIL_PEPPER_SECRET_ARN",
  /** Comma-separated `whsec_` secrets accepted on intake (local / when no secrets ARN). */
  webhookSecrets: "VIGIL_WEBHOOK_SECRETS",
  providerWebhookSecret: "VIGIL_PROVIDER_WEBHOOK_SECRET",
  verificationPepper: "VIGIL_VERIFICATION_PEPPER",
  providerWebhookUrl: "VIGIL_PROVIDER_WEBHOOK_URL",
  eventBusName: "VIGIL_EVENT_BUS_NAME",
  publicBaseUrl: "VIGIL_PUBLIC_BASE_URL",
  emailFrom: "VIGIL_EMAIL_FROM",
  /** Where reporters' replies go (the SES inbound receipt rule's recipient). */
  emailReplyTo: "VIGIL_EMAIL_REPLY_TO",
  sesConfigurationSet: "VIGIL_SES_CONFIGURATION_SET",
  smsOriginationIdentity: "VIGIL_SMS_ORIGINATION_IDENTITY",
  smsProtectConfigurationId: "VIGIL_SMS_PROTECT_CONFIGURATION_ID",
  /** Emails per second the pacing drain sends at (the account's SES maximum send rate; default 14). */
  sesMaxSendRate: "VIGIL_SES_MAX_SEND_RATE",
  /** SMS per second the pacing drain sends at (the origination identity's MPS; default 3, a US toll-free number). */
  smsMaxMps: "VIGIL_SMS_MAX_MPS",
  oncallEmail: "VIGIL_ONCALL_EMAIL",
  oncallPhone: "VIGIL_ONCALL_PHONE",
  /** Optional second contact, paged when a breached clock's escalation repeats run out unanswered. */
  oncallEscalationEmail: "VIGIL_ONCALL_ESCALATION_EMAIL",
  oncallEscalationPhone: "VIGIL_ONCALL_ESCALATION_PHONE",
  helpBaseUrl: "VIGIL_HELP_BASE_URL",
  /** Who "we" are in every message to reporters (default "Wallet Security"). */
  brandName: "VIGIL_BRAND_NAME",
  /** The provider's support contact page, linked from pages and messages (default: the help base URL). */
  supportUrl: "VIGIL_SUPPORT_URL",
  /** Base URL of the operator console; on-call pages link to `<consoleUrl>/cases/{caseId}`. */
  consoleUrl: "VIGIL_CONSOLE_URL",
  /** Local only: the bearer token the embedded API gateway accepts for operator routes. */
  operatorToken: "VIGIL_OPERATOR_TOKEN",
  /** Local only: JSON array of `{ token, agent, groups }`, one entry per operator. */
  operators: "VIGIL_OPERATORS",
  /** JSON overrides of the policy defaults (SLA targets, thresholds, scopes). Optional. */
  policyOverrides: "VIGIL_POLICY",
  /** Audit anchor signing key: a KMS key ARN (`ECC_NIST_P256`) on AWS. */
  anchorKeyId: "VIGIL_ANCHOR_KEY_ID",
  /** Audit anchors: an S3 bucket with Object Lock on AWS. */
  anchorBucket: "VIGIL_ANCHOR_BUCKET",
  /** Audit anchors and an Ed25519 key as local files (used where no key id or bucket is set). */
  anchorDir: "VIGIL_ANCHOR_DIR",
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
