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
      | "OncallPageFailed",
    value?: number,
  ): void;
}
