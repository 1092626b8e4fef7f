import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncidentType } from "../../src/domain/types.js";
import { type Harness, reportData, startHarness } from "./harness.js";

/** Containment rules (v1.1) over HTTP on the local runtime: protection never waits on a message. */
describe("containment on the local runtime", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const fault = (channel: "email" | "sms", count: number, error: string, to?: string) =>
    fetch(`${h.url}/_local/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ channel, count, error, ...(to && { to }) }),
    });
  const clearFaults = async () => {
    await fault("email", 0, "Throttling");
    await fault("sms", 0, "ThrottlingException");
  };
  const view = async (caseId: string) => (await h.operator(`/v1/cases/${caseId}`)).body;
  const lockDeliveries = async (caseId: string) => {
    const { deliveries } = (await (await fetch(`${h.url}/_local/provider-webhooks`)).json()) as {
      deliveries: Array<{ type: string; body: { data?: { caseId?: string } }; status: number }>;
    };
    return deliveries.filter((d) => d.type === "account.lock.requested" && d.body.data?.caseId === caseId);
  };

  it("locks and keeps the containment clock when every SMS is refused (the first reproduction)", async () => {
    // Prepare
    await fault("sms", 60, "ValidationException");
    const data = reportData({ signals: { drainObserved: true } });

    // Act
    const { status, body } = await h.report(data);
    await h.advance(3600);
    const item = await view(body.caseId);
    await clearFaults();

    // Assess
    expect(status).toBe(202);
    expect(body.priority).toBe("P1");
    expect(item.lock.state).toBe("applied");
    expect((await lockDeliveries(body.caseId)).map((d) => d.status)).toContain(200);
    expect(item.sla.containment.metAt).not.toBeNull();
    expect(item.sla.containment.breachedAt).toBeNull();
    expect(item.channels).toEqual({ email: true, sms: false });
    expect(item.verification).toMatchObject({ sms: "not_used", identity: "pending" });
    expect(item.failures).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: "message.acknowledgement.sms", error: "rejected" })]),
    );
    expect(item.timeline.map((e: { type: string }) => e.type)).toContain("message.failed");
    expect(JSON.stringify(item.failures)).not.toMatch(/injected|\+1415/);
  });

  it("stops trusting SMS when End User Messaging refuses the country, and still locks", async () => {
    // Prepare: the deployed protect configuration allows US numbers only (smsAllowedCountries), and so does the
    // local SMS service; a UK number is refused as End User Messaging refuses it.
    const reporter = { email: `uk-${Date.now()}@example.com`, phone: "+447700900123", locale: "en" };

    // Act
    const { body } = await h.report(reportData({ incidentType: "unauthorized_access", reporter }));
    const item = await view(body.caseId);

    // Assess
    expect(item.lock.state).toBe("applied");
    expect(item.channels).toEqual({ email: true, sms: false });
    expect(item.verification).toMatchObject({ sms: "not_used", identity: "pending" });
    expect(item.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: "message.acknowledgement.sms", error: "blocked_destination" }),
      ]),
    );
    expect(await h.messages(reporter.phone)).toEqual([]);
  });

  it("goes on to verification by SMS when only the email is rejected, and hands verification to an agent", async () => {
    // Prepare
    await fault("email", 60, "MessageRejected");
    const data = reportData({ incidentType: "unauthorized_access" });

    // Act
    const { body } = await h.report(data);
    const item = await view(body.caseId);
    await clearFaults();

    // Assess
    expect(item.lock.state).toBe("applied");
    expect(item.channels.email).toBe(false);
    expect(item.failures.map((f: { error: string }) => f.error)).toContain("rejected");
    expect(item.timeline.map((e: { type: string }) => e.type)).toContain("case.escalated");
  });

  it("merges a key_compromise report into an 'other' case at P1 and locks at once (the second reproduction)", async () => {
    // Prepare
    const data = reportData({ incidentType: "other" });
    const first = await h.report(data);

    // Act
    const second = await h.report({ ...data, incidentType: "key_compromise" });
    const item = await view(first.body.caseId);

    // Assess
    expect(first.body.priority).toBe("P4");
    expect(second.body).toMatchObject({ caseId: first.body.caseId, merged: true, priority: "P1" });
    expect(item).toMatchObject({ incidentType: "key_compromise", incidentTypes: ["other", "key_compromise"] });
    expect(item.lock).toMatchObject({
      state: "applied",
      scopes: ["login", "withdrawals", "new_addresses", "security_settings"],
    });
    expect(await lockDeliveries(first.body.caseId)).not.toHaveLength(0);
  });

  const LADDER: Array<[IncidentType, IncidentType]> = [
    ["other", "phishing"],
    ["other", "malware"],
    ["other", "unauthorized_access"],
    ["other", "sim_swap"],
    ["phishing", "malware"],
    ["phishing", "unauthorized_access"],
    ["phishing", "sim_swap"],
    ["phishing", "key_compromise"],
    ["malware", "unauthorized_access"],
    ["malware", "sim_swap"],
    ["malware", "key_compromise"],
    ["unauthorized_access", "sim_swap"],
    ["unauthorized_access", "key_compromise"],
    ["sim_swap", "key_compromise"],
  ];

  it.each(LADDER)("makes a %s case carry a merged %s report", async (lower, higher) => {
    // Prepare
    const data = reportData({ incidentType: lower });
    const first = await h.report(data);

    // Act
    const second = await h.report({ ...data, incidentType: higher });
    const item = await view(first.body.caseId);

    // Assess
    expect(second.body).toMatchObject({ caseId: first.body.caseId, merged: true });
    expect(item.incidentType).toBe(higher);
    expect(item.incidentTypes).toEqual([lower, higher]);
    expect(item.priority <= first.body.priority).toBe(true);
    const guidance = (await h.messages((data.reporter as { email: string }).email)).filter((m) => m.subject);
    expect(guidance.length).toBeGreaterThan(0);
  });

  it("stops texting the hijacked SIM the moment a sim_swap report joins the case", async () => {
    // Prepare
    const phone = `+1415555${String(Date.now()).slice(-4)}`;
    const data = reportData({
      incidentType: "unauthorized_access",
      reporter: { email: "sim@example.com", phone, locale: "en" },
    });
    const first = await h.report(data);
    const textsBefore = (await h.messages(phone)).length;

    // Act
    await h.report({ ...data, incidentType: "sim_swap" });
    const item = await view(first.body.caseId);
    await h.advance(1800);

    // Assess
    expect(textsBefore).toBeGreaterThan(0);
    expect(item.channels.sms).toBe(false);
    expect(item.verification).toMatchObject({ sms: "not_used", identity: "pending" });
    expect(item.priority).toBe("P1");
    expect((await h.messages(phone)).length).toBe(textsBefore);
  });

  const LINK = /\/v1\/verify\/([A-Za-z0-9_-]{40,})/;
  async function verifyBoth(reporter: { email: string; phone: string }) {
    const token = (await h.messages(reporter.email)).map((m) => LINK.exec(m.text)?.[1]).find(Boolean) as string;
    const code = (await h.messages(reporter.phone)).map((m) => /\b(\d{6,8})\b/.exec(m.text)?.[1]).find(Boolean);
    const response = await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ decision: "confirm", code }),
    });
    await h.settle();
    return (await response.json()) as { status: string };
  }
  const act = (caseId: string, action: string) => h.operator(`/v1/cases/${caseId}/actions`, { body: { action } });

  it("needs fresh proofs for an unlock after a reopen: the earlier generation's proofs no longer count", async () => {
    // Prepare
    const reporter = { email: `gen-${Date.now()}@example.com`, phone: "+14155550123", locale: "en" };
    const { body } = await h.report(reportData({ reporter }));
    await act(body.caseId, "acknowledge");
    expect((await verifyBoth(reporter)).status).toBe("verified");
    await act(body.caseId, "resolve");
    await act(body.caseId, "reopen");
    await act(body.caseId, "acknowledge");
    await h.advance(3601); // past the P2 cool-down of the lock

    // Act
    const unlock = await act(body.caseId, "unlock");

    // Assess
    expect(unlock.status).toBe(409);
    expect(unlock.body.reason ?? unlock.body.detail).toMatch(/proof/);
    expect((await view(body.caseId)).verification).toMatchObject({ email: "pending", sms: "pending" });
  });

  it("keeps a denial through a reopen until an agent clears it", async () => {
    // Prepare
    const reporter = { email: `deny-${Date.now()}@example.com`, phone: "+14155550124", locale: "en" };
    const { body } = await h.report(reportData({ reporter }));
    const token = (await h.messages(reporter.email)).map((m) => LINK.exec(m.text)?.[1]).find(Boolean) as string;
    await fetch(`${h.url}/v1/verify/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ decision: "deny" }),
    });
    await h.settle();
    await act(body.caseId, "close");

    // Act
    await act(body.caseId, "reopen");
    const reopened = await view(body.caseId);
    const cleared = await act(body.caseId, "clear_denial");
    const again = await act(body.caseId, "clear_denial");

    // Assess
    expect(reopened.verification.denied).toBe(true);
    expect(cleared.status).toBe(200);
    expect(cleared.body.verification.denied).toBe(false);
    expect(again.status).toBe(409);
  });
});
