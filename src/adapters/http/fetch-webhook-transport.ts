import type { WebhookTransport } from "../../ports/outbound-events.js";

/** `WebhookTransport` over `fetch`, with a hard timeout so a slow provider cannot hold a Lambda. */
export class FetchWebhookTransport implements WebhookTransport {
  constructor(private readonly timeoutMs = 10_000) {}

  async post(request: { url: string; headers: Record<string, string>; body: string }) {
    const response = await fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get("retry-after") ?? undefined };
  }
}
