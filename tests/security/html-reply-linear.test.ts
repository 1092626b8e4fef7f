import { describe, expect, it } from "vitest";
import { htmlToText } from "../../src/domain/inbound-email.js";
import { makeReceiveEmailReply } from "../../src/use-cases/receive-email-reply.js";
import { makeTestDeps, startVerification } from "../fixtures/deps.js";

/**
 * Attack (issue 11, "Quadratic HTML-to-text"): 140 KB of `<` in an HTML-only reply took ~9 s in a
 * backtracking regular expression and stalled the process. The bound is a ratio, never an absolute time:
 * one 140 KB input against 140 inputs of 1 KB (the same bytes). Linear work keeps the ratio near 1 (the
 * many small calls even pay more fixed costs); quadratic work makes it ~140. Each side takes the fastest of
 * a few rounds, so a busy machine slows both alike.
 */
function fastest(rounds: number, work: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

async function fastestAsync(rounds: number, work: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    await work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const KB = 1024;
const MAX_RATIO = 4;

describe("attack: a 140 KB HTML reply", () => {
  it.each([
    ["a flood of <", "<"],
    ["unclosed tags", "<a"],
    ["unclosed hidden elements", "<style>"],
    ["tags and breaks", "<br><p>x</p>"],
  ])("converts %s in linear time (140 KB vs 140 × 1 KB, no cap)", (_label, unit) => {
    // Prepare
    const big = unit.repeat(Math.ceil((140 * KB) / unit.length));
    const small = unit.repeat(Math.ceil(KB / unit.length));
    htmlToText(big, Number.POSITIVE_INFINITY);

    // Act (ten of each side per round, so no round is too short to measure)
    const bigMs = fastest(5, () => {
      for (let i = 0; i < 10; i += 1) htmlToText(big, Number.POSITIVE_INFINITY);
    });
    const smallMs = fastest(5, () => {
      for (let i = 0; i < 1400; i += 1) htmlToText(small, Number.POSITIVE_INFINITY);
    });

    // Assess
    expect(bigMs / smallMs).toBeLessThan(MAX_RATIO);
  });

  it("is handled by the reply function in about the time of 140 replies of 1 KB", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { caseId } = await startVerification(deps, { incidentType: "phishing" });
    const replyTo = deps.email.sent.findLast((email) => email.replyTo)?.replyTo as string;
    const reply = (html: string) => ({
      rawMime: [
        "From: Mallory <mallory@evil.example>",
        `To: ${replyTo}`,
        `Subject: Re: Confirm your report (case ${caseId})`,
        "Content-Type: text/html; charset=utf-8",
        "",
        html,
      ].join("\r\n"),
      verdicts: { spf: "PASS", dkim: "PASS", dmarc: "PASS" },
      sesFrom: ["Mallory <mallory@evil.example>"],
      recipients: [replyTo],
    });
    const receive = makeReceiveEmailReply(deps);
    const big = reply("<".repeat(140 * KB));
    const small = reply("<".repeat(KB));
    await receive(small);

    // Act
    const bigMs = await fastestAsync(3, () => receive(big));
    const smallMs = await fastestAsync(3, async () => {
      for (let i = 0; i < 140; i += 1) await receive(small);
    });

    // Assess
    expect(bigMs / smallMs).toBeLessThan(MAX_RATIO);
    expect((await deps.cases.get(caseId))?.case.verification.email).toBe("pending");
  });
});
