import { randomUUID } from "node:crypto";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import { Webhook } from "standardwebhooks";

/** Idle keep-alive sockets close after this (ms), as undici's `fetch` does: before any server closes them. */
export const IDLE_SOCKET_MS = 4_000;

/** One HTTP exchange as the load client saw it. */
export interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Wall time from sending the request to the end of the response, in ms. */
  ms: number;
}

/** A request to send. */
export interface Outgoing {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * A keep-alive HTTP/1.1 client that spreads requests over several loopback source addresses
 * (127.0.0.2, 127.0.0.3, …). Intake limits each sender (source IP) to 600 reports a minute, as a
 * provider's fleet of backends would be; a burst from one address would measure the limiter, not
 * the pipeline. Each source has its own connection pool, whose idle connections close after
 * {@link IDLE_SOCKET_MS}: the client, not the server, ends an idle connection (local/gateway.ts
 * `KEEP_ALIVE_MS` explains the reset this avoids).
 */
export class LoadClient {
  private readonly agents: Array<{ agent: Agent; localAddress: string }>;
  private next = 0;

  constructor(
    private readonly baseUrl: string,
    options: { sources?: number } = {},
  ) {
    const sources = Math.max(1, Math.min(250, options.sources ?? 1));
    this.agents = Array.from({ length: sources }, (_, i) => ({
      // `timeout` closes idle pooled sockets (never a request in flight) and makes the agent honour
      // a server's shorter `Keep-Alive: timeout` hint.
      agent: new Agent({ keepAlive: true, maxSockets: 256, timeout: IDLE_SOCKET_MS }),
      localAddress: `127.0.0.${i + 2}`,
    }));
  }

  /** Sends one request from the next source address (round robin); never rejects on an HTTP status. */
  send(outgoing: Outgoing): Promise<Exchange> {
    const source = this.agents[this.next++ % this.agents.length] as { agent: Agent; localAddress: string };
    const url = new URL(outgoing.path, this.baseUrl);
    const body =
      outgoing.body === undefined
        ? undefined
        : Buffer.isBuffer(outgoing.body)
          ? outgoing.body
          : Buffer.from(outgoing.body);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: outgoing.method,
          agent: source.agent,
          localAddress: source.localAddress,
          headers: { ...(body ? { "content-length": String(body.length) } : {}), ...outgoing.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
              ms: performance.now() - started,
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Closes every pooled connection. */
  close(): void {
    for (const { agent } of this.agents) agent.destroy();
  }
}

/**
 * Runs `worker` over `items` with at most `concurrency` in flight; results keep the input order.
 */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let cursor = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    for (let index = cursor++; index < items.length; index = cursor++) {
      results[index] = await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** A signed `POST /v1/reports` request, ready to send. */
export interface SignedReport extends Outgoing {
  webhookId: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Signs an `incident.reported` webhook with a real Standard Webhooks client (the `standardwebhooks`
 * package, as a provider would), for the given data or raw body, id and time (epoch ms).
 */
export function signReport(
  secret: string,
  input: { data?: unknown; body?: string; id?: string; at: number; path?: string },
): SignedReport {
  const timestamp = new Date(input.at);
  const body =
    input.body ?? JSON.stringify({ type: "incident.reported", timestamp: timestamp.toISOString(), data: input.data });
  const webhookId = input.id ?? `msg_${randomUUID()}`;
  const signature = new Webhook(secret).sign(webhookId, timestamp, body);
  return {
    method: "POST",
    path: input.path ?? "/v1/reports",
    webhookId,
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": webhookId,
      "webhook-timestamp": String(Math.floor(input.at / 1000)),
      "webhook-signature": signature,
    },
  };
}

/** A report body's `data` for a fresh account and reporter (like the integration harness's `reportData`). */
export function reportData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const tag = randomUUID().slice(0, 12);
  // A phone per reporter: SMS sends are limited per destination (3 per 10 min).
  const phone = `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  return {
    accountId: `acct_${tag}`,
    incidentType: "unauthorized_access",
    reporter: { email: `r-${tag}@example.com`, phone, locale: "en" },
    description: "I see a login from a device I do not own",
    signals: { fundsAtRisk: false },
    ...overrides,
  };
}

/** Parses a JSON body, or returns `null` when it is not JSON. */
export function jsonOf<T = Record<string, unknown>>(exchange: Exchange): T | null {
  try {
    return JSON.parse(exchange.body) as T;
  } catch {
    return null;
  }
}
