import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageKind } from "../../src/domain/messages/index.js";
import { pacingRank } from "../../src/domain/pacing.js";
import { type Harness, reportData, startHarness } from "./harness.js";

// biome-ignore lint/suspicious/noExplicitAny: case views are JSON the test reads field by field.
type Json = any;

const ACK = "We received your report";
const ONCALL = "oncall@vigil.local";
/** The SDK's own attempts of one send (its standard retry strategy): a fault must outlast them to reach us. */
const SDK_ATTEMPTS = 3;
const at = (iso: string) => Date.parse(iso);
/** The kinds of a burst's messages by their English subjects; any other is guidance (its subject varies). */
const SUBJECTS: Array<[string, MessageKind]> = [
  [ACK, "acknowledgement"],
  ["Confirm your report", "verification_request"],
  ["Your account is temporarily locked", "lock_applied"],
  ["We asked to lock your account", "lock_requested"],
];
const kindOf = (subject: string): MessageKind =>
  SUBJECTS.find(([prefix]) => subject.startsWith(prefix))?.[1] ?? "guidance";

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

  /** Reports from `n` email-only reporters at once: their cases and addresses. */
  async function burst(n: number, prefix: string) {
    const emails = Array.from({ length: n }, (_, i) => `${prefix}-${i}-${Date.now()}@example.com`);
    const answers = await Promise.all(
      emails.map((email) => h.report(reportData({ incidentType: "phishing", reporter: { email, locale: "en" } }))),
    );
    await h.settle();
    return answers.map(({ body }, i) => ({ caseId: body.caseId as string, email: emails[i] ?? "" }));
  }

  /** A local fault (`/_local/faults`): a channel's next messages fail, or a function's next invocations. */
  async function fault(body: Record<string, unknown>) {
    expect(
      (
        await fetch(`${h.url}/_local/faults`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).status,
    ).toBe(200);
  }

  const escalate = async (caseId: string) =>
    (await h.operator(`/v1/cases/${caseId}/actions`, { body: { action: "escalate" } })).status;

  it("pages the on-call once, with a digest ahead of the waiting reporter messages, for a burst of escalations", async () => {
    // Prepare: the drain is down (virtual time runs on with real time: a backlog is held by a fault, not by
    // waiting) and SES throttles the next email (each of the SDK's attempts), so the email backlog is up; eight reports arrive and an agent
    // escalates five of their cases. Then the drain comes back. (First in the file: the drain has paged nobody
    // yet, so its once-a-minute hold does not apply.)
    await fault({ function: "drain-outbound", count: 1000 });
    await fault({ channel: "email", count: SDK_ATTEMPTS, error: "Throttling" });
    const before = (await h.messages(ONCALL)).length;
    const cases = await burst(8, "digest");
    const escalated = cases.slice(0, 5).map((c) => c.caseId);
    const statuses = [];
    for (const caseId of escalated) statuses.push(await escalate(caseId));
    const pagedAtOnce = (await h.messages(ONCALL)).length - before;
    await fault({ function: "drain-outbound", count: 0 });

    // Act: virtual time until every acknowledgement arrived.
    const acks = async () =>
      (await Promise.all(cases.map((c) => h.messages(c.email)))).map((inbox) =>
        inbox.find((m) => m.subject?.startsWith(ACK)),
      );
    for (let step = 0; step < 8 && (await acks()).some((ack) => !ack); step++) await h.advance(30);
    const pages = (await h.messages(ONCALL)).filter((m) => escalated.some((id) => m.text.includes(id)));

    // Assess: no page went out one by one; the first digest names every escalated case with its console link,
    // and went out before every acknowledgement, which all waited longer.
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(pagedAtOnce).toBe(0);
    expect(pages.every((m) => m.subject?.includes("on-call pages in one digest"))).toBe(true);
    const digest = pages[0];
    expect(digest?.subject).toMatch(/^\[P\d\] 5 on-call pages in one digest: 5 escalations$/);
    for (const id of escalated) expect(digest?.text).toContain(`/console/cases/${id}`);
    const ackTimes = (await acks()).map((ack) => at(ack?.sentAt ?? ""));
    expect(ackTimes.every(Number.isFinite)).toBe(true);
    // Every acknowledgement that waited in the queue went out after the digest.
    const waitedAck = await Promise.all(
      cases.map(async (c) =>
        (await h.operator(`/v1/cases/${c.caseId}`)).body.timeline.some(
          (e: Json) => e.type === "message.queued" && e.detail.kind === "acknowledgement",
        ),
      ),
    );
    const waited = ackTimes.filter((_, i) => waitedAck[i]);
    expect(waited.length).toBeGreaterThan(0);
    expect(waited.every((t) => t > at(digest?.sentAt ?? ""))).toBe(true);
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
    const queuedAt = (item: Json, kind: MessageKind) =>
      item.timeline.find(
        (e: Json) => e.type === "message.queued" && e.detail.kind === kind && e.detail.channel === "email",
      )?.at;
    // The messages that went out from the queue, with their place in it.
    const fromQueue = cases.flatMap((item, i) =>
      (inboxes[i] ?? []).flatMap((message) => {
        const kind = kindOf(message.subject ?? "");
        const queued = queuedAt(item, kind);
        return queued
          ? [{ kind, rank: pacingRank(item.priority, kind), queuedAt: at(queued), sentAt: at(message.sentAt) }]
          : [];
      }),
    );
    expect(fromQueue.some((m) => m.kind === "acknowledgement")).toBe(true);
    expect(cases.every((item) => item.failures.length === 0)).toBe(true);

    // Assess: the queue's order held: a waiting message was passed by one message of a later rank at most (the
    // send of a drain pass that read the queue before it came: a pass sends one second's worth of what it
    // read, here one email, then reads again).
    for (const waiting of fromQueue) {
      const passedBy = fromQueue.filter(
        (m) => m.rank > waiting.rank && m.sentAt > waiting.queuedAt && m.sentAt < waiting.sentAt,
      );
      expect(passedBy.length, JSON.stringify({ waiting, passedBy })).toBeLessThanOrEqual(1);
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

  it("escalates a case waiting on verification when the drain learns its email is refused for good", async () => {
    // Prepare: the case's acknowledgement and verification link wait (SES throttles); then SES refuses its
    // reporter's address (the reporter cannot verify: the link goes by email, and no SMS is trusted).
    await fault({ function: "drain-outbound", count: 1000 });
    await fault({ channel: "email", count: SDK_ATTEMPTS, error: "Throttling" });
    const [target] = await burst(1, "refused");
    await fault({ channel: "email", count: 1, error: "MessageRejected", to: target?.email });
    await fault({ function: "drain-outbound", count: 0 });
    const read = async () => (await h.operator(`/v1/cases/${target?.caseId}`)).body;
    const waiting = await read();

    // Act: virtual time until the drain reached the case and the workflow escalated it.
    let item = waiting;
    for (let step = 0; step < 8 && !item.timeline.some((e: Json) => e.type === "case.escalated"); step++) {
      await h.advance(30);
      item = await read();
    }

    // Assess: as when RequestVerification learns the refusal itself.
    expect(waiting.status).toBe("awaiting_verification");
    expect(
      waiting.timeline.some((e: Json) => e.type === "message.queued" && e.detail.kind === "verification_request"),
    ).toBe(true);
    expect(item.channels.email).toBe(false);
    const escalation = item.timeline.find((e: Json) => e.type === "case.escalated");
    expect(escalation?.detail.error).toBe("ReporterUnreachable");
    expect(item.status).toBe("open");
  });
});
