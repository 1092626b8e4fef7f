import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  formatSecret,
  InvalidSecretError,
  parseSecret,
  signPayload,
  verifyWebhook,
  type WebhookHeaders,
} from "../../../src/domain/standard-webhooks.js";

/** The example from the Standard Webhooks specification / Svix documentation. */
const SPEC = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestampSeconds: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const NOW = 1_795_000_000;
const BODY = JSON.stringify({ type: "incident.reported", data: { accountId: "acct_123" } });

function secretOf(bytes: number): { text: string; key: Uint8Array } {
  const key = new Uint8Array(randomBytes(bytes));
  return { text: formatSecret(key), key };
}

function signedHeaders(key: Uint8Array, id = "msg_1", timestampSeconds = NOW, body = BODY): WebhookHeaders {
  return {
    id,
    timestamp: String(timestampSeconds),
    signature: signPayload({ secret: key, id, timestampSeconds, body }),
  };
}

describe("parseSecret", () => {
  it.each([24, 32, 48, 64])("decodes a %i-byte secret", (size) => {
    // Prepare
    const { text, key } = secretOf(size);

    // Act
    const parsed = parseSecret(text);

    // Assess
    expect(parsed).toEqual(key);
  });

  it("accepts the specification's example secret", () => {
    // Prepare / Act
    const key = parseSecret(SPEC.secret);

    // Assess
    expect(key).toHaveLength(24);
  });

  it("accepts base64 without its padding", () => {
    // Prepare
    const { text, key } = secretOf(32);

    // Act
    const parsed = parseSecret(text.replace(/=+$/, ""));

    // Assess
    expect(text.endsWith("=")).toBe(true);
    expect(parsed).toEqual(key);
  });

  it.each([
    ["a 23-byte secret", formatSecret(new Uint8Array(23))],
    ["a 65-byte secret", formatSecret(new Uint8Array(65))],
    ["an empty secret", "whsec_"],
    ["a secret without prefix", Buffer.alloc(32, 1).toString("base64")],
    ["a prefix in the wrong case", `WHSEC_${Buffer.alloc(32, 1).toString("base64")}`],
    ["base64url characters", `whsec_${"-_".repeat(16)}`],
    ["whitespace inside", `whsec_${Buffer.alloc(32, 1).toString("base64").replace("AQ", "A Q")}`],
    ["a truncated secret (impossible length)", `whsec_${Buffer.alloc(32, 1).toString("base64").slice(0, 41)}`],
    ["non-canonical trailing bits", `whsec_${Buffer.alloc(32, 1).toString("base64").replace(/E=$/, "F=")}`],
    ["padding in the middle", "whsec_AQ==AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="],
    ["a wrongly padded length", `whsec_${Buffer.alloc(32, 1).toString("base64")}==`],
    ["a non-string", 42 as unknown as string],
  ])("throws InvalidSecretError for %s", (_label, secret) => {
    // Prepare / Act
    const act = () => parseSecret(secret);

    // Assess
    expect(act).toThrow(InvalidSecretError);
  });

  it("names the error for the app's error mapping and never echoes the secret", () => {
    // Prepare
    const secret = formatSecret(new Uint8Array(16).fill(7));

    // Act
    let caught: unknown;
    try {
      parseSecret(secret);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidSecretError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe("InvalidSecretError");
    expect((caught as Error).message).not.toContain(secret.slice(6));
  });
});

describe("signPayload", () => {
  it("reproduces the specification's example signature", () => {
    // Prepare
    const secret = parseSecret(SPEC.secret);

    // Act
    const signature = signPayload({ secret, id: SPEC.id, timestampSeconds: SPEC.timestampSeconds, body: SPEC.body });

    // Assess
    expect(signature).toBe(SPEC.signature);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])("throws a RangeError for timestamp %s", (timestampSeconds) => {
    // Prepare
    const { key } = secretOf(32);

    // Act
    const act = () => signPayload({ secret: key, id: "msg_1", timestampSeconds, body: BODY });

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe("verifyWebhook", () => {
  const current = secretOf(32);
  const previous = secretOf(24);

  it("accepts a message signed with the active secret and returns its id and timestamp", () => {
    // Prepare
    const headers = signedHeaders(current.key, "msg_42");

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result).toEqual({ ok: true, id: "msg_42", timestampSeconds: NOW, keyIndex: 0 });
  });

  it("verifies the specification's example at its own time", () => {
    // Prepare
    const headers = { id: SPEC.id, timestamp: String(SPEC.timestampSeconds), signature: SPEC.signature };

    // Act
    const result = verifyWebhook({
      headers,
      body: SPEC.body,
      secrets: [parseSecret(SPEC.secret)],
      nowSeconds: SPEC.timestampSeconds,
    });

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each<[string, Partial<WebhookHeaders>]>([
    ["no id", { id: undefined }],
    ["an empty id", { id: "" }],
    ["no timestamp", { timestamp: undefined }],
    ["an empty timestamp", { timestamp: "" }],
    ["no signature", { signature: undefined }],
    ["an empty signature", { signature: "" }],
  ])("rejects with missing_headers when there is %s", (_label, change) => {
    // Prepare
    const headers = { ...signedHeaders(current.key), ...change };

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result).toEqual({ ok: false, reason: "missing_headers" });
  });

  it.each([
    "abc",
    "1795000000.5",
    "-1795000000",
    "+1795000000",
    "1.795e9",
    "0x6AFE7980",
    "17950 00000",
    "1".repeat(16),
  ])("rejects with bad_timestamp for %j", (timestamp) => {
    // Prepare
    const headers = { ...signedHeaders(current.key), timestamp };

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result).toEqual({ ok: false, reason: "bad_timestamp" });
  });

  it.each([
    [-301, false],
    [-300, true],
    [0, true],
    [300, true],
    [301, false],
  ])("treats a timestamp %i s from now as within tolerance: %s", (skew, ok) => {
    // Prepare
    const headers = signedHeaders(current.key, "msg_1", NOW + skew);

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result).toEqual(
      ok
        ? { ok: true, id: "msg_1", timestampSeconds: NOW + skew, keyIndex: 0 }
        : { ok: false, reason: "timestamp_out_of_tolerance" },
    );
  });

  it("honours a configured tolerance", () => {
    // Prepare
    const headers = signedHeaders(current.key, "msg_1", NOW - 61);

    // Act
    const result = verifyWebhook({
      headers,
      body: BODY,
      secrets: [current.key],
      nowSeconds: NOW,
      toleranceSeconds: 60,
    });

    // Assess
    expect(result).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it("checks the timestamp before the signature so stale replays are reported as such", () => {
    // Prepare
    const headers = { ...signedHeaders(current.key, "msg_1", NOW - 3600), signature: "v1,bogus" };

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it.each([
    ["the previous secret", () => previous.key, 1],
    ["the current secret", () => current.key, 0],
  ])("accepts a message signed with %s while both are active (rotation)", (_label, signingKey, keyIndex) => {
    // Prepare
    const headers = signedHeaders(signingKey());

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key, previous.key], nowSeconds: NOW });

    // Assess
    expect(result).toMatchObject({ ok: true, keyIndex });
  });

  it("rejects a message signed with a retired secret once it is no longer listed", () => {
    // Prepare
    const headers = signedHeaders(previous.key);

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("accepts when any entry of a space-separated signature list matches", () => {
    // Prepare
    const good = signedHeaders(current.key).signature;
    const other = signedHeaders(previous.key).signature;
    const headers = { ...signedHeaders(current.key), signature: `v1,AAAA v1a,xyz ${other} ${good}` };

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ["a v2 entry", (sig: string) => sig.replace("v1,", "v2,")],
    ["a v1a entry (asymmetric)", (sig: string) => sig.replace("v1,", "v1a,")],
    ["a bare signature without version", (sig: string) => sig.slice(3)],
    ["a truncated signature", (sig: string) => sig.slice(0, -2)],
    ["a signature with extra characters", (sig: string) => `${sig}AA`],
    ["a lowercased signature", (sig: string) => sig.toLowerCase()],
    ["an empty v1 entry", () => "v1,"],
  ])("rejects %s with no_matching_signature", (_label, mangle) => {
    // Prepare
    const headers = signedHeaders(current.key);
    const signature = mangle(headers.signature ?? "");

    // Act
    const result = verifyWebhook({
      headers: { ...headers, signature },
      body: BODY,
      secrets: [current.key],
      nowSeconds: NOW,
    });

    // Assess
    expect(result).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it.each([
    ["the body", { body: `${BODY} ` }],
    ["the id", { id: "msg_2" }],
    ["the timestamp", { timestamp: String(NOW + 1) }],
  ])("rejects a message whose %s was changed after signing", (_label, change) => {
    // Prepare
    const { body = BODY, ...headerChange } = change as { body?: string } & Partial<WebhookHeaders>;
    const headers = { ...signedHeaders(current.key), ...headerChange };

    // Act
    const result = verifyWebhook({ headers, body, secrets: [current.key], nowSeconds: NOW });

    // Assess
    expect(result).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("rejects everything when no secret is configured", () => {
    // Prepare
    const headers = signedHeaders(current.key);

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [], nowSeconds: NOW });

    // Assess
    expect(result).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("verifies what it signs and rejects any one-character change to the body (property)", () => {
    // Prepare
    const key = current.key;

    // Act / Assess
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 200 }),
        fc.integer({ min: -300, max: 300 }),
        fc.nat(),
        (id, body, skew, position) => {
          const headers = signedHeaders(key, id, NOW + skew, body);
          const accepted = verifyWebhook({ headers, body, secrets: [key], nowSeconds: NOW });
          const index = body.length === 0 ? 0 : position % body.length;
          const tampered = `${body.slice(0, index)}${body[index] === "x" ? "y" : "x"}${body.slice(index + 1)}`;
          const rejected = verifyWebhook({ headers, body: tampered, secrets: [key], nowSeconds: NOW });
          expect(accepted).toEqual({ ok: true, id, timestampSeconds: NOW + skew, keyIndex: 0 });
          expect(rejected).toEqual({ ok: false, reason: "no_matching_signature" });
        },
      ),
    );
  });
});

describe("interoperability with the standardwebhooks package", () => {
  const { text, key } = secretOf(32);
  const nowSeconds = Math.floor(Date.now() / 1000);

  it("verifies a signature made by the reference implementation", () => {
    // Prepare
    const reference = new Webhook(text);
    const signature = reference.sign("msg_ref", new Date(nowSeconds * 1000), BODY);
    const headers = { id: "msg_ref", timestamp: String(nowSeconds), signature };

    // Act
    const result = verifyWebhook({ headers, body: BODY, secrets: [parseSecret(text)], nowSeconds });

    // Assess
    expect(result).toEqual({ ok: true, id: "msg_ref", timestampSeconds: nowSeconds, keyIndex: 0 });
  });

  it("produces signatures the reference implementation accepts", () => {
    // Prepare
    const reference = new Webhook(text);
    const signature = signPayload({ secret: key, id: "msg_ours", timestampSeconds: nowSeconds, body: BODY });

    // Act
    const payload = reference.verify(BODY, {
      "webhook-id": "msg_ours",
      "webhook-timestamp": String(nowSeconds),
      "webhook-signature": signature,
    });

    // Assess
    expect(payload).toEqual(JSON.parse(BODY));
  });

  it("agrees with the reference signature byte for byte on arbitrary input (property)", () => {
    // Prepare
    const reference = new Webhook(text);

    // Act / Assess
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (id, body, ts) => {
          expect(signPayload({ secret: key, id, timestampSeconds: ts, body })).toBe(
            reference.sign(id, new Date(ts * 1000), body),
          );
        },
      ),
    );
  });

  it("rejects a reference signature made with another secret", () => {
    // Prepare
    const stranger = new Webhook(secretOf(32).text);
    const signature = stranger.sign("msg_x", new Date(nowSeconds * 1000), BODY);

    // Act
    const result = verifyWebhook({
      headers: { id: "msg_x", timestamp: String(nowSeconds), signature },
      body: BODY,
      secrets: [key],
      nowSeconds,
    });

    // Assess
    expect(result).toEqual({ ok: false, reason: "no_matching_signature" });
  });
});

describe("formatSecret", () => {
  it("round-trips through parseSecret", () => {
    // Prepare
    const key = new Uint8Array(randomBytes(32));

    // Act
    const text = formatSecret(key);

    // Assess
    expect(text).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(parseSecret(text)).toEqual(key);
  });
});
