import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { addressParser } from "postal-mime";
import * as z from "zod";
import type { Denial } from "./aws-front.js";
import type { Faults } from "./aws-sinks.js";
import type { VirtualClock } from "./clock.js";
import { readBody } from "./http-body.js";
import type { SynthesizedPolicies } from "./iam/policies.js";
import { createInbox } from "./inbox.js";
import type { FunctionRuntime } from "./lambda/service.js";
import type { Outbox } from "./outbox.js";
import type { ProviderSink } from "./provider-sink.js";
import type { SfnEmulator } from "./sfn/index.js";
import type { OptOutList } from "./sms-policy.js";

const MAX_BODY = 1024 * 1024;

/** The body as text; a body over 1 MiB ends the request with 413. */
async function bodyText(request: IncomingMessage): Promise<string> {
  const { text, tooLarge } = await readBody(request, MAX_BODY);
  if (tooLarge) throw Object.assign(new Error("body too large"), { status: 413 });
  return text;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function problem(response: ServerResponse, status: number, detail: string, errors?: unknown): void {
  response.writeHead(status, { "content-type": "application/problem+json" });
  response.end(
    JSON.stringify({
      type: "about:blank",
      title: status === 404 ? "Not Found" : status === 413 ? "Content Too Large" : "Bad Request",
      status,
      detail,
      errors,
    }),
  );
}

async function parse<T extends z.ZodType>(
  request: IncomingMessage,
  schema: T,
): Promise<{ ok: true; value: z.infer<T> } | { ok: false; errors: unknown }> {
  const text = await bodyText(request);
  let value: unknown;
  try {
    value = JSON.parse(text || "{}");
  } catch {
    return { ok: false, errors: [{ path: "", message: "the body is not valid JSON" }] };
  }
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, value: result.data }
    : {
        ok: false,
        errors: result.error.issues.map((issue) => ({ path: `/${issue.path.join("/")}`, message: issue.message })),
      };
}

const AdvanceSchema = z.object({
  seconds: z
    .number()
    .int()
    .nonnegative()
    .max(366 * 24 * 3600),
});
const FailSchema = z.object({
  count: z.number().int().min(0).max(1000),
  status: z.number().int().min(400).max(599).default(503),
});
const FaultSchema = z.union([
  z.object({
    channel: z.enum(["email", "sms"]),
    count: z.number().int().min(0).max(1000),
    error: z.string().max(64).optional(),
    // Only messages to this address or number fail (others pass untouched, and do not use the count up).
    to: z.string().min(1).max(254).optional(),
  }),
  // A named function throws `error` (default TransientError) or stalls until its timeout stops it.
  z.object({
    function: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    count: z.number().int().min(0).max(1000),
    error: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9.]{0,63}$/)
      .optional(),
    stall: z.boolean().optional(),
  }),
]);
const OptOutSchema = z.object({ phone: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number") });
const Verdict = z.enum(["PASS", "FAIL", "GRAY", "PROCESSING_FAILED"]);
const InboundSchema = z.object({
  rawMime: z.string().min(1).max(150_000),
  verdicts: z.object({ spf: Verdict, dkim: Verdict, dmarc: Verdict }),
  recipient: z.string().optional(),
});

/**
 * The local-only endpoints (`/_local/*`, never deployed): the inbox, the provider sink and its
 * fault injection, the virtual clock, simulated inbound email, and health; and `GET /openapi.json`.
 */
export function createLocalRoutes(deps: {
  clock: VirtualClock;
  outbox: Outbox;
  sink: ProviderSink;
  faults: Faults;
  sfn: SfnEmulator;
  events: Array<{ detailType: string; detail: unknown; at: string }>;
  functions: FunctionRuntime;
  optOuts: OptOutList;
  iam: { policies: SynthesizedPolicies | undefined; enforced: boolean; denials: Denial[] };
}) {
  const inbox = createInbox(deps.outbox);
  const clockView = () => ({ now: deps.clock.nowDate().toISOString(), offsetSeconds: deps.clock.offsetSeconds() });

  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    try {
      await handle(request, response, url);
    } catch (error) {
      if ((error as { status?: number }).status !== 413) throw error;
      problem(response, 413, "the body is larger than 1 MiB");
    }
  };

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const route = `${request.method} ${url.pathname}`;
    if (request.method === "GET" && (url.pathname === "/_local/inbox" || url.pathname.startsWith("/_local/inbox/")))
      return inbox(request, response, url);
    switch (route) {
      // The contract (generated by `npm run openapi`), served where tools look for it.
      case "GET /openapi.json": {
        const document = await readFile(new URL("../docs/openapi.json", import.meta.url));
        response.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache" });
        return void response.end(document);
      }
      case "GET /_local/health":
        return json(response, 200, { status: "ok", ...clockView(), executions: deps.sfn.stats() });
      case "GET /_local/messages":
        return json(response, 200, { messages: deps.outbox.list(url.searchParams.get("to") ?? undefined) });
      case "GET /_local/provider-webhooks":
        return json(response, 200, { deliveries: deps.sink.list() });
      case "POST /_local/provider-webhooks/receive": {
        const body = await bodyText(request);
        const status = await deps.sink.receive(request, body);
        response.writeHead(status, { "content-type": "application/json" });
        return void response.end(JSON.stringify({ received: status < 300 }));
      }
      case "POST /_local/provider-webhooks/fail": {
        const parsed = await parse(request, FailSchema);
        if (!parsed.ok) return problem(response, 400, "expected { count, status }", parsed.errors);
        const input = parsed.value;
        deps.sink.failNext(input.count, input.status);
        return json(response, 200, { failNext: input.count, status: input.status });
      }
      case "GET /_local/events":
        return json(response, 200, { events: [...deps.events].reverse() });
      case "POST /_local/faults": {
        const parsed = await parse(request, FaultSchema);
        if (!parsed.ok)
          return problem(
            response,
            400,
            "expected { channel, count, error?, to? } or { function, count, error?, stall? }",
            parsed.errors,
          );
        const input = parsed.value;
        if ("function" in input) {
          if (!deps.functions.names.includes(input.function))
            return problem(response, 404, `no function ${input.function}`);
          deps.functions.faults.set(input.function, {
            count: input.count,
            mode: input.stall ? "stall" : "throw",
            error: input.error ?? "TransientError",
          });
          return json(response, 200, { ...deps.faults, functions: Object.fromEntries(deps.functions.faults) });
        }
        deps.faults[input.channel] = {
          count: input.count,
          error: input.error ?? (input.channel === "email" ? "Throttling" : "ThrottlingException"),
          ...(input.to !== undefined && { to: input.to }),
        };
        return json(response, 200, deps.faults);
      }
      case "POST /_local/sms/opt-out": {
        const parsed = await parse(request, OptOutSchema);
        if (!parsed.ok) return problem(response, 400, "expected { phone } (E.164)", parsed.errors);
        deps.optOuts.add(parsed.value.phone);
        return json(response, 200, { optedOut: true });
      }
      case "GET /_local/iam":
        return json(response, 200, iamView(deps.iam));
      case "GET /_local/clock":
        return json(response, 200, clockView());
      case "POST /_local/clock/advance": {
        const parsed = await parse(request, AdvanceSchema);
        if (!parsed.ok) return problem(response, 400, "expected { seconds } (a non-negative integer)", parsed.errors);
        const input = parsed.value;
        await deps.clock.advance(input.seconds);
        return json(response, 200, clockView());
      }
      case "POST /_local/inbound-email": {
        const parsed = await parse(request, InboundSchema);
        if (!parsed.ok)
          return problem(response, 400, "expected { rawMime, verdicts: { spf, dkim, dmarc } }", parsed.errors);
        const input = parsed.value;
        await deps.functions.invoke("receive-email-reply", sesInboundEvent(input, deps.clock.nowDate().toISOString()));
        return json(response, 202, { accepted: true });
      }
      default:
        return problem(response, 404, `no local endpoint ${route}`);
    }
  }
}

/** `GET /_local/iam`: the actions each function's synthesized role allows, and the recent refusals. */
function iamView(iam: { policies: SynthesizedPolicies | undefined; enforced: boolean; denials: Denial[] }) {
  const functions: Record<string, { actions: string[] }> = {};
  for (const [name, fn] of Object.entries(iam.policies?.functions ?? {})) {
    const actions = fn.statements.filter((s) => s.Effect === "Allow").flatMap((s) => s.Action ?? []);
    functions[name] = { actions: [...new Set(actions)].sort() };
  }
  return { enforced: iam.enforced, functions, denied: [...iam.denials].reverse() };
}

/**
 * The mailboxes of every header field `name` as a lenient receiving server lists them (SES's
 * `commonHeaders`): each field through postal-mime's address parser, groups expanded, `Name <address>`.
 */
function mailboxesOf(rawMime: string, name: string): string[] {
  const head = rawMime.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const fields = head
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(`${name}:`))
    .map((line) => line.slice(name.length + 1));
  type Parsed = { name?: string; address?: string; group?: Parsed[] };
  const flatten = (list: Parsed[]): Parsed[] => list.flatMap((entry) => (entry.group ? flatten(entry.group) : [entry]));
  return fields
    .flatMap((field) => flatten(addressParser(field) as Parsed[]))
    .map((entry) => (entry.name ? `${entry.name} <${entry.address ?? ""}>` : (entry.address ?? "")));
}

/** The SNS event SES's receipt rule (SNS action, UTF-8) delivers on AWS, built from the simulated email. */
function sesInboundEvent(input: z.infer<typeof InboundSchema>, at: string) {
  const from = mailboxesOf(input.rawMime, "from");
  const to = mailboxesOf(input.rawMime, "to");
  const recipients = input.recipient ? [input.recipient] : to.map((entry) => /<([^>]*)>$/.exec(entry)?.[1] ?? entry);
  const subject = /^subject:\s*(.+)$/im.exec(input.rawMime)?.[1]?.trim() ?? "";
  const source = /<([^>]*)>$/.exec(from[0] ?? "")?.[1] ?? from[0] ?? "";
  const notification = {
    notificationType: "Received",
    mail: {
      timestamp: at,
      source,
      messageId: `local-${Date.now()}`,
      destination: recipients,
      commonHeaders: { from, subject, to },
    },
    receipt: {
      timestamp: at,
      recipients,
      spfVerdict: { status: input.verdicts.spf },
      dkimVerdict: { status: input.verdicts.dkim },
      dmarcVerdict: { status: input.verdicts.dmarc },
      spamVerdict: { status: "PASS" },
      virusVerdict: { status: "PASS" },
      action: { type: "SNS", topicArn: "arn:aws:sns:eu-west-1:000000000000:vigil-inbound", encoding: "UTF8" },
    },
    content: input.rawMime,
  };
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: "arn:aws:sns:eu-west-1:000000000000:vigil-inbound:local",
        Sns: {
          Type: "Notification",
          MessageId: `local-${Date.now()}`,
          TopicArn: "arn:aws:sns:eu-west-1:000000000000:vigil-inbound",
          Subject: "Amazon SES Email Receipt Notification",
          Message: JSON.stringify(notification),
          Timestamp: at,
          SignatureVersion: "1",
          Signature: "",
          SigningCertUrl: "",
          UnsubscribeUrl: "",
          MessageAttributes: {},
        },
      },
    ],
  };
}
