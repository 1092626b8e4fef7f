import { describe, expect, it } from "vitest";
import { makeReceiveEmailReply } from "../../src/use-cases/receive-email-reply.js";
import { makeTestDeps, startVerification, type TestDeps } from "../fixtures/deps.js";

/**
 * Attack (issue 11, "Ambiguous From forges the email factor"): with PASS verdicts, each of these From forms
 * confirmed a victim's email factor. The attacker is given every advantage: the reply reaches the case's
 * own challenge address and the receiving server's parse names the victim. Each must confirm nothing.
 */
const VICTIM = "victim@example.com";
const PASS = { spf: "PASS", dkim: "PASS", dmarc: "PASS" };

function forged(deps: TestDeps, caseId: string, fromLines: string[]) {
  const replyTo = deps.email.sent.findLast((email) => email.replyTo)?.replyTo as string;
  const rawMime = [
    ...fromLines,
    `To: ${replyTo}`,
    `Subject: Re: Confirm your report (case ${caseId})`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "YES",
    "",
  ].join("\r\n");
  return { rawMime, verdicts: PASS, sesFrom: [VICTIM], recipients: [replyTo] };
}

describe("attack: forging the email factor with an ambiguous From", () => {
  it.each([
    ["a list, victim first", ["From: victim@example.com, eve@evil.example"]],
    ["two From fields, victim first", ["From: victim@example.com", "From: eve@evil.example"]],
    ["an angle address followed by a domain", ["From: <victim@example.com>@evil.example"]],
    ["a semicolon splice", ["From: victim@example.com;eve@evil.example"]],
    ["a group", ["From: friends: victim@example.com, eve@evil.example;"]],
    ["route syntax", ["From: <@evil.example:victim@example.com>"]],
    ["a display name naming the victim", ["From: victim@example.com <eve@evil.example>"]],
  ])("confirms nothing for %s", async (_label, fromLines) => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps, {
      incidentType: "phishing",
      reporter: { email: VICTIM, phone: "+14155550100", locale: "en" },
    });

    // Act
    const result = await makeReceiveEmailReply(deps)(forged(deps, caseId, fromLines));

    // Assess
    expect(result.outcome).toBe("ignored");
    expect((await deps.cases.get(caseId))?.case.verification.email).toBe("pending");
  });

  it("still confirms the reporter's own plain reply (the control)", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps, {
      incidentType: "phishing",
      reporter: { email: VICTIM, phone: "+14155550100", locale: "en" },
    });

    // Act
    const result = await makeReceiveEmailReply(deps)(forged(deps, caseId, [`From: Victim <${VICTIM}>`]));

    // Assess
    expect(result.outcome).toBe("confirmed");
  });
});
