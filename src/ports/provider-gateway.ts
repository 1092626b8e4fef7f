/** The provider's side of a lock: a signed HTTP webhook and an EventBridge event. */
export interface WebhookTransport {
  post(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
  }): Promise<{ status: number; retryAfter?: string }>;
}

export interface EventPublisher {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}
