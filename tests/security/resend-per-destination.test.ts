import { describe, expect, it } from "vitest";
import { RateLimitedError } from "../../src/errors/index.js";
import { makeVerifyReporter } from "../../src/use-cases/verify-reporter.js";
import { makeTestDeps, startVerification } from "../fixtures/deps.js";

/**
 * Attack (issue 11, "Operators": resend limits): the limit of 3 codes per 10 min was counted per case, so
 * every case texting one number added 3 more (SMS pumping, harassment); and a locked-out verification still
 * got fresh codes to guess at.
 */
const PHONE = "+14155550142";

describe("attack: pumping SMS codes to one number", () => {
  it("refuses a resend once the number got 3 codes in 10 minutes, whatever case sent them", async () => {
    // Prepare
    const deps = makeTestDeps();
    const verify = makeVerifyReporter(deps);
    const first = await startVerification(deps, {
      accountId: "acct_pump_1",
      reporter: { email: "ana@example.com", phone: PHONE },
    });
    await verify.resend(first.token);
    const second = await startVerification(deps, {
      accountId: "acct_pump_2",
      reporter: { email: "bob@example.com", phone: PHONE },
    });
    const sentBefore = deps.sms.sent.length;

    // Act
    const attempt = verify.resend(second.token);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(RateLimitedError);
    expect(deps.sms.sent.length).toBe(sentBefore);
    deps.clock.advance(600);
    await expect(verify.resend(second.token)).resolves.toMatchObject({ status: "accepted" });
  });

  it("refuses a resend while verification is locked out after repeated failures", async () => {
    // Prepare
    const deps = makeTestDeps();
    const verify = makeVerifyReporter(deps);
    const { token, code } = await startVerification(deps, { reporter: { email: "ana@example.com", phone: PHONE } });
    const wrong = String((Number(code) + 1) % 10 ** (code?.length ?? 6)).padStart(code?.length ?? 6, "0");
    for (let i = 0; i < 5; i += 1) await verify.submit(token, { decision: "confirm", code: wrong });
    deps.clock.advance(600);
    await verify.resend(token);
    const fresh = deps.sms.sent.at(-1)?.text.match(/\b(\d{6,8})\b/)?.[1] as string;
    const wrongFresh = String((Number(fresh) + 1) % 10 ** fresh.length).padStart(fresh.length, "0");
    for (let i = 0; i < 5; i += 1) await verify.submit(token, { decision: "confirm", code: wrongFresh });
    const sentBefore = deps.sms.sent.length;

    // Act
    const attempt = verify.resend(token);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "RateLimitedError", retryAfterSeconds: 30 });
    expect(deps.sms.sent.length).toBe(sentBefore);
  });
});
