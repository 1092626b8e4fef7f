import { monotonicFactory } from "ulid";
import { describe, expect, it } from "vitest";
import type { Report } from "../../../src/schemas/report.js";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeReceiveEmailReply } from "../../../src/use-cases/receive-email-reply.js";
import { makeTestDeps, startVerification as startTestVerification, type TestDeps } from "../../fixtures/deps.js";

const ulid = monotonicFactory();
const EMAIL = "ana@example.com";
const PASS = { spf: "PASS", dkim: "PASS", dmarc: "PASS" };

const startVerification = (deps: TestDeps, report: Partial<Report> = {}) =>
  startTestVerification(deps, {
    incidentType: "phishing",
    reporter: { email: EMAIL, phone: "+14155550100", locale: "en" },
    ...report,
  });

/** A reply as a mail client writes it: `Re:` subject, the answer on top, the original quoted below. */
function reply(options: { caseId: string; from?: string; subject?: string; body?: string; html?: boolean }): string {
  const subject = options.subject ?? `Re: Confirm your report (case ${options.caseId})`;
  const body =
    options.body ??
    `YES\r\n\r\nOn Wed, 25 Nov 2026 at 08:00, Vigil <security@vigil.test> wrote:\r\n> Before we act on case ${options.caseId}, we need to confirm that the report came from you.\r\n`;
  return [
    `From: Ana Example <${options.from ?? EMAIL}>`,
    "To: replies@vigil.test",
    `Subject: ${subject}`,
    "Date: Wed, 25 Nov 2026 08:05:00 +0000",
    "Message-ID: <reply-1@example.com>",
    "In-Reply-To: <verification-1@vigil.test>",
    "MIME-Version: 1.0",
    `Content-Type: ${options.html ? "text/html" : "text/plain"}; charset=utf-8`,
    "",
    body,
  ].join("\r\n");
}

async function caseOf(deps: TestDeps, caseId: string) {
  const found = await deps.cases.get(caseId);
  if (!found) throw new Error(`case ${caseId} is missing`);
  return found.case;
}

const ignoredEvents = async (deps: TestDeps, caseId: string) =>
  (await deps.cases.listAudit(caseId)).filter((event) => event.type === "verification.reply_ignored");

describe("makeReceiveEmailReply", () => {
  it("confirms the email factor when the first line is YES, SPF/DKIM/DMARC pass and the reporter sent it", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)({ rawMime: reply({ caseId }), verdicts: PASS });

    // Assess
    expect(result).toEqual({ outcome: "confirmed", caseId, completed: false });
    const item = await caseOf(deps, caseId);
    expect(item.verification.email).toBe("verified");
    expect(item.verification.emailVerifiedAt).toBe(new Date(deps.clock.now()).toISOString());
    expect(item.verification.sms).toBe("pending");
    expect(item.status).toBe("awaiting_verification");
    expect(deps.workflow.responses).toEqual([]);
    const confirmed = (await deps.cases.listAudit(caseId)).find(
      (event) => event.type === "verification.email_verified",
    );
    expect(confirmed?.detail).toEqual({ channel: "email_reply" });
  });

  it("completes verification when the reply brings the last missing factor", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId, taskToken } = await startVerification(deps, { incidentType: "sim_swap" });
    await makeMutateCase(deps)(caseId, (current) => ({
      case: { ...current, verification: { ...current.verification, identity: "verified" } },
      events: [{ type: "verification.identity_verified", actor: "agent-1" }],
    }));

    // Act
    const result = await makeReceiveEmailReply(deps)({ rawMime: reply({ caseId }), verdicts: PASS });

    // Assess
    expect(result).toEqual({ outcome: "confirmed", caseId, completed: true });
    expect(deps.workflow.responses).toEqual([{ token: taskToken, outcome: "success", output: { verified: true } }]);
    expect((await caseOf(deps, caseId)).status).toBe("verified");
  });

  it.each([
    ["lower case after blank lines", "\r\n  \r\n   yes  \r\n> quoted"],
    ["mixed case", "Yes\r\nsent from my phone"],
  ])("accepts YES as the first non-empty line (%s)", async (_label, body) => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)({ rawMime: reply({ caseId, body }), verdicts: PASS });

    // Assess
    expect(result.outcome).toBe("confirmed");
  });

  it("reads the first line of an HTML-only reply", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);
    const body = `<html><head><style>p{color:red}</style></head><body><div>YES</div><blockquote>case ${caseId}</blockquote></body></html>`;

    // Act
    const result = await makeReceiveEmailReply(deps)({ rawMime: reply({ caseId, body, html: true }), verdicts: PASS });

    // Assess
    expect(result.outcome).toBe("confirmed");
  });

  it.each([
    ["spf", { ...PASS, spf: "FAIL" }],
    ["dkim", { ...PASS, dkim: "GRAY" }],
    ["dmarc", { ...PASS, dmarc: "PROCESSING_FAILED" }],
  ])("ignores and audits a reply whose %s verdict does not pass", async (name, verdicts) => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)({ rawMime: reply({ caseId }), verdicts });

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "authentication_failed", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
    expect((await ignoredEvents(deps, caseId)).map((event) => event.detail)).toEqual([
      { reason: "authentication_failed", failed: [name] },
    ]);
  });

  it("ignores and audits a reply from another sender, without recording the address", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)({
      rawMime: reply({ caseId, from: "mallory@evil.example" }),
      verdicts: PASS,
    });

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "sender_mismatch", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
    const audit = JSON.stringify(await deps.cases.listAudit(caseId));
    expect(audit).toContain("sender_mismatch");
    expect(audit).not.toContain("mallory");
  });

  it("matches the sender case-insensitively", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)({
      rawMime: reply({ caseId, from: "Ana@Example.COM" }),
      verdicts: PASS,
    });

    // Assess
    expect(result.outcome).toBe("confirmed");
  });

  it.each([["No, this was not me"], ["Yes please"], ["YES."]])(
    "ignores and audits a reply whose first line is %j, without recording the content",
    async (first) => {
      // Prepare
      const deps = makeTestDeps();
      const { caseId } = await startVerification(deps);

      // Act
      const result = await makeReceiveEmailReply(deps)({
        rawMime: reply({ caseId, body: `${first}\r\n` }),
        verdicts: PASS,
      });

      // Assess
      expect(result).toEqual({ outcome: "ignored", reason: "not_yes", caseId });
      expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
      expect(JSON.stringify(await deps.cases.listAudit(caseId))).not.toContain(first);
    },
  );

  it("finds the case in the quoted text when the subject lost the reference", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)({
      rawMime: reply({ caseId, subject: "Re: your email" }),
      verdicts: PASS,
    });

    // Assess
    expect(result).toEqual({ outcome: "confirmed", caseId, completed: false });
  });

  it("ignores replies without a case reference, with two of them, or with an unknown one, writing nothing", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);
    const other = `c_${ulid(deps.clock.now())}`;
    const receive = makeReceiveEmailReply(deps);
    const auditBefore = (await deps.cases.listAudit(caseId)).length;

    // Act
    const none = await receive({ rawMime: reply({ caseId, subject: "Re: hello", body: "YES\r\n" }), verdicts: PASS });
    const two = await receive({ rawMime: reply({ caseId, subject: `Re: ${caseId} and ${other}` }), verdicts: PASS });
    const unknown = await receive({ rawMime: reply({ caseId: other }), verdicts: PASS });
    const lookalike = await receive({ rawMime: reply({ caseId: `${caseId}X`, body: "YES\r\n" }), verdicts: PASS });

    // Assess
    expect(none).toEqual({ outcome: "ignored", reason: "no_case_reference" });
    expect(two).toEqual({ outcome: "ignored", reason: "ambiguous_case_reference" });
    expect(unknown).toEqual({ outcome: "ignored", reason: "unknown_case" });
    expect(lookalike).toEqual({ outcome: "ignored", reason: "no_case_reference" });
    expect(await deps.cases.listAudit(caseId)).toHaveLength(auditBefore);
  });

  it("ignores a YES for a case that no longer waits on the reporter (denied)", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);
    await makeMutateCase(deps)(caseId, (current) => ({
      case: { ...current, verification: { ...current.verification, denied: true } },
      events: [{ type: "verification.denied", actor: "reporter" }],
    }));

    // Act
    const result = await makeReceiveEmailReply(deps)({ rawMime: reply({ caseId }), verdicts: PASS });

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "not_awaiting_verification", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
  });
});
