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
function reply(options: {
  caseId: string;
  from?: string;
  fromField?: string;
  subject?: string;
  body?: string;
  html?: boolean;
}): string {
  const subject = options.subject ?? `Re: Confirm your report (case ${options.caseId})`;
  const body =
    options.body ??
    `YES\r\n\r\nOn Wed, 25 Nov 2026 at 08:00, Vigil <security@vigil.test> wrote:\r\n> Before we act on case ${options.caseId}, we need to confirm that the report came from you.\r\n`;
  return [
    options.fromField ?? `From: Ana Example <${options.from ?? EMAIL}>`,
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

/** The `Reply-To` the verification email of the case carried: where the reporter's client sends the reply. */
function replyAddressOf(deps: TestDeps, caseId: string): string {
  const email = deps.email.sent.findLast((sent) => sent.subject.includes(caseId) && sent.replyTo);
  if (!email?.replyTo) throw new Error("the verification email has no Reply-To");
  return email.replyTo;
}

/**
 * The SES notification's view of a reply: delivered to the verification email's `Reply-To` (unless
 * `recipients` says otherwise), with SES's own parse of `From` (one entry per mailbox it read).
 */
function inbound(
  deps: TestDeps,
  caseId: string,
  rawMime: string,
  options: { verdicts?: typeof PASS; recipients?: string[]; sesFrom?: string[] } = {},
) {
  const from = /^From:[ \t]*(.*)$/m.exec(rawMime)?.[1] ?? "";
  return {
    rawMime,
    verdicts: options.verdicts ?? PASS,
    sesFrom: options.sesFrom ?? [from.trim()],
    recipients: options.recipients ?? [replyAddressOf(deps, caseId)],
  };
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
    const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId })));

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
    const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId })));

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
    const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId, body })));

    // Assess
    expect(result.outcome).toBe("confirmed");
  });

  it("reads the first line of an HTML-only reply", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);
    const body = `<html><head><style>p{color:red}</style></head><body><div>YES</div><blockquote>case ${caseId}</blockquote></body></html>`;

    // Act
    const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId, body, html: true })));

    // Assess
    expect(result.outcome).toBe("confirmed");
  });

  it.each([
    ["spf", { ...PASS, spf: "FAIL" }, true],
    ["dkim", { ...PASS, dkim: "GRAY" }, true],
    // Without DMARC the From is only a claim: not audited, so a forger cannot fill the case's audit.
    ["dmarc", { ...PASS, dmarc: "PROCESSING_FAILED" }, false],
  ])("ignores a reply whose %s verdict does not pass (audited: %s)", async (name, verdicts, audited) => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId }), { verdicts }));

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "authentication_failed", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
    expect((await ignoredEvents(deps, caseId)).map((event) => event.detail)).toEqual(
      audited ? [{ reason: "authentication_failed", failed: [name] }] : [],
    );
  });

  it("ignores a reply from another sender without writing to the case (strangers cannot fill its audit)", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)(
      inbound(deps, caseId, reply({ caseId, from: "mallory@evil.example" })),
    );

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "sender_mismatch", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
    expect(await ignoredEvents(deps, caseId)).toEqual([]);
    expect(deps.metrics.counts.EmailReplyRejected).toBe(1);
    expect(JSON.stringify(await deps.cases.listAudit(caseId))).not.toContain("mallory");
  });

  it("matches the sender case-insensitively", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId, from: "Ana@Example.COM" })));

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
      const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId, body: `${first}\r\n` })));

      // Assess
      expect(result).toEqual({ outcome: "ignored", reason: "not_yes", caseId });
      expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
      expect(JSON.stringify(await deps.cases.listAudit(caseId))).not.toContain(first);
    },
  );

  it("finds the case by the nonce of its Reply-To even when the subject lost the reference", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)(
      inbound(deps, caseId, reply({ caseId, subject: "Re: your email" })),
    );

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
    const unbound = (rawMime: string) => inbound(deps, caseId, rawMime, { recipients: ["replies@vigil.test"] });

    // Act
    const none = await receive(unbound(reply({ caseId, subject: "Re: hello", body: "YES\r\n" })));
    const two = await receive(unbound(reply({ caseId, subject: `Re: ${caseId} and ${other}` })));
    const unknown = await receive(unbound(reply({ caseId: other })));
    const lookalike = await receive(unbound(reply({ caseId: `${caseId}X`, body: "YES\r\n" })));

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
    const result = await makeReceiveEmailReply(deps)(inbound(deps, caseId, reply({ caseId })));

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "not_awaiting_verification", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
  });

  it("refuses a YES that is not bound to the challenge (sent to the plain reply address), auditing it", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);

    // Act
    const result = await makeReceiveEmailReply(deps)(
      inbound(deps, caseId, reply({ caseId }), { recipients: ["replies@vigil.test"] }),
    );

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "not_bound_to_challenge", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
    expect((await ignoredEvents(deps, caseId)).map((event) => event.detail)).toEqual([
      { reason: "not_bound_to_challenge" },
    ]);
  });

  it("spends the nonce: the same reply again confirms nothing more", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);
    const receive = makeReceiveEmailReply(deps);
    await receive(inbound(deps, caseId, reply({ caseId })));

    // Act
    const again = await receive(inbound(deps, caseId, reply({ caseId })));

    // Assess
    expect(again).toEqual({ outcome: "ignored", reason: "not_bound_to_challenge", caseId });
  });

  it("refuses a reply whose From SES read differently (two mailboxes, or another address)", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);
    const receive = makeReceiveEmailReply(deps);

    // Act
    const two = await receive(inbound(deps, caseId, reply({ caseId }), { sesFrom: [EMAIL, "eve@evil.example"] }));
    const other = await receive(inbound(deps, caseId, reply({ caseId }), { sesFrom: ["eve@evil.example"] }));
    const none = await receive(inbound(deps, caseId, reply({ caseId }), { sesFrom: [] }));

    // Assess
    for (const result of [two, other, none])
      expect(result).toEqual({ outcome: "ignored", reason: "ambiguous_sender", caseId });
    expect((await caseOf(deps, caseId)).verification.email).toBe("pending");
  });

  it("still audits the reporter's ignored replies after a stranger sent many", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps);
    const receive = makeReceiveEmailReply(deps);
    for (let i = 0; i < 25; i += 1) {
      await receive(inbound(deps, caseId, reply({ caseId, from: "mallory@evil.example", body: "no\r\n" })));
    }

    // Act
    const result = await receive(inbound(deps, caseId, reply({ caseId, body: "maybe\r\n" })));

    // Assess
    expect(result).toEqual({ outcome: "ignored", reason: "not_yes", caseId });
    expect((await ignoredEvents(deps, caseId)).map((event) => event.detail)).toEqual([{ reason: "not_yes" }]);
    expect((await caseOf(deps, caseId)).verification.ignoredReplies).toBe(1);
  });
});
