/**
 * Every custom metric Vigil emits, in one place: the handlers emit them (through the `Metrics` port) and
 * `infra/` builds one alarm per name and the dashboard from them, so a new metric without an alarm fails the infra
 * tests. Namespace `Vigil`. Every data point is emitted without dimensions (what the alarms watch: an alarm
 * matches only the exact dimension set) and, where `dimensions` lists some, once more with them (what the
 * dashboard splits by). Dimension values are closed sets (a priority, a channel, an error name): never user data.
 */
export const METRIC_NAMESPACE = "Vigil";

export const METRIC_NAMES = {
  /** A signed report accepted (a new case or one merged into an open case). */
  ReportReceived: { unit: "Count", dimensions: ["Priority"] },
  /** Lock requested → provider answered 2xx on `account.lock.requested`, in milliseconds. */
  TimeToLock: { unit: "Milliseconds", dimensions: ["Priority"] },
  /** An SLA clock passed a warning threshold (50 %, 80 %). */
  SlaWarning: { unit: "Count", dimensions: ["Priority"] },
  /** An SLA clock reached 100 % of its target. */
  SlaBreached: { unit: "Count", dimensions: ["Priority"] },
  /** One per email accepted by SES. */
  EmailSent: { unit: "Count", dimensions: [] },
  /** One per SMS accepted by End User Messaging. */
  SmsSent: { unit: "Count", dimensions: [] },
  /** A send to a reporter or agent failed (Channel: email | sms; Class: transient or the provider's error name). */
  MessageFailed: { unit: "Count", dimensions: ["Channel", "Class"] },
  /** A reporter message waits in the pacing queue: throttled, or behind messages already waiting (ADR 0014). */
  MessageQueued: { unit: "Count", dimensions: ["Channel"] },
  /** Age of the oldest P1 message waiting in a pacing queue, sampled by each drain pass (ADR 0014). */
  MessageQueueAge: { unit: "Milliseconds", dimensions: ["Channel"] },
  /** A queued message waited past the maximum age (24 h) unsent: given up, shown on its case as `throttled_out`. */
  MessageExpired: { unit: "Count", dimensions: ["Channel"] },
  /** The provider throttled a send of the pacing drain: the configured rate is above the account's. */
  PacedSendThrottled: { unit: "Count", dimensions: ["Channel"] },
  /** A provider webhook attempt failed and another is scheduled: the delivery is still pending. */
  DeliveryRetryScheduled: { unit: "Count", dimensions: [] },
  /** A provider webhook delivery used its last retry (or got 410) and was kept with status "exhausted". */
  DeliveryExhausted: { unit: "Count", dimensions: [] },
  /** Step Functions refused a case start; `start-pending-workflows` retries it within a minute. */
  WorkflowStartDeferred: { unit: "Count", dimensions: [] },
  /** Paging the on-call agent (email/SMS) failed. */
  OncallPageFailed: { unit: "Count", dimensions: [] },
  /** The containment sweep requested a lock the workflow had not requested 30 s after intake. */
  LockSwept: { unit: "Count", dimensions: [] },
  /** A breached clock used its last escalation repeat: the second contact was paged. */
  SlaEscalationExhausted: { unit: "Count", dimensions: [] },
  /** A timer execution handed over to a fresh one (continue-as-new before the history limit). */
  TimerHandedOver: { unit: "Count", dimensions: [] },
  /** An intake secret is not a valid `whsec_` secret and was skipped. */
  InvalidWebhookSecret: { unit: "Count", dimensions: [] },
  /** An email reply was refused (sender, authentication or challenge binding). */
  EmailReplyRejected: { unit: "Count", dimensions: [] },
} as const satisfies Record<string, { unit: "Count" | "Milliseconds"; dimensions: readonly MetricDimension[] }>;

/** Dimension names a metric may carry. */
export type MetricDimension = "Priority" | "Channel" | "Class";

export type MetricName = keyof typeof METRIC_NAMES;
/** Metrics counted one event at a time. */
export type CountMetricName = {
  [K in MetricName]: (typeof METRIC_NAMES)[K]["unit"] extends "Count" ? K : never;
}[MetricName];
/** Metrics that record a duration. */
export type DurationMetricName = Exclude<MetricName, CountMetricName>;
/** Dimension values of one data point. */
export type MetricDimensions = Partial<Record<MetricDimension, string>>;
