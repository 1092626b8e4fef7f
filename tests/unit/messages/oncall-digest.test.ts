import { describe, expect, it } from "vitest";
import { measureSms, ONCALL_EVENTS } from "../../../src/domain/messages/index.js";
import { type DigestPage, renderOncallDigest } from "../../../src/domain/messages/oncall-digest.js";

const T0 = Date.parse("2026-12-03T03:00:00.000Z");
const caseUrl = (caseId: string) => `https://console.vigil.test/cases/${caseId}`;
const queueUrl = "https://console.vigil.test/";

function page(n: number, overrides: Partial<DigestPage> = {}): DigestPage {
  return {
    caseId: `c_01JDIGEST${String(n).padStart(4, "0")}`,
    priority: "P3",
    event: "warning",
    clock: "firstResponse",
    reason: "first response at 50 % of its target",
    queuedAt: T0 + n * 1000,
    ...overrides,
  };
}

describe("renderOncallDigest", () => {
  it("renders counts, the gravest cases with their links and the queue (golden)", async () => {
    // Prepare: a mixed minute of a wave.
    const pages = [
      ...Array.from({ length: 6 }, (_, i) => page(i)),
      page(10, { priority: "P1", event: "breach", reason: "first response breached" }),
      page(11, { priority: "P2", event: "repeat", reason: "first response still breached (repeat escalation)" }),
      page(12, {
        priority: "P1",
        event: "escalation",
        clock: undefined,
        reason: "no message can reach the reporter (every channel failed permanently)",
      }),
      page(13, { priority: "P2", event: "breach", clock: "containment", reason: "containment breached" }),
    ];

    // Act
    const digest = renderOncallDigest({ pages, caseUrl, queueUrl });

    // Assess
    await expect(`Subject: ${digest.subject}\n\n${digest.text}\n\nSMS: ${digest.sms}\n`).toMatchFileSnapshot(
      "golden/oncall-digest.en.txt",
    );
  });

  it("keeps the SMS within one GSM-7 segment and without a link, whatever the counts", () => {
    // Prepare / Act / Assess: one loop over growing waves with every event and priority.
    for (const total of [2, 9, 99, 999, 9_999, 99_999]) {
      const pages = Array.from({ length: total }, (_, i) =>
        page(i, {
          priority: (["P1", "P2", "P3", "P4"] as const)[i % 4],
          event: ONCALL_EVENTS[i % ONCALL_EVENTS.length],
        }),
      );
      const { sms } = renderOncallDigest({ pages, caseUrl, queueUrl });
      expect(measureSms(sms)).toMatchObject({ encoding: "GSM-7", segments: 1 });
      expect(sms).toContain(`Vigil: ${total} on-call pages`);
      expect(sms).not.toMatch(/https?:|www\./);
    }
  });

  it("escapes what a reason carries in the HTML email", () => {
    // Prepare
    const pages = [page(1, { reason: 'escalated by ana: <img src=x onerror="alert(1)">' }), page(2)];

    // Act
    const { html } = renderOncallDigest({ pages, caseUrl, queueUrl });

    // Assess
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain(`<a href="${queueUrl}">`);
  });
});
