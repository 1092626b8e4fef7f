/** Business metrics that alarms watch (namespace `Vigil`). */
export interface Metrics {
  count(
    name:
      | "SmsSent"
      | "EmailSent"
      | "DeliveryExhausted"
      | "SlaBreached"
      | "WorkflowStartDeferred"
      | "OncallPageFailed"
      | "InvalidWebhookSecret"
      | "EmailReplyRejected",
    value?: number,
  ): void;
}
