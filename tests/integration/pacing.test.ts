import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

// biome-ignore lint/suspicious/noExplicitAny: case views are JSON the test reads field by field.
type Json = any;

const ACK = "We received your report";
const at = (iso: string) => Date.parse(iso);

/**
 * Message pacing (ADR 0014) over HTTP on the local runtime: SES accepts one email a second
 * (`VIGIL_LOCAL_SES_RATE=1`), a burst of reports asks for far more. Nothing is lost, P1 goes first,
 * and containment never waits on a message.
 */
describe("message pacing on the local runtime", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { VIGIL_LOCAL_SES_RATE: "1" } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it("delivers every acknowledgement of a burst, P1 first, after every lock was requested", async () => {
    // Prepare: eight reports at once, email only: three P1 and two P2 with locks, two P3, one P4.
    const types = [
      "other",
      "phishing",
      "unauthorized_access",
      "key_compromise",
      "phishing",
      "unauthorized_access",
      "sim_swap",
      "key_compromise",
    ];
    const reports = types.map((incidentType, i) =>
      reportData({ incidentType, reporter: { email: `burst-${i}-${Date.now()}@example.com`, locale: "en" } }),
    );

    // Act: the burst, then virtual time until the queues drained.
    const answers = await Promise.all(reports.map((data) => h.report(data)));
    await h.settle();
    const emails = reports.map((data) => (data.reporter as { email: string }).email);
    const emailOf = (i: number) => emails[i] ?? "";
    const acked = async () => {
      const inboxes = await Promise.all(reports.map((_, i) => h.messages(emailOf(i))));
      return inboxes.every((inbox) => inbox.some((m) => m.subject?.startsWith(ACK)));
    };
    for (let step = 0; step < 6 && !(await acked()); step++) await h.advance(30);
    await h.advance(30);
    const cases: Json[] = await Promise.all(
      answers.map(async ({ body }) => (await h.operator(`/v1/cases/${body.caseId}`)).body),
    );
    const inboxes = await Promise.all(reports.map((_, i) => h.messages(emailOf(i))));

    // Assess: every acknowledgement arrived, and some had to wait in the queue.
    expect(answers.map((a) => a.status)).toEqual(types.map(() => 202));
    const ackOf = (i: number) => inboxes[i]?.find((m) => m.subject?.startsWith(ACK));
    expect(inboxes.map((_, i) => Boolean(ackOf(i)))).toEqual(types.map(() => true));
    const queuedAck = (item: Json) =>
      item.timeline.find(
        (e: Json) => e.type === "message.queued" && e.detail.kind === "acknowledgement" && e.detail.channel === "email",
      );
    const waited = cases.flatMap((item, i) =>
      queuedAck(item)
        ? [{ priority: item.priority, queuedAt: at(queuedAck(item).at), sentAt: at(ackOf(i)?.sentAt ?? "") }]
        : [],
    );
    expect(waited.length).toBeGreaterThan(0);
    expect(cases.every((item) => item.failures.length === 0)).toBe(true);

    // Assess: no waiting P1 acknowledgement was passed by another priority's (a drain pass reads
    // the queue once a virtual second, so a P1 queued within the second before a send may follow it).
    for (const other of waited.filter((w) => w.priority !== "P1")) {
      const passedBy = waited.filter(
        (p1) => p1.priority === "P1" && p1.queuedAt < other.sentAt - 1000 && p1.sentAt > other.sentAt,
      );
      expect(passedBy).toEqual([]);
    }

    // Assess: each case's lock was requested, and its containment clock met, before any message to its
    // reporter; its acknowledgement came before anything else.
    cases.forEach((item, i) => {
      const first = Math.min(...(inboxes[i] ?? []).map((m) => at(m.sentAt)));
      if (item.priority === "P1" || item.priority === "P2") {
        expect(item.lock.state).not.toBe("none");
        expect(at(item.lock.requestedAt)).toBeLessThanOrEqual(first);
        expect(item.sla.containment.metAt).not.toBeNull();
      }
      expect(at(ackOf(i)?.sentAt ?? "")).toBe(first);
    });
  });
});
