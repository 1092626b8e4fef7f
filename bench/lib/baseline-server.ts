import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { type LocalRuntime, TABLE_NAME } from "../../local/runtime.js";
import { parseSecret, signPayload, verifyWebhook } from "../../src/domain/standard-webhooks.js";

/** What the baseline needs from the running local runtime. */
export interface BaselineOptions {
  webhookSecrets: string[];
  tableName: string;
  caseStateMachineArn: string;
  /** The virtual clock (webhook timestamp tolerance is checked on it, as intake does). */
  now: () => number;
  /** For `POST /baseline/lock`: where the provider sink listens and the secret to sign with. */
  providerWebhookUrl: string;
  providerWebhookSecret: string;
}

/** A running baseline server. */
export interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The irreducible intake, for the intake benchmark's baseline: a plain `node:http` server in the
 * bench process (the same process as the local runtime) that, for `POST /baseline/reports`,
 * 1. checks the Standard Webhooks signature (the same `verifyWebhook` Vigil uses, ±300 s on the virtual clock),
 * 2. writes one item with a conditional PutItem (`attribute_not_exists`) to the same DynamoDB (dynalite) table,
 * 3. starts an execution of the case state machine on the same Step Functions emulator,
 * 4. answers 202. Nothing else: no body validation, no account claim, no audit, no gateway or middy.
 *
 * `POST /baseline/lock` does the same, then, after answering, delivers one signed
 * `account.lock.requested` webhook straight to the provider sink: the irreducible time-to-lock.
 * The executions it starts name no existing case, so they end at once (AcknowledgeReport fails,
 * EscalateCase fails, CaseFailed); that work runs in the same process, as Vigil's does.
 */
export async function startBaselineServer(options: BaselineOptions): Promise<BaselineServer> {
  // The runtime has set AWS_ENDPOINT_URL_DYNAMODB / _SFN: these clients reach the same emulators as Vigil's.
  const dynamo = new DynamoDBClient({ maxAttempts: 3 });
  const sfn = new SFNClient({});
  const secrets = options.webhookSecrets.map(parseSecret);
  const providerKey = parseSecret(options.providerWebhookSecret);

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value.join(",") : value;
      };
      const verdict = verifyWebhook({
        headers: {
          id: header("webhook-id"),
          timestamp: header("webhook-timestamp"),
          signature: header("webhook-signature"),
        },
        body,
        secrets,
        nowSeconds: Math.floor(options.now() / 1000),
      });
      if (!verdict.ok) {
        response.writeHead(401, { "content-type": "application/json" });
        response.end('{"status":401}');
        return;
      }
      const id = createHash("sha256").update(verdict.id).digest("hex").slice(0, 40);
      try {
        await dynamo.send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: {
              pk: { S: `BASELINE#${verdict.id}` },
              sk: { S: "WEBHOOK" },
              bodyHash: { S: createHash("sha256").update(body).digest("hex") },
              expiresAt: { N: String(Math.floor(options.now() / 1000) + 7 * 86_400) },
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
      } catch (error) {
        if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
        response.writeHead(202, { "content-type": "application/json" });
        response.end('{"duplicate":true}');
        return;
      }
      const caseId = `b_${id}`;
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: options.caseStateMachineArn,
          name: caseId,
          input: JSON.stringify({ caseId, generation: 1 }),
        }),
      );
      response.writeHead(202, { "content-type": "application/json" });
      response.end(JSON.stringify({ caseId, duplicate: false }));
      if (request.url === "/baseline/lock") await deliverLock(caseId);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function deliverLock(caseId: string): Promise<void> {
    const now = options.now();
    const body = JSON.stringify({
      type: "account.lock.requested",
      timestamp: new Date(now).toISOString(),
      data: { caseId, accountId: "acct_baseline", scopes: ["login"], reason: "baseline", priority: "P1" },
    });
    const webhookId = `${caseId}-lock`;
    const timestampSeconds = Math.floor(now / 1000);
    await fetch(options.providerWebhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": webhookId,
        "webhook-timestamp": String(timestampSeconds),
        "webhook-signature": signPayload({ secret: providerKey, id: webhookId, timestampSeconds, body }),
      },
      body,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      dynamo.destroy();
      sfn.destroy();
    },
  };
}

/** The baseline next to a running local runtime: the same table, state machine, clock, sink and secrets. */
export function startBaselineBeside(runtime: LocalRuntime): Promise<BaselineServer> {
  return startBaselineServer({
    webhookSecrets: runtime.config.webhookSecrets,
    tableName: TABLE_NAME,
    caseStateMachineArn: runtime.sfn.stateMachineArn("vigil-case"),
    now: () => runtime.clock.now(),
    providerWebhookUrl: `${runtime.url}/_local/provider-webhooks/receive`,
    providerWebhookSecret: runtime.config.providerWebhookSecret,
  });
}
