import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { Webhook } from "standardwebhooks";

/** One delivery attempt the built-in provider received. */
export interface SinkDelivery {
  id: string;
  type: string;
  receivedAt: string;
  signatureValid: boolean;
  status: number;
  body: unknown;
}

/**
 * The provider's webhook endpoint, built in: it checks each delivery's Standard Webhooks signature
 * with an independent implementation (the `standardwebhooks` package) and the provider secret,
 * records every attempt, and answers with an injected failure status while one is armed.
 * Attempts are appended to a file so a restarted runtime still lists them.
 */
export class ProviderSink {
  private readonly deliveries: SinkDelivery[] = [];
  private failures = { count: 0, status: 503 };
  private readonly webhook: Webhook;

  constructor(
    secret: string,
    private readonly now: () => number,
    private readonly file?: string,
  ) {
    this.webhook = new Webhook(secret);
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, "utf8").split("\n"))
        if (line.trim()) this.deliveries.push(JSON.parse(line));
    }
  }

  failNext(count: number, status: number): void {
    this.failures = { count, status };
  }

  list(): SinkDelivery[] {
    return [...this.deliveries].reverse();
  }

  async receive(request: IncomingMessage, rawBody: string): Promise<number> {
    const header = (name: string) => String(request.headers[name] ?? "");
    const id = header("webhook-id");
    const timestamp = Number(header("webhook-timestamp"));
    let signatureValid = false;
    if (id && Number.isFinite(timestamp)) {
      // standardwebhooks checks the timestamp against the real clock; sign and compare instead,
      // and check the tolerance on the virtual clock.
      const expected = this.webhook.sign(id, new Date(timestamp * 1000), rawBody);
      const fresh = Math.abs(this.now() / 1000 - timestamp) <= 300;
      signatureValid = fresh && header("webhook-signature").split(" ").includes(expected);
    }
    let body: unknown = rawBody;
    try {
      body = JSON.parse(rawBody);
    } catch {
      // Kept as text: the sink records what it got.
    }
    let status = signatureValid ? 200 : 401;
    if (signatureValid && this.failures.count > 0) {
      this.failures.count -= 1;
      status = this.failures.status;
    }
    const delivery: SinkDelivery = {
      id,
      type: String((body as { type?: unknown })?.type ?? "unknown"),
      receivedAt: new Date(this.now()).toISOString(),
      signatureValid,
      status,
      body,
    };
    this.deliveries.push(delivery);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(delivery)}\n`);
    return status;
  }
}
