import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { VirtualClock } from "./clock.js";
import { readBody } from "./http-body.js";
import type { Outbox } from "./outbox.js";
import { type OptOutList, smsRefusal } from "./sms-policy.js";

/** SMS and PutEvents requests are small; the SDK never sends more than this. */
const MAX_SDK_BODY = 1024 * 1024;

/** Faults the reliability tests inject into the local AWS services. */
export interface Faults {
  /** `to`: only messages to this address or number fail (checked by the AWS front, local/aws-front.ts). */
  email: { count: number; error: string; to?: string | undefined };
  sms: { count: number; error: string; to?: string | undefined };
}

const require = createRequire(import.meta.url);

/**
 * aws-ses-v2-local's store is a module singleton: patch it once and send each accepted email to the runtime
 * started last (a process runs one runtime at a time; a stopped one's outbox must not be written to).
 */
let sesSink: ((email: SesEmail) => void) | undefined;
let storePatched = false;

function send(response: ServerResponse, status: number, body: unknown, type = "application/x-amz-json-1.0"): void {
  response.writeHead(status, { "content-type": type });
  response.end(JSON.stringify(body));
}

/**
 * Serves the SES API with aws-ses-v2-local (in-process) and records every email it accepts in the
 * outbox with the virtual time. A fault makes the next sends fail as SES would (HTTP 400/500).
 * The port is bound at once; aws-ses-v2-local (express, mailparser, nodemailer: over a second of module
 * loading) is loaded at the first request, so it costs a start nothing.
 */
export async function startSes(
  clock: VirtualClock,
  outbox: Outbox,
  faults: Faults,
  port = 0,
): Promise<{ url: string; server: Server }> {
  sesSink = (email: SesEmail) => {
    for (const to of email.destination?.to ?? []) {
      outbox.add({
        channel: "email",
        to,
        subject: email.subject,
        text: email.body?.text ?? "",
        html: email.body?.html,
        ...(email.replyTo?.length ? { replyTo: email.replyTo[0] } : {}),
        sentAt: clock.nowDate().toISOString(),
      });
    }
  };
  let handlers: Promise<RequestListener[]> | undefined;
  const server = createServer((request, response) => {
    if (request.method === "POST" && faults.email.count > 0 && faults.email.to === undefined) {
      faults.email.count -= 1;
      // As SES answers: 5xx only for its own faults, 400 for throttling and rejections.
      const status = /^(ServiceUnavailable|InternalFailure)$/.test(faults.email.error) ? 503 : 400;
      response.writeHead(status, { "content-type": "text/xml" });
      response.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>${faults.email.error}</Code><Message>injected fault</Message></Error></ErrorResponse>`,
      );
      return;
    }
    handlers ??= loadSesHandlers();
    handlers.then(
      (listeners) => {
        for (const listener of listeners) listener(request, response);
      },
      (error: unknown) => {
        response.writeHead(500, { "content-type": "text/xml" });
        response.end(
          `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>${String(error)}</Message></Error></ErrorResponse>`,
        );
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** aws-ses-v2-local's request handler (its express app), taken from a server it starts and that is closed at once. */
async function loadSesHandlers(): Promise<RequestListener[]> {
  const store = require("aws-ses-v2-local/dist/store.js") as { saveEmail: (email: SesEmail) => void };
  if (!storePatched) {
    const saveEmail = store.saveEmail;
    store.saveEmail = (email: SesEmail) => {
      saveEmail(email);
      sesSink?.(email);
    };
    storePatched = true;
  }
  const module = require("aws-ses-v2-local") as {
    default: (config: { host: string; port: number }) => Promise<Server>;
  };
  const own = await module.default({ host: "127.0.0.1", port: 0 });
  const listeners = own.listeners("request") as RequestListener[];
  own.close();
  return listeners;
}

interface SesEmail {
  destination?: { to?: string[] };
  replyTo?: string[];
  subject?: string;
  body?: { text?: string; html?: string };
}

/**
 * A sink for the AWS APIs that have no npm emulator: End User Messaging SMS v2 `SendTextMessage`
 * (JSON 1.0) and EventBridge `PutEvents` (JSON 1.1). It speaks their wire protocol, so the
 * production adapters run unchanged against it.
 */
export async function startAwsSinks(
  clock: VirtualClock,
  outbox: Outbox,
  faults: Faults,
  port = 0,
  sms: { allowedCountries: readonly string[] | undefined; optOuts: OptOutList | undefined } = {
    allowedCountries: undefined,
    optOuts: undefined,
  },
): Promise<{ url: string; server: Server; events: Array<{ detailType: string; detail: unknown; at: string }> }> {
  const events: Array<{ detailType: string; detail: unknown; at: string }> = [];
  let messageId = 0;
  const server = createServer(async (request, response) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    const body = JSON.parse((await readBody(request, MAX_SDK_BODY)).text || "{}");
    if (target === "PinpointSMSVoiceV2.SendTextMessage") {
      if (faults.sms.count > 0 && faults.sms.to === undefined) {
        faults.sms.count -= 1;
        send(response, 400, { __type: faults.sms.error, message: "injected fault" });
        return;
      }
      const refusal = smsRefusal(body, sms);
      if (refusal) {
        send(response, 400, refusal);
        return;
      }
      outbox.add({
        channel: "sms",
        to: body.DestinationPhoneNumber,
        text: body.MessageBody,
        sentAt: clock.nowDate().toISOString(),
      });
      send(response, 200, { MessageId: `sms-${++messageId}` });
      return;
    }
    if (target === "AWSEvents.PutEvents") {
      for (const entry of body.Entries ?? []) {
        events.push({
          detailType: entry.DetailType,
          detail: JSON.parse(entry.Detail ?? "{}"),
          at: clock.nowDate().toISOString(),
        });
      }
      send(
        response,
        200,
        { FailedEntryCount: 0, Entries: (body.Entries ?? []).map(() => ({ EventId: `ev-${++messageId}` })) },
        "application/x-amz-json-1.1",
      );
      return;
    }
    send(response, 400, { __type: "UnknownOperationException", message: `unsupported target ${target}` });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, events };
}
