import { describe, expect, it } from "vitest";
import type { Operator } from "../../../src/domain/operator.js";
import { ActionNotAllowedError, ForbiddenError } from "../../../src/errors/index.js";
import { makeActOnCase } from "../../../src/use-cases/act-on-case.js";
import { makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeGetSlaStats } from "../../../src/use-cases/get-sla-stats.js";
import { makeListCases } from "../../../src/use-cases/list-cases.js";
import { notifyOncall } from "../../../src/use-cases/notify.js";
import { makePreviewReporterMessage } from "../../../src/use-cases/preview-reporter-message.js";
import { makeTestDeps, seedCase } from "../../fixtures/deps.js";

const ANA: Operator = { agent: "ana", groups: ["agents"] };
const SAM: Operator = { agent: "sam", groups: ["agents", "supervisors"] };

describe("assign", () => {
  it("lets an agent take a case and release it, audited with from and to", async () => {
    // Prepare
    const deps = makeTestDeps();
    const act = makeActOnCase(deps);
    const item = await seedCase(deps);

    // Act
    const taken = await act({ caseId: item.caseId, action: "assign", assignee: "ana", operator: ANA });
    const released = await act({ caseId: item.caseId, action: "assign", assignee: null, operator: ANA });

    // Assess
    expect(taken.assignee).toBe("ana");
    expect(released.assignee).toBeNull();
    expect(released.timeline.slice(-2)).toMatchObject([
      { type: "case.assigned", actor: "ana", detail: { from: null, to: "ana" } },
      { type: "case.released", actor: "ana", detail: { from: "ana", to: null } },
    ]);
  });

  it("refuses an agent assigning someone else with a 403, and lets a supervisor do it", async () => {
    // Prepare
    const deps = makeTestDeps();
    const act = makeActOnCase(deps);
    const item = await seedCase(deps);

    // Act
    const refused = await act({ caseId: item.caseId, action: "assign", assignee: "lee", operator: ANA }).catch(
      (error: unknown) => error,
    );
    const assigned = await act({ caseId: item.caseId, action: "assign", assignee: "lee", operator: SAM });

    // Assess
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused).toMatchObject({ status: 403, reason: "supervisor_required" });
    expect(assigned.assignee).toBe("lee");
  });
});

describe("onBehalfOf", () => {
  it("records the claimed name on events the delegated lock writes, with the authenticated agent as the actor", async () => {
    // Prepare
    const deps = makeTestDeps();
    const act = makeActOnCase(deps);
    const item = await seedCase(deps, { incidentType: "phishing" });

    // Act
    const view = await act({ caseId: item.caseId, action: "lock", operator: ANA, onBehalfOf: "maria" });

    // Assess
    const requested = view.timeline.find((event) => event.type === "lock.requested");
    expect(requested).toMatchObject({ actor: "ana", onBehalfOf: "maria" });
    expect(view.timeline.filter((event) => event.actor === "vigil").every((event) => !event.onBehalfOf)).toBe(true);
  });
});

describe("message_reporter", () => {
  it("audits the text, emails it in the branded template (escaped in HTML) and texts a notice", async () => {
    // Prepare
    const deps = makeTestDeps({ brandName: "Acme Wallet" });
    const act = makeActOnCase(deps);
    const item = await seedCase(deps);
    const message = 'We saw <script>alert("x")</script>.\n\nPlease reset your password.';

    // Act
    const view = await act({ caseId: item.caseId, action: "message_reporter", message, operator: ANA });

    // Assess
    const email = deps.email.sent.at(-1);
    const sms = deps.sms.sent.at(-1);
    expect(view.timeline.find((event) => event.type === "reporter.messaged")).toMatchObject({
      actor: "ana",
      detail: { message, locale: "en" },
    });
    expect(email?.to).toBe("ana@example.com");
    expect(email?.html).toContain("We saw &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.");
    expect(email?.html).not.toContain("<script>");
    expect(email?.text).toContain('We saw <script>alert("x")</script>.\n\nPlease reset your password.');
    expect(email?.text).toContain("The Acme Wallet team");
    expect(sms?.text).toBe(
      `Acme Wallet: We emailed you a message about case ${item.caseId}. Please read it in your email. We never ask for your seed phrase.`,
    );
  });

  it("renders the preview exactly as the message is sent, in the requested locale", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    const preview = makePreviewReporterMessage(deps);

    // Act
    const shown = await preview(item.caseId, { message: "Hola", locale: "es" });
    await makeActOnCase(deps)({
      caseId: item.caseId,
      action: "message_reporter",
      message: "Hola",
      locale: "es",
      operator: ANA,
    });

    // Assess
    const email = deps.email.sent.at(-1);
    expect(shown.locale).toBe("es");
    expect(shown.channels).toEqual({ email: true, sms: true });
    expect(shown.email).toEqual({ subject: email?.subject, text: email?.text, html: email?.html });
    expect(shown.sms).toBe(deps.sms.sent.at(-1)?.text);
  });

  it("refuses with 409 email_untrusted when the reporter's email failed for good", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeMutateCase(deps)(item.caseId, (current) => ({
      case: { ...current, channels: { ...current.channels, email: false } },
      events: [],
    }));

    // Act
    const refused = await makeActOnCase(deps)({
      caseId: item.caseId,
      action: "message_reporter",
      message: "hi",
      operator: ANA,
    }).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ActionNotAllowedError);
    expect(refused).toMatchObject({ reason: "email_untrusted" });
    expect(deps.email.sent.filter((email) => email.subject.includes("message"))).toEqual([]);
  });
});

describe("search", () => {
  it("finds a case by the reporter's email whatever its case, by account and by id, and nothing by a near miss", async () => {
    // Prepare
    const deps = makeTestDeps();
    const list = makeListCases(deps);
    const mine = await seedCase(deps, { reporter: { email: "Ana.Perez@Example.com", locale: "en" } });
    await seedCase(deps, { reporter: { email: "someone@example.com", locale: "en" } });

    // Act
    const byEmail = await list({ q: "ana.perez@example.com" });
    const byAccount = await list({ q: mine.accountId });
    const byId = await list({ q: mine.caseId });
    const nearMiss = await list({ q: "ana.perez@example.co" });

    // Assess
    for (const found of [byEmail, byAccount, byId]) expect(found.cases.map((c) => c.caseId)).toEqual([mine.caseId]);
    expect(nearMiss.cases).toEqual([]);
    const stored = await deps.cases.get(mine.caseId);
    expect(stored?.case.reporterEmailHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored?.case.reporterEmailHash)).not.toContain("example");
  });
});

describe("SLA stats", () => {
  it("counts the cases opened in the window", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "other" });
    deps.clock.advance(600);
    await makeActOnCase(deps)({ caseId: item.caseId, action: "acknowledge", operator: ANA });

    // Act
    const stats = await makeGetSlaStats(deps)({ days: 7 });

    // Assess
    expect(stats).toMatchObject({ days: 7, cases: 1 });
    expect(stats.priorities.find((entry) => entry.priority === "P4")?.clocks.firstResponse).toMatchObject({
      met: 1,
      medianSeconds: 600,
    });
  });
});

describe("on-call pages", () => {
  it("link to the case in the console and read as people write (golden files)", async () => {
    // Prepare
    const deps = makeTestDeps({ consoleUrl: "https://console.vigil.test" });
    const item = await seedCase(deps, { incidentType: "sim_swap" });
    const pages = [
      { event: "warning", reason: "first response at 50 % of its target" },
      { event: "breach", reason: "first response breached" },
      { event: "repeat", reason: "first response still breached (repeat escalation)" },
    ] as const;

    // Act
    for (const page of pages) {
      await notifyOncall(deps, item, { ...page, clock: "firstResponse" }, { key: `oncall#${page.event}` });
    }

    // Assess
    const sent = deps.email.sent.filter((email) => email.to === deps.config.oncallEmail);
    expect(new Set(sent.map((email) => email.subject)).size).toBe(3);
    const golden = sent.map((email) => `Subject: ${email.subject}\n\n${email.text}`).join("\n\n-----\n\n");
    await expect(golden.replaceAll(item.caseId, "c_CASE")).toMatchFileSnapshot(
      "../messages/golden/oncall-pages.en.txt",
    );
  });
});
