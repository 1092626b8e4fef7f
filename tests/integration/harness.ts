import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  type RuntimePorts,
  startLocalRuntime,
} from "../../local/runtime.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON the tests assert field by field.
type Json = any;

/** A running local runtime on a random port and a throwaway data directory, with HTTP helpers. */
export interface Harness {
  runtime: LocalRuntime;
  url: string;
  dataDir: string;
  /** Sends a report signed by a real Standard Webhooks client; returns status and JSON body. */
  report(
    data: Record<string, unknown>,
    options?: { id?: string; body?: string; secret?: string; timestamp?: Date },
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  operator(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null },
  ): Promise<{ status: number; body: Json }>;
  messages(to: string): Promise<
    Array<{
      channel: string;
      to: string;
      subject?: string;
      text: string;
      html?: string;
      replyTo?: string;
      sentAt: string;
    }>
  >;
  advance(seconds: number): Promise<void>;
  now(): Promise<Date>;
  /** Waits until the executions are parked (no step running). */
  settle(): Promise<void>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export function reportData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accountId: `acct_${randomUUID().slice(0, 12)}`,
    incidentType: "unauthorized_access",
    reporter: { email: `r-${randomUUID().slice(0, 8)}@example.com`, phone: "+14155550100", locale: "en" },
    description: "I see a login from a device I do not own",
    signals: { fundsAtRisk: false },
    ...overrides,
  };
}

/**
 * Starts the local runtime. To restart it in the same test process, stop the first with
 * `{ keepData: true }` and pass its `dataDir` and `runtime.ports` here: the warm handlers keep
 * the endpoints of the first start, so every part must come back on the same port.
 */
export async function startHarness(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    ports?: RuntimePorts;
    iamPolicies?: LocalRuntimeOptions["iamPolicies"];
  } = {},
): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "vigil-it-"));
  const runtime = await startLocalRuntime({
    port: 0,
    ports: options.ports,
    dataDir,
    env: { ...options.env },
    ...(options.iamPolicies && { iamPolicies: options.iamPolicies }),
  });
  const { url } = runtime;
  const json = async (response: Response) => {
    const text = await response.text();
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return text;
    }
  };
  const harness: Harness = {
    runtime,
    url,
    dataDir,
    async report(data, opts = {}) {
      const timestamp = opts.timestamp ?? new Date(runtime.clock.now());
      const body = opts.body ?? JSON.stringify({ type: "incident.reported", timestamp: timestamp.toISOString(), data });
      const id = opts.id ?? `msg_${randomUUID()}`;
      const signature = new Webhook(opts.secret ?? runtime.config.webhookSecrets[0] ?? "").sign(id, timestamp, body);
      const response = await fetch(`${url}/v1/reports`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body,
      });
      const parsed = await json(response);
      await runtime.sfn.waitIdle();
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async operator(path, init = {}) {
      const token = init.token === undefined ? runtime.config.operatorToken : init.token;
      const response = await fetch(`${url}${path}`, {
        method: init.method ?? (init.body ? "POST" : "GET"),
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(init.body ? { "content-type": "application/json" } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      const parsed = await json(response);
      await runtime.sfn.waitIdle();
      return { status: response.status, body: parsed };
    },
    async messages(to) {
      await runtime.sfn.waitIdle();
      const response = await fetch(`${url}/_local/messages?to=${encodeURIComponent(to)}`);
      return ((await response.json()) as { messages: never[] }).messages;
    },
    async advance(seconds) {
      const response = await fetch(`${url}/_local/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seconds }),
      });
      if (response.status !== 200) throw new Error(`advance failed: ${response.status}`);
      await runtime.sfn.waitIdle();
    },
    async now() {
      return new Date(runtime.clock.now());
    },
    settle: () => runtime.sfn.waitIdle(),
    async stop(opts = {}) {
      await runtime.close();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
