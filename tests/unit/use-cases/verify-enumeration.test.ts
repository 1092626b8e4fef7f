import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { monotonicFactory } from "ulid";
import { describe, expect, it } from "vitest";
import { openCase } from "../../../src/domain/case.js";
import { hashLinkToken, newLinkToken } from "../../../src/domain/verification.js";
import { makeCreateCase } from "../../../src/use-cases/case-mutation.js";
import { makeRequestVerification } from "../../../src/use-cases/case-steps.js";
import type { Deps } from "../../../src/use-cases/deps.js";
import { makeVerifyReporter } from "../../../src/use-cases/verify-reporter.js";
import { makeTestDeps, type TestDeps } from "../../fixtures/deps.js";

const ulid = monotonicFactory();
const EMAIL = "ana@example.com";
const KINDS = ["unknown", "used", "expired", "mismatched"] as const;
type Kind = (typeof KINDS)[number];

/**
 * Wraps a port so each call is recorded and takes a fixed extra time, like the network round trip
 * of the real adapter (the in-memory fakes answer in microseconds, which would hide a skipped read).
 */
function instrument<T extends object>(name: string, port: T, trace: string[], latencyMs: number): T {
  return new Proxy(port, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        trace.push(`${name}.${String(key)}`);
        if (latencyMs > 0) await sleep(latencyMs);
        return value.apply(target, args);
      };
    },
  });
}

/** One real case waiting on verification, and a token of each kind that cannot act on it. */
async function setUp(latencyMs: number) {
  const deps: TestDeps = makeTestDeps();
  const caseId = `c_${ulid(deps.clock.now())}`;
  const item = openCase({
    caseId,
    webhookId: "msg_1",
    report: {
      accountId: "acct_1",
      incidentType: "malware",
      reporter: { email: EMAIL, phone: "+14155550100", locale: "es" },
    },
    now: deps.clock.now(),
    policy: deps.config.policy,
  });
  await makeCreateCase(deps)(item, [{ type: "case.opened", actor: "wallet-app" }]);
  await makeRequestVerification(deps)({ caseId, generation: 1, taskToken: "task-1" });
  const now = deps.clock.now();
  const base = {
    caseId,
    recipient: EMAIL,
    purpose: "verify_reporter" as const,
    generation: 1,
    expiresAt: now + 1_800_000,
    usedAt: null,
  };
  const tokens = {} as Record<Kind, string>;
  for (const kind of KINDS) tokens[kind] = newLinkToken((n) => new Uint8Array(randomBytes(n)));
  await deps.links.put({ ...base, tokenHash: hashLinkToken(tokens.used), usedAt: now - 1000 });
  await deps.links.put({ ...base, tokenHash: hashLinkToken(tokens.expired), expiresAt: now - 1 });
  await deps.links.put({ ...base, tokenHash: hashLinkToken(tokens.mismatched), recipient: "mallory@example.com" });

  const trace: string[] = [];
  const observed: Deps = {
    ...deps,
    links: instrument("links", deps.links, trace, latencyMs),
    cases: instrument("cases", deps.cases, trace, latencyMs),
    secrets: instrument("secrets", deps.secrets, trace, 0),
    workflow: instrument("workflow", deps.workflow, trace, latencyMs),
    email: instrument("email", deps.email, trace, latencyMs),
    sms: instrument("sms", deps.sms, trace, latencyMs),
  };
  return { verify: makeVerifyReporter(observed), tokens, trace };
}

describe("makeVerifyReporter (no enumeration)", () => {
  it("answers unknown, used, expired and mismatched tokens with the same result", async () => {
    // Prepare
    const { verify, tokens } = await setUp(0);

    // Act
    const submits = await Promise.all(
      KINDS.map((kind) => verify.submit(tokens[kind], { decision: "confirm", code: "123456" })),
    );
    const denials = await Promise.all(KINDS.map((kind) => verify.submit(tokens[kind], { decision: "deny" })));
    const views = await Promise.all(KINDS.map((kind) => verify.view(tokens[kind])));
    const resends = await Promise.all(KINDS.map((kind) => verify.resend(tokens[kind])));

    // Assess
    const invalid = { status: "invalid", attemptsLeft: 0, locale: "en", caseRef: null };
    expect(submits).toEqual(Array(4).fill(invalid));
    expect(denials).toEqual(Array(4).fill(invalid));
    expect(views).toEqual(Array(4).fill({ kind: "invalid", locale: "en" }));
    expect(resends).toEqual(Array(4).fill({ status: "accepted", locale: "en" }));
  });

  it("makes the same store calls, in the same order, for every kind of token that cannot act", async () => {
    // Prepare
    const { verify, tokens, trace } = await setUp(0);
    const traceOf = async (run: () => Promise<unknown>) => {
      trace.length = 0;
      await run();
      return [...trace];
    };

    // Act
    const submits: string[][] = [];
    const views: string[][] = [];
    const resends: string[][] = [];
    for (const kind of KINDS) {
      submits.push(await traceOf(() => verify.submit(tokens[kind], { decision: "confirm", code: "123456" })));
      views.push(await traceOf(() => verify.view(tokens[kind])));
      resends.push(await traceOf(() => verify.resend(tokens[kind])));
    }

    // Assess
    expect(submits[0]).toEqual(["links.get", "cases.get", "secrets.verificationPepper"]);
    expect(views[0]).toEqual(["links.get", "cases.get"]);
    expect(resends[0]).toEqual(["links.get", "cases.get"]);
    for (const list of [submits, views, resends]) expect(new Set(list.map((calls) => calls.join(","))).size).toBe(1);
  });
});
