import type { MetricDimensions } from "../../config/metric-names.js";
import { MessageUndeliverableError } from "../../errors/index.js";
import type { Email, EmailSender, SmsSender } from "../../ports/messaging.js";
import type { Metrics } from "../../ports/metrics.js";

/**
 * The class a failed send is counted under: `transient` for what the adapters mark retryable, otherwise the
 * provider's error name (`MessageRejected`, `ConflictException`, …): a closed set, never the message or an address.
 */
export function failureClass(error: unknown): string {
  // A permanent failure carries its reason class (rejected, opted_out, blocked_destination…).
  if (error instanceof MessageUndeliverableError) return error.reason;
  const name = error instanceof Error ? error.name : "Unknown";
  return name === "TransientError" ? "transient" : /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name) ? name : "Unknown";
}

/** Counts every failed email send as `MessageFailed` (Channel email) and rethrows it unchanged. */
export class MeteredEmailSender implements EmailSender {
  constructor(
    private readonly inner: EmailSender,
    private readonly metrics: Metrics,
  ) {}
  async send(email: Email): Promise<void> {
    try {
      await this.inner.send(email);
    } catch (error) {
      this.metrics.count("MessageFailed", 1, dimensions("email", error));
      throw error;
    }
  }
}

/** Counts every failed SMS send as `MessageFailed` (Channel sms) and rethrows it unchanged. */
export class MeteredSmsSender implements SmsSender {
  constructor(
    private readonly inner: SmsSender,
    private readonly metrics: Metrics,
  ) {}
  async send(sms: { to: string; text: string }): Promise<void> {
    try {
      await this.inner.send(sms);
    } catch (error) {
      this.metrics.count("MessageFailed", 1, dimensions("sms", error));
      throw error;
    }
  }
}

function dimensions(channel: "email" | "sms", error: unknown): MetricDimensions {
  return { Channel: channel, Class: failureClass(error) };
}
