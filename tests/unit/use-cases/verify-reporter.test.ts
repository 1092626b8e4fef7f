import { monotonicFactory } from "ulid";
import { describe, expect, it } from "vitest";
import { openCase } from "../../../src/domain/case.js";
import { hashLinkToken } from "../../../src/domain/verification.js";
import { RateLimitedError } from "../../../src/errors/index.js";
import type { Report } from "../../../src/schemas/report.js";
import { makeCreateCase, makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeCloseUnverified, makeRequestVerification } from "../../../src/use-cases/case-steps.js";
import { makeCompleteVerificationIfSatisfied } from "../../../src/use-cases/complete-verification.js";
import { makeVerifyReporter } from "../../../src/use-cases/verify-reporter.js";
import { makeTestDeps, type TestDeps } from "../../fixtures/deps.js";

const ulid = monotonicFactory();
const EMAIL = "ana@example.com";
const PHONE = "+14155550100";

/** Opens a case and runs the real `RequestVerification` step: returns the emailed token and the texted code. */
async function startVerification(deps: TestDeps, report: Partial<Report> = {}) {
  const caseId = `c_${ulid(deps.clock.now())}`;
  const item = openCase({
    caseId,
    webhookId: `msg_${caseId}`,
    report: {
      accountId: `acct_${caseId}`,
      incidentType: "unauthorized_access",
      reporter: { email: EMAIL, phone: PHONE, locale: "en" },
      ...report,
    },
    now: deps.clock.now(),
    policy: deps.config.policy,
  });
  await makeCreateCase(deps)(item, [{ type: "case.opened", actor: "wallet-app" }]);
  await deps.accounts.claim(item.accountId, caseId);
  const taskToken = `task-${caseId}`;
  await makeRequestVerification(deps)({ caseId, generation: 1, taskToken });
  const mail = deps.email.sent.findLast(
    (email) => email.subject.includes(caseId) && email.text.includes("/v1/verify/"),
  );
  const token = mail?.text.match(/\/v1\/verify\/([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error("no verification link was emailed");
  return { caseId, token, taskToken, code: lastCode(deps, caseId) };
}

/** The code of the latest SMS for the case (undefined when none was texted). */
function lastCode(deps: TestDeps, caseId: string): string | undefined {
  return deps.sms.sent.findLast((sms) => sms.text.includes(caseId))?.text.match(/(\d{6,8}) is your code/)?.[1];
}

/** A code of the same length that is certainly wrong. */
const wrong = (code: string | undefined) =>
  `${(code ?? "000000").slice(0, -1)}${(Number((code ?? "0").slice(-1)) + 1) % 10}`;

async function caseOf(deps: TestDeps, caseId: string) {
  const found = await deps.cases.get(caseId);
  if (!found) throw new Error(`case ${caseId} is missing`);
  return found.case;
}

const auditTypes = async (deps: TestDeps, caseId: string) =>
  (await deps.cases.listAudit(caseId)).map((event) => event.type);

describe("makeVerifyReporter", () => {
  describe("view", () => {
    it("shows the case reference, the masked email, the incident and a code field when the case needs an SMS code", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token } = await startVerification(deps);

      // Act
      const view = await makeVerifyReporter(deps).view(token);

      // Assess
      expect(view).toEqual({
        kind: "verify",
        locale: "en",
        caseRef: caseId,
        maskedEmail: "a***@example.com",
        incidentType: "unauthorized_access",
        code: { digits: 6, canResend: true },
      });
    });

    it("changes nothing when the page is fetched, even twice, and the POST afterwards still verifies", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      const snapshot = () =>
        structuredClone({
          item: deps.cases.items.get(caseId),
          audit: deps.cases.audit.get(caseId),
          link: deps.links.links.get(hashLinkToken(token)),
        });
      const before = snapshot();

      // Act
      await verify.view(token);
      await verify.view(token);
      const after = snapshot();
      const responsesAfterViews = [...deps.workflow.responses];
      const result = await verify.submit(token, { decision: "confirm", code });

      // Assess
      expect(after).toEqual(before);
      expect(responsesAfterViews).toEqual([]);
      expect(result.status).toBe("verified");
    });

    it("shows the generic invalid view for unknown, used and expired links alike", async () => {
      // Prepare
      const deps = makeTestDeps();
      const used = await startVerification(deps);
      const expired = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      await verify.submit(used.token, { decision: "confirm", code: used.code });
      deps.links.links.set(hashLinkToken(expired.token), {
        ...(deps.links.links.get(hashLinkToken(expired.token)) as NonNullable<ReturnType<typeof deps.links.links.get>>),
        expiresAt: deps.clock.now() - 1,
      });

      // Act
      const views = await Promise.all(
        ["not-a-token-at-all", used.token, expired.token].map((token) => verify.view(token)),
      );

      // Assess
      expect(views).toEqual([
        { kind: "invalid", locale: "en" },
        { kind: "invalid", locale: "en" },
        { kind: "invalid", locale: "en" },
      ]);
    });
  });

  describe("submit", () => {
    it("verifies both factors, resumes the resolution clock and the workflow when the code is right", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code, taskToken } = await startVerification(deps);
      deps.clock.advance(120);

      // Act
      const result = await makeVerifyReporter(deps).submit(token, { decision: "confirm", code });

      // Assess
      expect(result).toEqual({ status: "verified", attemptsLeft: 0, locale: "en", caseRef: caseId });
      expect(deps.workflow.responses).toEqual([{ token: taskToken, outcome: "success", output: { verified: true } }]);
      const item = await caseOf(deps, caseId);
      expect(item.status).toBe("verified");
      expect(item.workflow.waiting).toBeNull();
      expect(item.verification).toMatchObject({ email: "verified", sms: "verified", failures: null });
      expect(item.verification.emailVerifiedAt).toBe(new Date(deps.clock.now()).toISOString());
      expect(item.verification.smsVerifiedAt).toBe(new Date(deps.clock.now()).toISOString());
      expect(item.sla.resolution.pausedAt).toBeNull();
      expect(item.sla.resolution.pausedSeconds).toBe(120);
      expect(await auditTypes(deps, caseId)).toEqual(
        expect.arrayContaining(["verification.sms_verified", "verification.email_verified", "verification.completed"]),
      );
      expect(deps.links.links.get(hashLinkToken(token))?.usedAt).toBe(deps.clock.now());
    });

    it("answers invalid when a used link is submitted again", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      await verify.submit(token, { decision: "confirm", code });

      // Act
      const again = await verify.submit(token, { decision: "confirm", code });

      // Assess
      expect(again).toEqual({ status: "invalid", attemptsLeft: 0, locale: "en", caseRef: null });
      expect(deps.workflow.responses).toHaveLength(1);
      expect((await caseOf(deps, caseId)).status).toBe("verified");
    });

    it("answers invalid once the link is 30 minutes old, exactly like an unknown token", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      deps.clock.advance(30 * 60);

      // Act
      const expired = await verify.submit(token, { decision: "confirm", code });
      const unknown = await verify.submit("Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg", { decision: "confirm", code });

      // Assess
      expect(expired).toEqual(unknown);
      expect(expired).toEqual({ status: "invalid", attemptsLeft: 0, locale: "en", caseRef: null });
      expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
    });

    it("answers invalid for a link bound to another recipient, purpose or generation", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      const hash = hashLinkToken(token);
      const link = deps.links.links.get(hash);
      if (!link) throw new Error("link missing");
      const variants = [
        { ...link, recipient: "mallory@example.com" },
        { ...link, purpose: "reopen_case" as const },
        { ...link, generation: 2 },
      ];

      // Act
      const results = [];
      for (const variant of variants) {
        deps.links.links.set(hash, variant);
        results.push(await verify.submit(token, { decision: "confirm", code }));
      }

      // Assess
      expect(results.map((result) => result.status)).toEqual(["invalid", "invalid", "invalid"]);
      expect(deps.workflow.responses).toEqual([]);
    });

    it("keeps the link usable after a wrong code and counts the attempts down", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);

      // Act
      const first = await verify.submit(token, { decision: "confirm", code: wrong(code) });
      const second = await verify.submit(token, { decision: "confirm", code: wrong(code) });
      const right = await verify.submit(token, { decision: "confirm", code });

      // Assess
      expect([first.status, first.attemptsLeft]).toEqual(["invalid", 4]);
      expect([second.status, second.attemptsLeft]).toEqual(["invalid", 3]);
      expect(right.status).toBe("verified");
      expect((await caseOf(deps, caseId)).verification.failures).toBeNull();
      expect(await auditTypes(deps, caseId)).toEqual(expect.arrayContaining(["verification.code_rejected"]));
    });

    it("answers invalid without spending an attempt when the case needs a code and none is given", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token } = await startVerification(deps);

      // Act
      const result = await makeVerifyReporter(deps).submit(token, { decision: "confirm" });

      // Assess
      expect([result.status, result.attemptsLeft]).toEqual(["invalid", 5]);
      expect((await caseOf(deps, caseId)).verification.code?.attempts).toBe(0);
    });

    it("spends the code after 5 wrong entries and then answers expired, even for the right code", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);

      // Act
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await verify.submit(token, { decision: "confirm", code: wrong(code) }));
      const afterwards = await verify.submit(token, { decision: "confirm", code });

      // Assess
      expect(results.map((result) => [result.status, result.attemptsLeft])).toEqual([
        ["invalid", 4],
        ["invalid", 3],
        ["invalid", 2],
        ["invalid", 1],
        ["invalid", 0],
      ]);
      expect([afterwards.status, afterwards.attemptsLeft]).toEqual(["expired", 0]);
      const item = await caseOf(deps, caseId);
      expect(item.verification.sms).toBe("failed");
      expect(item.verification.code?.spent).toBe(true);
      expect(item.status).toBe("awaiting_verification");
    });

    it("answers expired for a code older than 10 minutes; a resent code then verifies", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      deps.clock.advance(10 * 60);

      // Act
      const stale = await verify.submit(token, { decision: "confirm", code });
      await verify.resend(token);
      const fresh = lastCode(deps, caseId);
      const result = await verify.submit(token, { decision: "confirm", code: fresh });

      // Assess
      expect(stale.status).toBe("expired");
      expect(fresh).not.toBe(code);
      expect(result.status).toBe("verified");
    });

    it("locks verification after 10 consecutive failures, with a backoff of 30 s doubling, and answers locked without checking the code", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      const statuses: string[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await verify.submit(token, { decision: "confirm", code: wrong(code) })).status);
      await verify.resend(token);
      const second = lastCode(deps, caseId);
      for (let i = 0; i < 4; i++)
        statuses.push((await verify.submit(token, { decision: "confirm", code: wrong(second) })).status);

      // Act
      const tenth = await verify.submit(token, { decision: "confirm", code: wrong(second) });
      const whileLocked = await verify.submit(token, { decision: "confirm", code: second });
      deps.clock.advance(31);
      await verify.resend(token);
      const third = lastCode(deps, caseId);
      const eleventh = await verify.submit(token, { decision: "confirm", code: wrong(third) });
      deps.clock.advance(30);
      const stillLocked = await verify.submit(token, { decision: "confirm", code: third });
      deps.clock.advance(31);
      const unlocked = await verify.submit(token, { decision: "confirm", code: third });

      // Assess
      expect(statuses).toEqual(Array(9).fill("invalid"));
      expect(tenth).toMatchObject({ status: "locked", attemptsLeft: 0, retryAfterSeconds: 30 });
      expect(whileLocked).toMatchObject({ status: "locked", retryAfterSeconds: 30 });
      expect(eleventh).toMatchObject({ status: "locked", retryAfterSeconds: 60 });
      expect(stillLocked).toMatchObject({ status: "locked", retryAfterSeconds: 30 });
      expect(unlocked.status).toBe("verified");
      expect((await caseOf(deps, caseId)).verification.failures).toBeNull();
    });

    it("records a denial, fails the task with VerificationDenied and tells the reporter on every trusted channel", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code, taskToken } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      const emailsBefore = deps.email.sent.length;
      const smsBefore = deps.sms.sent.length;

      // Act
      const result = await verify.submit(token, { decision: "deny" });
      const confirmAfter = await verify.submit(token, { decision: "confirm", code });

      // Assess
      expect(result).toEqual({ status: "denied", attemptsLeft: 0, locale: "en", caseRef: caseId });
      expect(deps.workflow.responses).toEqual([{ token: taskToken, outcome: "failure", error: "VerificationDenied" }]);
      const item = await caseOf(deps, caseId);
      expect(item.verification.denied).toBe(true);
      expect(await auditTypes(deps, caseId)).toEqual(expect.arrayContaining(["verification.denied"]));
      const denialEmails = deps.email.sent.slice(emailsBefore).filter((email) => email.to === EMAIL);
      const denialSms = deps.sms.sent.slice(smsBefore).filter((sms) => sms.to === PHONE);
      expect(denialEmails).toHaveLength(1);
      expect(denialEmails[0]?.subject).toContain("not you");
      expect(denialSms).toHaveLength(1);
      expect(confirmAfter.status).toBe("invalid");
    });
  });

  describe("SIM-swap cases", () => {
    it("asks for no SMS code, and confirming the email leaves the case waiting for the agent's identity check", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token } = await startVerification(deps, { incidentType: "sim_swap" });
      const verify = makeVerifyReporter(deps);

      // Act
      const view = await verify.view(token);
      const result = await verify.submit(token, { decision: "confirm" });

      // Assess
      expect(deps.sms.sent).toEqual([]);
      expect(view).toMatchObject({ kind: "verify", code: null });
      expect(result.status).toBe("email_verified");
      const item = await caseOf(deps, caseId);
      expect(item.verification).toMatchObject({ email: "verified", sms: "not_used", identity: "pending" });
      expect(item.status).toBe("awaiting_verification");
      expect(item.workflow.waiting?.kind).toBe("verification");
      expect(deps.workflow.responses).toEqual([]);
    });

    it("completes the verification once the agent has verified the identity", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, taskToken } = await startVerification(deps, { incidentType: "sim_swap" });
      await makeVerifyReporter(deps).submit(token, { decision: "confirm" });
      const complete = makeCompleteVerificationIfSatisfied(deps);
      const beforeIdentity = await complete(caseId, "agent-1");
      await makeMutateCase(deps)(caseId, (current, now) => ({
        case: {
          ...current,
          verification: {
            ...current.verification,
            identity: "verified",
            identityVerifiedAt: new Date(now).toISOString(),
          },
        },
        events: [{ type: "verification.identity_verified", actor: "agent-1" }],
      }));

      // Act
      const completed = await complete(caseId, "agent-1");
      const again = await complete(caseId, "agent-1");

      // Assess
      expect(beforeIdentity).toBe(false);
      expect(completed).toBe(true);
      expect(again).toBe(false);
      expect(deps.workflow.responses).toEqual([{ token: taskToken, outcome: "success", output: { verified: true } }]);
      const item = await caseOf(deps, caseId);
      expect(item.status).toBe("verified");
      expect(item.workflow.waiting).toBeNull();
      expect(item.sla.resolution.pausedAt).toBeNull();
      const completion = (await deps.cases.listAudit(caseId)).find((event) => event.type === "verification.completed");
      expect(completion).toMatchObject({ actor: "agent-1", detail: { factors: ["email", "identity"] } });
    });

    it("sends no code on resend and answers the same as for any other link", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { token } = await startVerification(deps, {
        incidentType: "unauthorized_access",
        signals: { simSwapDetected: true },
      });

      // Act
      const result = await makeVerifyReporter(deps).resend(token);

      // Assess
      expect(result).toEqual({ status: "accepted", locale: "en" });
      expect(deps.sms.sent).toEqual([]);
    });
  });

  describe("resend", () => {
    it("sends a new code each time, replacing the old one, at most 3 sends per 10 minutes", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId, token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);

      // Act
      await verify.resend(token);
      const second = lastCode(deps, caseId);
      deps.clock.advance(60);
      await verify.resend(token);
      const third = lastCode(deps, caseId);
      const overLimit = await verify.resend(token).catch((error: unknown) => error);
      const oldCode = await verify.submit(token, { decision: "confirm", code: second });
      deps.clock.advance(9 * 60);
      await verify.resend(token);
      const fourth = lastCode(deps, caseId);

      // Assess
      expect(new Set([code, second, third, fourth]).size).toBe(4);
      expect(overLimit).toBeInstanceOf(RateLimitedError);
      expect((overLimit as RateLimitedError).retryAfterSeconds).toBe(9 * 60);
      expect(oldCode.status).toBe("invalid");
      expect(deps.sms.sent.filter((sms) => sms.to === PHONE && /is your code/.test(sms.text))).toHaveLength(4);
      expect(JSON.stringify(await deps.cases.listAudit(caseId))).not.toContain(String(third));
    });

    it("answers accepted and sends nothing for an unknown or used link", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { token, code } = await startVerification(deps);
      const verify = makeVerifyReporter(deps);
      await verify.submit(token, { decision: "confirm", code });
      const sent = deps.sms.sent.length;

      // Act
      const used = await verify.resend(token);
      const unknown = await verify.resend("bm90LWEtcmVhbC10b2tlbi1idXQtbG9va3MtbGlrZS1vbmU");

      // Assess
      expect(used).toEqual({ status: "accepted", locale: "en" });
      expect(unknown).toEqual(used);
      expect(deps.sms.sent).toHaveLength(sent);
    });
  });

  describe("reopen links", () => {
    it("offers to reopen a closed case, reopens it on confirm and is single use", async () => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId } = await startVerification(deps, { reporter: { email: EMAIL, phone: PHONE, locale: "es" } });
      await makeCloseUnverified(deps)({ caseId, generation: 1 });
      const closure = deps.email.sent.findLast((email) => email.subject.includes(caseId));
      const token = closure?.text.match(/\/v1\/verify\/([A-Za-z0-9_-]+)/)?.[1] ?? "";
      const verify = makeVerifyReporter(deps);

      // Act
      const view = await verify.view(token);
      const result = await verify.submit(token, { decision: "confirm" });
      const again = await verify.submit(token, { decision: "confirm" });

      // Assess
      expect(view).toMatchObject({ kind: "reopen", locale: "es", caseRef: caseId });
      expect(result).toMatchObject({ status: "reopened", locale: "es" });
      expect(again.status).toBe("invalid");
      const item = await caseOf(deps, caseId);
      expect(item.status).toBe("open");
      expect(item.workflow.generation).toBe(2);
      expect(deps.workflow.started.some((start) => start.name === `${caseId}-g2`)).toBe(true);
    });
  });
});
