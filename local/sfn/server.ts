/**
 * HTTP front of the emulator: the Step Functions AWS JSON 1.0 protocol (POST /, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`), so application code uses the real `@aws-sdk/client-sfn` with an
 * endpoint override. Dates are epoch seconds and errors are HTTP 400 `{"__type", "message"}`, which
 * the SDK turns into its typed exceptions.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SfnApiError } from "./errors.js";
import type { SfnLogger, SfnRuntime } from "./sfn-runtime.js";
import type { ExecutionRecord, ExecutionStatus } from "./store.js";

/** Largest accepted request body; AWS caps execution input and task output at 256 KiB. */
const MAX_BODY_BYTES = 1024 * 1024;
const TARGET_PREFIX = "AWSStepFunctions.";

type Body = Record<string, unknown>;
type Operation = (body: Body) => unknown;

/** A started or startable HTTP server for the emulator. */
export interface SfnServer {
  /** Listens and resolves with the base URL, e.g. `http://127.0.0.1:43117`. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Creates the protocol server over a runtime. */
export function createSfnServer(runtime: SfnRuntime, logger: SfnLogger): SfnServer {
  const operations = operationsFor(runtime);
  const server = createServer((request, response) => {
    handle(request, response, operations, logger).catch((error: unknown) => {
      logger.error("sfn: request handling failed", { error: String(error) });
      if (!response.headersSent) send(response, 500, { __type: "InternalFailure", message: "Internal failure" });
    });
  });
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const { port: bound } = server.address() as AddressInfo;
          resolve(`http://${host}:${bound}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // SDK clients keep connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  operations: Record<string, Operation>,
  logger: SfnLogger,
): Promise<void> {
  const target = String(request.headers["x-amz-target"] ?? "");
  const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
  if (request.method !== "POST" || !operation) {
    send(response, 400, { __type: "UnknownOperationException", message: `Unknown operation ${target || "(none)"}` });
    return;
  }
  let body: Body;
  try {
    const text = await readBody(request);
    body = text.length === 0 ? {} : (JSON.parse(text) as Body);
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Error("not a JSON object");
  } catch (error) {
    send(response, 400, { __type: "SerializationException", message: `Invalid request body: ${String(error)}` });
    return;
  }
  try {
    send(response, 200, (await operation(body)) ?? {});
  } catch (error) {
    if (!(error instanceof SfnApiError)) throw error;
    logger.info("sfn: API error", { operation: target, code: error.code, message: error.message });
    send(response, 400, { __type: error.code, message: error.message });
  }
}

function operationsFor(runtime: SfnRuntime): Record<string, Operation> {
  return {
    StartExecution: (body) => {
      const record = runtime.startExecution(body);
      return { executionArn: record.executionArn, startDate: seconds(record.startDate) };
    },
    DescribeExecution: (body) => describe(runtime.requireExecution(body.executionArn)),
    ListExecutions: (body) => {
      const records = runtime.listExecutions(body.stateMachineArn, body.statusFilter as ExecutionStatus | undefined);
      const { page, nextToken } = paginate(records, body, 100);
      return { executions: page.map(summary), ...(nextToken && { nextToken }) };
    },
    GetExecutionHistory: (body) => {
      const history = runtime.requireExecution(body.executionArn).history;
      const ordered = body.reverseOrder === true ? [...history].reverse() : history;
      const { page, nextToken } = paginate(ordered, body, 1000);
      return {
        events: page.map((event) => ({ ...event, timestamp: seconds(event.timestamp) })),
        ...(nextToken && { nextToken }),
      };
    },
    StopExecution: (body) => {
      const record = runtime.stopExecution(body.executionArn, optionalString(body.error), optionalString(body.cause));
      return { stopDate: seconds(record.stopDate ?? record.startDate) };
    },
    SendTaskSuccess: (body) => runtime.sendTaskSuccess(body.taskToken, body.output),
    SendTaskFailure: (body) =>
      runtime.sendTaskFailure(body.taskToken, optionalString(body.error), optionalString(body.cause)),
    SendTaskHeartbeat: (body) => runtime.sendTaskHeartbeat(body.taskToken),
    ListStateMachines: () => ({
      stateMachines: runtime.stateMachines().map((plan) => ({
        stateMachineArn: runtime.stateMachineArn(plan.name),
        name: plan.name,
        type: "STANDARD",
        creationDate: 0,
      })),
    }),
    DescribeStateMachine: (body) => {
      const plan = runtime.requireStateMachine(body.stateMachineArn);
      return {
        stateMachineArn: runtime.stateMachineArn(plan.name),
        name: plan.name,
        status: "ACTIVE",
        definition: plan.definitionText,
        roleArn: runtime.roleArn(),
        type: "STANDARD",
        creationDate: 0,
      };
    },
  };
}

function describe(record: ExecutionRecord): Body {
  return {
    ...summary(record),
    input: record.input,
    inputDetails: { included: true },
    ...(record.output !== undefined && { output: record.output, outputDetails: { included: true } }),
    ...(record.error !== undefined && { error: record.error }),
    ...(record.cause !== undefined && { cause: record.cause }),
  };
}

function summary(record: ExecutionRecord): Body {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    ...(record.stopDate !== undefined && { stopDate: seconds(record.stopDate) }),
  };
}

/** Offset-based paging; the token is opaque to clients, as AWS's is. */
function paginate<T>(items: T[], body: Body, defaultSize: number): { page: T[]; nextToken?: string } {
  const size = typeof body.maxResults === "number" && body.maxResults > 0 ? body.maxResults : defaultSize;
  const start =
    typeof body.nextToken === "string" ? Number(Buffer.from(body.nextToken, "base64url").toString()) || 0 : 0;
  const page = items.slice(start, start + size);
  const next = start + size;
  return next < items.length ? { page, nextToken: Buffer.from(String(next)).toString("base64url") } : { page };
}

function seconds(ms: number): number {
  return ms / 1000;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(body);
}
