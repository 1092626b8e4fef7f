import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, reportData, startHarness } from "./harness.js";

/** Three operators, as `VIGIL_OPERATORS` configures them locally (Cognito users and groups on AWS). */
const ANA = { token: "tok-ana-agent-000000000001", agent: "ana", groups: ["agents"] };
const SAM = { token: "tok-sam-supervisor-0000001", agent: "sam", groups: ["agents", "supervisors"] };
const LEE = { token: "tok-lee-supervisor-0000001", agent: "lee", groups: ["supervisors"] };

describe("operator roles and working a case (local runtime, over HTTP)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { VIGIL_OPERATORS: JSON.stringify([ANA, SAM, LEE]) } });
  });
  afterAll(async () => {
    await h.stop();
  });

  const act = (caseId: string, who: { token: string }, body: Record<string, unknown>) =>
    h.operator(`/v1/cases/${caseId}/actions`, { body, token: who.token });

  /** The reporter confirms the email factor through the emailed link (a SIM-swap case asks for no code). */
  async function confirmEmail(email: string): Promise<void> {
    const mail = (await h.messages(email)).find((message) => /\/v1\/verify\/[A-Za-z0-9_-]+/.test(message.text));
    const token = /\/v1\/verify\/([A-Za-z0-9_-]+)/.exec(mail?.text ?? "")?.[1];
    expect(token).toBeDefined();
    const response = await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ decision: "confirm" }),
    });
    expect(((await response.json()) as { status: string }).status).toMatch(/verified/);
    await h.settle();
  }

  it("refuses an unlock by the supervisor who recorded the identity check with 403 four_eyes, and lets another supervisor unlock", async () => {
    // Prepare: a SIM swap (no SMS: the proofs are the email link and an agent's identity check), locked.
    const data = reportData({ incidentType: "sim_swap", signals: {} });
    const { body } = await h.report(data);
    await h.advance(60);
    await confirmEmail((data.reporter as { email: string }).email);
    expect((await act(body.caseId, SAM, { action: "verify_identity", note: "video call, ID shown" })).status).toBe(200);
    await h.advance(24 * 3600 + 60);

    // Act
    const byAgent = await act(body.caseId, ANA, { action: "unlock" });
    const byChecker = await act(body.caseId, SAM, { action: "unlock" });
    const viewForSam = await h.operator(`/v1/cases/${body.caseId}`, { token: SAM.token });
    const viewForLee = await h.operator(`/v1/cases/${body.caseId}`, { token: LEE.token });
    const byOther = await act(body.caseId, LEE, { action: "unlock" });

    // Assess
    expect(byAgent.status).toBe(403);
    expect(byAgent.body).toMatchObject({ status: 403, reason: "supervisor_required" });
    expect(byChecker.status).toBe(403);
    expect(byChecker.body).toMatchObject({ status: 403, title: "Forbidden", reason: "four_eyes" });
    expect(byChecker.body.detail).toContain("four eyes");
    expect(viewForSam.body.allowedActions).not.toContain("unlock");
    expect(viewForLee.body.allowedActions).toContain("unlock");
    expect(byOther.status).toBe(200);
    // The release is delivered to the provider at once, so the reply may already see it done.
    expect(["release_requested", "released"]).toContain(byOther.body.lock.state);
    expect(byOther.body.timeline.findLast((e: { type: string }) => e.type === "lock.release_requested").actor).toBe(
      "lee",
    );
  });

  it("records the authenticated agent as the actor, the claimed name as onBehalfOf, and refuses a bidi name with 400", async () => {
    // Prepare
    const { body } = await h.report(reportData());

    // Act
    const named = await act(body.caseId, ANA, { action: "note", note: "called the reporter", agent: "maria" });
    const bidi = await act(body.caseId, ANA, { action: "note", note: "x", agent: "ma\u202Eria" });
    const zeroWidth = await act(body.caseId, ANA, { action: "assign", assignee: "an\u200Ba" });

    // Assess
    expect(named.status).toBe(200);
    expect(named.body.timeline.at(-1)).toMatchObject({ type: "case.note", actor: "ana", onBehalfOf: "maria" });
    expect(bidi.status).toBe(400);
    expect(bidi.body.errors).toEqual([expect.objectContaining({ path: "/agent" })]);
    expect(zeroWidth.status).toBe(400);
    expect(zeroWidth.body.errors).toEqual([expect.objectContaining({ path: "/assignee" })]);
  });

  it("lets an agent take and release a case, refuses taking one someone else holds, and lets a supervisor assign anyone", async () => {
    // Prepare
    const { body } = await h.report(reportData());

    // Act
    const take = await act(body.caseId, ANA, { action: "assign", assignee: "ana" });
    const steal = await act(body.caseId, SAM, { action: "note", note: "n" }).then(() =>
      act(body.caseId, { token: ANA.token }, { action: "assign", assignee: "sam" }),
    );
    const release = await act(body.caseId, ANA, { action: "assign", assignee: null });
    const assigned = await act(body.caseId, SAM, { action: "assign", assignee: "lee" });
    const takeFromLee = await act(body.caseId, ANA, { action: "assign", assignee: "ana" });
    const queue = await h.operator("/v1/cases", { token: ANA.token });

    // Assess
    expect(take.status).toBe(200);
    expect(take.body.assignee).toBe("ana");
    expect(steal.status).toBe(403);
    expect(steal.body.reason).toBe("supervisor_required");
    expect(release.body.assignee).toBeNull();
    expect(assigned.body.assignee).toBe("lee");
    expect(takeFromLee.status).toBe(403);
    expect(takeFromLee.body.reason).toBe("assigned_to_other");
    expect(queue.body.cases.find((c: { caseId: string }) => c.caseId === body.caseId).assignee).toBe("lee");
    const types = assigned.body.timeline.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === "case.assigned")).toHaveLength(2);
    expect(types).toContain("case.released");
  });

  it("previews a message to the reporter, then sends it in the branded template: the email carries the text escaped, the SMS a notice", async () => {
    // Prepare
    const data = reportData();
    const reporter = data.reporter as { email: string; phone: string };
    const { body } = await h.report(data);
    const message = "Hello,\n\nWe locked <b>withdrawals</b> while we check the login.";

    // Act
    const preview = await h.operator(`/v1/cases/${body.caseId}/messages/preview`, {
      body: { message },
      token: ANA.token,
    });
    const before = (await h.messages(reporter.email)).length;
    const sent = await act(body.caseId, ANA, { action: "message_reporter", message });
    const mail = (await h.messages(reporter.email))[0];
    const sms = (await h.messages(reporter.phone))[0];

    // Assess
    expect(preview.status).toBe(200);
    expect(preview.body.channels).toEqual({ email: true, sms: true });
    expect(preview.body.email.html).toContain("We locked &lt;b&gt;withdrawals&lt;/b&gt; while we check the login.");
    expect((await h.messages(reporter.email)).length).toBe(before + 1);
    expect(sent.status).toBe(200);
    expect(sent.body.timeline.find((e: { type: string }) => e.type === "reporter.messaged")).toMatchObject({
      actor: "ana",
      detail: { message },
    });
    expect(mail?.subject).toBe(preview.body.email.subject);
    expect(mail?.html).toBe(preview.body.email.html);
    expect(mail?.text).toContain("We locked <b>withdrawals</b> while we check the login.");
    expect(mail?.text.trimEnd().endsWith("We will never ask for your seed phrase or private key.")).toBe(true);
    expect(sms?.text).toContain("We emailed you a message about case");
    expect(sms?.text).not.toContain("withdrawals");
  });

  it("finds a case by the reporter's exact email (any case), by account id and by case id", async () => {
    // Prepare
    const data = reportData({ reporter: { email: "Search.Me@Example.com", phone: "+14155550100", locale: "en" } });
    const { body } = await h.report(data);

    // Act
    const byEmail = await h.operator(`/v1/cases?q=${encodeURIComponent("search.me@example.com")}`);
    const byAccount = await h.operator(`/v1/cases?q=${encodeURIComponent(String(data.accountId))}`);
    const byId = await h.operator(`/v1/cases?q=${body.caseId}`);
    const byPrefix = await h.operator(`/v1/cases?q=${encodeURIComponent("search.me@example.co")}`);

    // Assess
    for (const found of [byEmail, byAccount, byId]) {
      expect(found.status).toBe(200);
      expect(found.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([body.caseId]);
    }
    expect(byPrefix.body.cases).toEqual([]);
  });

  it("reports SLA attainment per priority and clock for the last 7 days", async () => {
    // Prepare: a P4 case acknowledged at once (first response met).
    const { body } = await h.report(reportData({ incidentType: "other" }));
    await act(body.caseId, ANA, { action: "acknowledge" });

    // Act
    const week = await h.operator("/v1/stats/sla?days=7", { token: ANA.token });
    const bad = await h.operator("/v1/stats/sla?days=9", { token: ANA.token });

    // Assess
    expect(week.status).toBe(200);
    expect(week.body.days).toBe(7);
    const p4 = week.body.priorities.find((p: { priority: string }) => p.priority === "P4");
    expect(p4.cases).toBeGreaterThanOrEqual(1);
    expect(p4.clocks.firstResponse.met).toBeGreaterThanOrEqual(1);
    expect(p4.clocks.firstResponse.medianSeconds).not.toBeNull();
    expect(bad.status).toBe(400);
  });
});
