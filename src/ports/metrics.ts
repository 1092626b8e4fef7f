/** Business metrics that alarms watch (namespace `Vigil`). */
export interface Metrics {
  count(
    name:
      | "SmsSent"
      | "EmailSent"
      | "DeliveryExhausted"
      | "SlaBreached"
      | "SlaEscalationExhausted"
      | "TimerHandedOver"
      | "WorkflowStartDeferred"
      | "OncallPageFailed"
      /** A message failed on a channel (permanently, or once more before a retry). */
      | "MessageFailed"
      /** The containment sweep found a lock-required case with no lock requested and requested it. */
      | "LockSwept"
      | "InvalidWebhookSecret"
      | "EmailReplyRejected",
    value?: number,
  ): void;
}
