import { randomBytes, randomUUID } from "node:crypto";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Exchange,
  jsonOf,
  LoadClient,
  type Outgoing,
  pool,
  reportData,
  signReport,
} from "../../bench/lib/load-client.js";
import { type Harness, startHarness } from "../integration/harness.js";
import { countItems, SMS_CODE, TABLE, tableClient, VERIFY_LINK } from "./support.js";

/**
 * Property-based fuzzing of the public endpoints over real HTTP: `POST /v1/reports` and the
 * reporter endpoints `/v1/verify/{token}`. More than 10,000 generated requests in all. Every
 * answer must be a deliberate one (the expected 4xx, or the contract's uniform answer for links that
 * cannot act), never a 5xx, and nothing may be written: the table's item count, the outbox and the
 * Step Functions executions are the same before and after each property.
 */

const BATCH = 25;
const CONCURRENCY = 16;
let sent = 0;

/** A request to build at send time (signatures need the virtual clock of that moment). */
interface Spec {
  kind: string;
  build: (context: Context) => Outgoing;
  /** The acceptable statuses. */
  expected: number[];
  /** Extra check of the answer (e.g. a replay answers its original case). */
  check?: (exchange: Exchange, context: Context) => void;
}

interface Context {
  secret: string;
  now: number;
  accepted: Array<{ id: string; body: string; caseId: string; headers: Record<string, string> }>;
}

const INCIDENT_TYPES = ["phishing", "malware", "unauthorized_access", "sim_swap", "key_compromise", "other"];

/** `{ [name]: value }`, or no header when the value is empty. */
const header = (name: string, value: string): Record<string, string> => (value ? { [name]: value } : {});
const text = (maxLength: number) => fc.string({ unit: "grapheme", maxLength });
const notJson = text(2000).filter((value) => {
  try {
    JSON.parse(value);
    return false;
  } catch {
    return true;
  }
});
/** Any JSON value that is not `wanted` (an object is never a string, and so on). */
const anythingBut = (wanted: (value: unknown) => boolean) =>
  fc.jsonValue({ maxDepth: 2 }).filter((value) => !wanted(value));

const validData = () => reportData() as Record<string, unknown> & { reporter: Record<string, unknown> };
const envelope = (data: unknown, now: number) => ({
  type: "incident.reported",
  timestamp: new Date(now).toISOString(),
  data,
});

interface Breaker {
  kind: string;
  mutate: (body: Record<string, unknown>) => unknown;
}

/** A body made invalid in one way the schema defines. */
const schemaBreaker: fc.Arbitrary<Breaker> = fc.oneof(
  anythingBut((v) => v === "incident.reported").map(
    (type): Breaker => ({
      kind: "type",
      mutate: (b: Record<string, unknown>) => ({ ...b, type }),
    }),
  ),
  anythingBut((v) => typeof v === "string" && !Number.isNaN(Date.parse(v))).map(
    (timestamp): Breaker => ({
      kind: "timestamp",
      mutate: (b: Record<string, unknown>) => ({ ...b, timestamp }),
    }),
  ),
  anythingBut((v) => typeof v === "string" && INCIDENT_TYPES.includes(v)).map(
    (incidentType): Breaker => ({
      kind: "incidentType",
      mutate: (b: Record<string, unknown>) => ({ ...b, data: { ...(b.data as object), incidentType } }),
    }),
  ),
  fc
    .oneof(
      anythingBut((v) => typeof v === "string"),
      fc.constant(""),
      fc.string({ minLength: 129, maxLength: 300 }),
      fc.constant("acct 1"),
      text(40).map((s) => `acct_${s}é`),
    )
    .map(
      (accountId): Breaker => ({
        kind: "accountId",
        mutate: (b: Record<string, unknown>) => ({ ...b, data: { ...(b.data as object), accountId } }),
      }),
    ),
  fc
    .oneof(
      anythingBut((v) => typeof v === "string"),
      text(60).filter((s) => !s.includes("@")),
      fc.constant("a@"),
      fc.constant("@example.com"),
    )
    .map(
      (email): Breaker => ({
        kind: "email",
        mutate: (b: Record<string, unknown>) => {
          const data = b.data as { reporter: object };
          return { ...b, data: { ...data, reporter: { ...data.reporter, email } } };
        },
      }),
    ),
  fc
    .oneof(
      anythingBut((v) => typeof v === "string"),
      fc.constant("555"),
      fc.constant("+0123456"),
      text(20).map((s) => `+1${s}x`),
    )
    .map(
      (phone): Breaker => ({
        kind: "phone",
        mutate: (b: Record<string, unknown>) => {
          const data = b.data as { reporter: object };
          return { ...b, data: { ...data, reporter: { ...data.reporter, phone } } };
        },
      }),
    ),
  fc
    .constantFrom("fundsAtRisk", "drainObserved", "simSwapDetected", "credentialsEntered", "seedPhraseEntered")
    .chain((signal) => anythingBut((v) => typeof v === "boolean").map((value) => ({ signal, value })))
    .map(
      ({ signal, value }): Breaker => ({
        kind: "signals",
        mutate: (b: Record<string, unknown>) => ({
          ...b,
          data: { ...(b.data as object), signals: { [signal]: value } },
        }),
      }),
    ),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((key) => !["accountId", "incidentType", "reporter", "description", "signals"].includes(key))
    .map(
      (key): Breaker => ({
        kind: "unknown field",
        mutate: (b: Record<string, unknown>) => ({ ...b, data: { ...(b.data as object), [key]: 1 } }),
      }),
    ),
  fc.constantFrom("type", "timestamp", "data").map(
    (key): Breaker => ({
      kind: `missing ${key}`,
      mutate: (b: Record<string, unknown>) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== key)),
    }),
  ),
  fc.constantFrom("accountId", "incidentType", "reporter").map(
    (key): Breaker => ({
      kind: `missing data.${key}`,
      mutate: (b: Record<string, unknown>) => ({
        ...b,
        data: Object.fromEntries(Object.entries(b.data as object).filter(([k]) => k !== key)),
      }),
    }),
  ),
  fc
    .oneof(fc.array(fc.integer()), fc.integer(), fc.constant(null), fc.string())
    .map((value): Breaker => ({ kind: "not an object", mutate: () => value })),
  text(40)
    .filter((s) => s.length > 0)
    .map(
      (locale): Breaker => ({
        kind: "locale",
        mutate: (b: Record<string, unknown>) => {
          const data = b.data as { reporter: object };
          return { ...b, data: { ...data, reporter: { ...data.reporter, locale: `${locale}ü` } } };
        },
      }),
    ),
);

const signed = (body: string, context: Context): Outgoing => signReport(context.secret, { body, at: context.now });

/** Every kind of bad `POST /v1/reports`. */
const badReport: fc.Arbitrary<Spec> = fc.oneof(
  // Malformed JSON, correctly signed (the signature covers the exact bytes).
  notJson.map((body): Spec => ({ kind: "malformed JSON", build: (c: Context) => signed(body, c), expected: [400] })),
  fc.nat({ max: 10_000 }).map(
    (cut): Spec => ({
      kind: "truncated JSON",
      build: (c: Context) => {
        const body = JSON.stringify(envelope(validData(), c.now));
        return signed(body.slice(0, Math.min(cut, body.length - 1)), c);
      },
      expected: [400],
    }),
  ),
  // Lone surrogates: the bytes on the wire differ from the signed string, or the JSON is odd.
  fc.string({ unit: "binary", maxLength: 200 }).map(
    (junk): Spec => ({
      kind: "lone surrogates",
      build: (c: Context) => signed(`{"type":"incident.reported","x":"${junk}\ud800"}`, c),
      expected: [400, 401],
    }),
  ),
  // Wrong types, missing or unknown fields, invalid values (unicode included).
  schemaBreaker.map(
    ({ kind, mutate }): Spec => ({
      kind: `schema: ${kind}`,
      build: (c: Context) => signed(JSON.stringify(mutate(envelope(validData(), c.now))), c),
      expected: [400],
    }),
  ),
  // Huge strings: a description over 4,000 characters, a body over 32 KiB, a body over the gateway's 1 MiB.
  fc.integer({ min: 4001, max: 12_000 }).chain((length) =>
    fc.constantFrom("x", "ж", "🔑").map(
      (char): Spec => ({
        kind: "long description",
        build: (c: Context) =>
          signed(JSON.stringify(envelope({ ...validData(), description: char.repeat(length) }, c.now)), c),
        expected: [400, 413],
      }),
    ),
  ),
  fc
    .oneof(
      { arbitrary: fc.integer({ min: 33 * 1024, max: 100_000 }), weight: 9 },
      { arbitrary: fc.constant(1_100_000), weight: 1 },
    )
    .map(
      (length): Spec => ({
        kind: "body too large",
        build: (c: Context) =>
          signed(JSON.stringify(envelope({ ...validData(), description: "y".repeat(length) }, c.now)), c),
        expected: [413],
      }),
    ),
  // Header tampering on an otherwise valid report.
  fc
    .constantFrom(
      "body changed after signing",
      "another secret",
      "no webhook-id",
      "no webhook-timestamp",
      "no webhook-signature",
      "id changed after signing",
      "v2 signature",
      "empty signature",
    )
    .map(
      (tamper): Spec => ({
        kind: `tampered: ${tamper}`,
        build: (c: Context) => {
          const body = JSON.stringify(envelope(validData(), c.now));
          const request = signReport(c.secret, { body, at: c.now });
          const headers = { ...request.headers };
          switch (tamper) {
            case "body changed after signing":
              return { ...request, body: body.replace("incident.reported", "incident.reported ") };
            case "another secret":
              return {
                ...request,
                headers: signReport(`whsec_${randomBytes(32).toString("base64")}`, {
                  body,
                  at: c.now,
                  id: request.webhookId,
                }).headers,
              };
            case "id changed after signing":
              return { ...request, headers: { ...headers, "webhook-id": `msg_${randomUUID()}` } };
            case "v2 signature":
              return {
                ...request,
                headers: {
                  ...headers,
                  "webhook-signature": headers["webhook-signature"]?.replace(/^v1,/, "v2,") ?? "",
                },
              };
            case "empty signature":
              return { ...request, headers: { ...headers, "webhook-signature": "" } };
            default: {
              const name = tamper.replace("no ", "");
              return {
                ...request,
                headers: Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name)),
              };
            }
          }
        },
        expected: [401],
      }),
    ),
  // A minute past the 300 s tolerance either way: the batch reads the clock once (`c.now`) and a request of
  // a busy batch reaches the server seconds later, when 301 s ahead is within the tolerance (fast-check
  // favours the bounds, so this was met in CI).
  fc.oneof(fc.integer({ min: 360, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -360 })).map(
    (skew): Spec => ({
      kind: "timestamp outside tolerance",
      build: (c: Context) => signReport(c.secret, { data: validData(), at: c.now + skew * 1000 }),
      expected: [401],
    }),
  ),
  fc.stringMatching(/^[ -~]{0,40}$/).map(
    (garbage): Spec => ({
      kind: "garbage signature header",
      build: (c: Context) => {
        const request = signReport(c.secret, { data: validData(), at: c.now });
        return { ...request, headers: { ...request.headers, "webhook-signature": garbage } };
      },
      expected: [401],
    }),
  ),
  fc
    .stringMatching(/^[ -~]{0,20}$/)
    .filter((value) => !/^\s*\d+\s*$/.test(value))
    .map(
      (garbage): Spec => ({
        kind: "garbage timestamp header",
        build: (c: Context) => {
          const request = signReport(c.secret, { data: validData(), at: c.now });
          return { ...request, headers: { ...request.headers, "webhook-timestamp": garbage } };
        },
        expected: [401],
      }),
    ),
  fc
    .constantFrom(
      "text/plain",
      "application/xml",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "",
    )
    .map(
      (type): Spec => ({
        kind: "wrong content-type",
        build: (c: Context) => {
          const request = signReport(c.secret, { data: validData(), at: c.now });
          return { ...request, headers: { ...request.headers, "content-type": type } };
        },
        expected: [415],
      }),
    ),
  // Replays of reports that were accepted before the property ran.
  fc.nat().chain((pick) =>
    fc.constantFrom("resent", "re-signed with another body", "old timestamp", "signature moved to another id").map(
      (replay): Spec => ({
        kind: `replay: ${replay}`,
        build: (c: Context) => {
          const original = c.accepted[pick % c.accepted.length] as Context["accepted"][number];
          switch (replay) {
            case "resent":
              return signReport(c.secret, { id: original.id, body: original.body, at: c.now });
            case "re-signed with another body":
              return signReport(c.secret, {
                id: original.id,
                body: original.body.replace("I see a login", "I saw a login"),
                at: c.now,
              });
            case "old timestamp":
              return signReport(c.secret, { id: original.id, body: original.body, at: c.now - 3_600_000 });
            default:
              return {
                method: "POST",
                path: "/v1/reports",
                body: original.body,
                headers: { ...original.headers, "webhook-id": `msg_${randomUUID()}` },
              };
          }
        },
        expected: replay === "resent" ? [202] : replay === "re-signed with another body" ? [409] : [401],
        check:
          replay === "resent"
            ? (exchange: Exchange, c: Context) => {
                const original = c.accepted[pick % c.accepted.length];
                expect(jsonOf(exchange)).toMatchObject({ caseId: original?.caseId, duplicate: true });
              }
            : undefined,
      }),
    ),
  ),
);

/** A token-shaped path segment: random, unicode, too long, percent-encoded or malformed. */
const tokenSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/),
  fc.base64String({ minLength: 4, maxLength: 64 }).map((value) => encodeURIComponent(value)),
  text(60)
    .filter((s) => s.length > 0)
    .map((value) => encodeURIComponent(value)),
  fc.integer({ min: 513, max: 2000 }).map((length) => "a".repeat(length)),
  fc.constantFrom("%", "%E0%A4%A", "%ZZ", "..", "%2e%2e%2f%2e%2e", "%00", "%F0%9F%94%91"),
);

const verifyBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  text(500),
  fc
    .record({
      decision: fc.oneof(fc.constantFrom("confirm", "deny"), text(20)),
      code: fc.oneof(fc.stringMatching(/^\d{0,10}$/), text(40), fc.integer().map(String)),
    })
    .map((value) => JSON.stringify(value)),
  fc.dictionary(fc.stringMatching(/^[a-z]{1,10}$/), text(30)).map((form) => new URLSearchParams(form).toString()),
  fc
    .integer({ min: 4097, max: 20_000 })
    .map((length) => JSON.stringify({ decision: "confirm", code: "1".repeat(length) })),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/x-www-form-urlencoded",
  "text/plain",
  "multipart/form-data; boundary=x",
  "",
);
const accept = fc.constantFrom("application/json", "text/html", "*/*", "");

/** Every kind of request to the reporter endpoints with a token that names no link. */
const badVerify: fc.Arbitrary<Spec> = fc.oneof(
  fc.tuple(tokenSegment, accept).map(
    ([token, acceptHeader]): Spec => ({
      kind: "GET unknown token",
      build: () => ({
        method: "GET",
        path: `/v1/verify/${token}`,
        headers: header("accept", acceptHeader),
      }),
      expected: [200, 400, 404],
    }),
  ),
  fc.tuple(tokenSegment, verifyBody, contentType, accept).map(
    ([token, body, type, acceptHeader]): Spec => ({
      kind: "POST unknown token",
      build: () => ({
        method: "POST",
        path: `/v1/verify/${token}`,
        headers: { ...header("content-type", type), ...header("accept", acceptHeader) },
        body,
      }),
      // 200: the uniform "this link is no longer valid" answer (docs/product.md: same answer whether or not a token exists).
      expected: [200, 400, 404, 413, 415, 429],
      check: (exchange: Exchange) => {
        const answer = jsonOf<{ status?: string }>(exchange);
        if (exchange.status === 200 && answer) expect(answer.status).toBe("invalid");
      },
    }),
  ),
  fc.tuple(tokenSegment, accept).map(
    ([token, acceptHeader]): Spec => ({
      kind: "POST resend unknown token",
      build: () => ({
        method: "POST",
        path: `/v1/verify/${token}/resend`,
        headers: { "content-type": "application/json", ...header("accept", acceptHeader) },
        body: "{}",
      }),
      // 202/200: the uniform "accepted" answer, whether or not a code was sent.
      expected: [200, 202, 400, 404, 429],
    }),
  ),
);

describe("the public endpoints under fuzzing", () => {
  let h: Harness;
  let client: LoadClient;
  let db: ReturnType<typeof tableClient>;
  const context = (accepted: Context["accepted"]): Context => ({
    secret: h.runtime.config.webhookSecrets[0] as string,
    now: h.runtime.clock.now(),
    accepted,
  });
  const accepted: Context["accepted"] = [];

  /** Sends one generated batch; every answer must be expected and no 5xx. */
  const sendBatch = async (specs: Spec[]) => {
    const c = context(accepted);
    const answers = await pool(specs, CONCURRENCY, async (spec) => ({
      spec,
      exchange: await client.send(spec.build(c)),
    }));
    sent += specs.length;
    for (const { spec, exchange } of answers) {
      if (!spec.expected.includes(exchange.status)) {
        throw new Error(
          `${spec.kind}: expected ${spec.expected.join("/")}, got ${exchange.status} ${exchange.body.slice(0, 200)}`,
        );
      }
      spec.check?.(exchange, c);
    }
  };
  const footprint = async () => ({
    items: await countItems(db),
    messages: h.runtime.outbox.count(),
    executions: Object.keys(h.runtime.sfn.stats().transitions).length,
  });

  beforeAll(async () => {
    h = await startHarness();
    client = new LoadClient(h.url, { sources: 64 });
    db = tableClient();
    // Reports accepted before fuzzing, for the replay cases.
    for (let i = 0; i < 10; i++) {
      const request = signReport(h.runtime.config.webhookSecrets[0] as string, {
        data: reportData(),
        at: h.runtime.clock.now(),
      });
      const answer = await client.send(request);
      accepted.push({
        id: request.webhookId,
        body: request.body,
        caseId: jsonOf<{ caseId: string }>(answer)?.caseId as string,
        headers: request.headers,
      });
    }
    await h.settle();
  });
  afterAll(async () => {
    process.stdout.write(`\nfuzz: ${sent} generated requests\n`);
    client.close();
    db.destroy();
    await h.stop();
  });

  it("answers every malformed, tampered, oversized or replayed report with its 4xx and writes nothing", async () => {
    // Prepare
    const before = await footprint();
    // Act
    await fc.assert(fc.asyncProperty(fc.array(badReport, { minLength: BATCH, maxLength: BATCH }), sendBatch), {
      numRuns: 300,
    });
    // Assess
    expect(await footprint()).toEqual(before);
  });

  it("answers every request to /v1/verify/{token} with an unknown token without a 5xx, a success, or a write", async () => {
    // Prepare
    const before = await footprint();
    // Act
    await fc.assert(fc.asyncProperty(fc.array(badVerify, { minLength: BATCH, maxLength: BATCH }), sendBatch), {
      numRuns: 100,
    });
    // Assess
    expect(await footprint()).toEqual(before);
  });

  it("rejects malformed submissions on a live verification link without touching the case, and the link still works", async () => {
    // Prepare
    const data = reportData({ incidentType: "phishing", signals: {} }) as {
      reporter: { email: string; phone: string };
    };
    const { body } = await h.report(data);
    const caseId = body.caseId as string;
    const token = (await h.messages(data.reporter.email))
      .map((m) => VERIFY_LINK.exec(m.text)?.[1])
      .find(Boolean) as string;
    const code = (await h.messages(data.reporter.phone)).map((m) => SMS_CODE.exec(m.text)?.[1]).find(Boolean) as string;
    const version = async () =>
      (
        await db.send(
          new GetItemCommand({
            TableName: TABLE,
            Key: { pk: { S: `CASE#${caseId}` }, sk: { S: "CASE" } },
            ConsistentRead: true,
          }),
        )
      ).Item?.version?.N;
    const malformed: fc.Arbitrary<Spec> = fc.oneof(
      fc
        .tuple(
          fc.oneof(
            notJson,
            fc
              .jsonValue({ maxDepth: 2 })
              .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
              .map((v) => JSON.stringify(v)),
          ),
          accept,
        )
        .map(
          ([raw, acceptHeader]): Spec => ({
            kind: "live link, not a submission",
            build: () => ({
              method: "POST",
              path: `/v1/verify/${token}`,
              headers: { "content-type": "application/json", accept: acceptHeader },
              body: raw,
            }),
            expected: [400],
          }),
        ),
      fc
        .tuple(
          anythingBut((v) => v === "confirm" || v === "deny"),
          fc.option(text(20), { nil: undefined }),
          contentType.filter((t) => t.startsWith("application/")),
        )
        .map(
          ([decision, codeValue, type]): Spec => ({
            kind: "live link, bad decision",
            build: () => ({
              method: "POST",
              path: `/v1/verify/${token}`,
              headers: { "content-type": type, accept: "application/json" },
              body:
                type === "application/json"
                  ? JSON.stringify({ decision, code: codeValue })
                  : new URLSearchParams({
                      decision: JSON.stringify(decision),
                      ...(codeValue ? { code: codeValue } : {}),
                    }).toString(),
            }),
            expected: [400],
          }),
        ),
      // Over 32 characters (zod counts code points), or not a string.
      fc.oneof(fc.string({ unit: "grapheme", minLength: 33, maxLength: 60 }), fc.integer(), fc.boolean()).map(
        (badCode): Spec => ({
          kind: `live link, code not a short string: ${JSON.stringify(badCode)}`,
          build: () => ({
            method: "POST",
            path: `/v1/verify/${token}`,
            headers: { "content-type": "application/json", accept: "application/json" },
            body: JSON.stringify({ decision: "confirm", code: badCode }),
          }),
          expected: [400],
        }),
      ),
      fc.constantFrom("text/plain", "multipart/form-data; boundary=x", "").map(
        (type): Spec => ({
          kind: "live link, wrong content-type",
          build: () => ({
            method: "POST",
            path: `/v1/verify/${token}`,
            headers: header("content-type", type),
            body: `decision=confirm&code=${code}`,
          }),
          expected: [415],
        }),
      ),
      fc.integer({ min: 4097, max: 50_000 }).map(
        (length): Spec => ({
          kind: "live link, body too large",
          build: () => ({
            method: "POST",
            path: `/v1/verify/${token}`,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ decision: "confirm", code, pad: "p".repeat(length) }),
          }),
          expected: [413],
        }),
      ),
      accept.map(
        (acceptHeader): Spec => ({
          kind: "live link, GET (changes nothing)",
          build: () => ({ method: "GET", path: `/v1/verify/${token}`, headers: { accept: acceptHeader } }),
          expected: [200],
        }),
      ),
    );
    const before = { version: await version(), footprint: await footprint() };
    // Act
    await fc.assert(fc.asyncProperty(fc.array(malformed, { minLength: BATCH, maxLength: BATCH }), sendBatch), {
      numRuns: 30,
    });
    const after = { version: await version(), footprint: await footprint() };
    const confirmed = await client.send({
      method: "POST",
      path: `/v1/verify/${token}`,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ decision: "confirm", code }),
    });
    // Assess
    expect(after).toEqual(before);
    expect(confirmed.status).toBe(200);
    expect(jsonOf(confirmed)).toMatchObject({ status: "verified" });
  });
});
