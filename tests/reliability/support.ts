import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BatchGetItemCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TABLE = "vigil";

/** A DynamoDB client on the in-process runtime's dynalite (the runtime sets `AWS_ENDPOINT_URL_DYNAMODB`). */
export function tableClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: "eu-west-1" });
}

/** Every item in the table (a consistent scan count): "nothing written" means this did not change. */
export async function countItems(client: DynamoDBClient): Promise<number> {
  let count = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: TABLE, Select: "COUNT", ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return count;
}

/** The case items that exist among `caseIds` (BatchGetItem, 100 keys at a time). */
export async function existingCases(client: DynamoDBClient, caseIds: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < caseIds.length; i += 100) {
    let keys = caseIds.slice(i, i + 100).map((id) => ({ pk: { S: `CASE#${id}` }, sk: { S: "CASE" } }));
    while (keys.length) {
      const page = await client.send(
        new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: keys, ProjectionExpression: "pk" } } }),
      );
      for (const item of page.Responses?.[TABLE] ?? []) found.add(String(item.pk?.S).replace(/^CASE#/, ""));
      keys = (page.UnprocessedKeys?.[TABLE]?.Keys ?? []) as typeof keys;
    }
  }
  return found;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `npm start` in a child process: what a user runs, with its whole output captured. */
export interface ChildRuntime {
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGKILL: no shutdown hook runs (a crash, an OOM kill, a pulled plug). */
  kill(): Promise<void>;
  /** SIGTERM: the runtime's own clean stop. */
  stop(): Promise<void>;
}

/**
 * Starts `local/main.ts` (what `npm start` runs) on `port` with `env` and waits until
 * `/_local/health` answers 200.
 */
export async function startChildRuntime(options: { port: number; env: Record<string, string> }): Promise<ChildRuntime> {
  const chunks: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(ROOT, "local", "main.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: String(options.port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  // Generous: a restart resumes every execution first, and a shared CI core can be slow (no timing is asserted).
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the local runtime exited at start:\n${chunks.join("")}`);
    const healthy = await fetch(`${url}/_local/health`)
      .then((response) => response.status === 200)
      .catch(() => false);
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`the local runtime did not become healthy:\n${chunks.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, output: () => chunks.join(""), kill: () => end("SIGKILL"), stop: () => end("SIGTERM") };
}

/** Small JSON-over-HTTP helpers for a runtime reached only by URL (a child process). */
export function httpApi(url: string, operatorToken: string) {
  const parse = async (response: Response) => {
    const text = await response.text();
    try {
      return { status: response.status, body: text ? JSON.parse(text) : null };
    } catch {
      return { status: response.status, body: text as unknown };
    }
  };
  return {
    operator: async (path: string, body?: unknown) =>
      parse(
        await fetch(`${url}${path}`, {
          method: body ? "POST" : "GET",
          headers: {
            authorization: `Bearer ${operatorToken}`,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        }),
      ),
    messages: async (to: string) =>
      (
        (await (await fetch(`${url}/_local/messages?to=${encodeURIComponent(to)}`)).json()) as {
          messages: Array<{ channel: string; to: string; subject?: string; text: string; replyTo?: string }>;
        }
      ).messages,
    advance: async (seconds: number) => {
      const response = await fetch(`${url}/_local/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seconds }),
      });
      if (response.status !== 200) throw new Error(`advance failed: ${response.status}`);
    },
    clockNow: async () => Date.parse(((await (await fetch(`${url}/_local/clock`)).json()) as { now: string }).now),
    post: async (path: string, body: unknown, headers: Record<string, string> = {}) =>
      parse(
        await fetch(`${url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        }),
      ),
  };
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs` of real time. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const VERIFY_LINK = /\/v1\/verify\/([A-Za-z0-9_-]{20,})/;
export const SMS_CODE = /\b(\d{6,8})\b/;
