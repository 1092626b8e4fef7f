/** How outbound events reach the provider: a signed HTTP webhook (Standard Webhooks) and an EventBridge event. */
export interface WebhookTransport {
  post(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
  }): Promise<{ status: number; retryAfter?: string }>;
}

/** Publishes an event's data on the event bus (EventBridge). */
export interface EventPublisher {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}
