import { describe, expect, it } from "vitest";
import { distrustChannel, gravestIncident, mergeReport, openCase, reportedTypes } from "../../../src/domain/case.js";
import { DEFAULT_POLICY } from "../../../src/domain/policy.js";
import type { IncidentType, Signals } from "../../../src/domain/types.js";
import type { Case } from "../../../src/schemas/case.js";

const NOW = Date.parse("2026-12-01T08:00:00Z");

function report(incidentType: IncidentType, signals: Signals = {}) {
  return {
    accountId: "acct_1",
    incidentType,
    reporter: { email: "ana@example.com", phone: "+14155550100", locale: "en" },
    signals,
  };
}

function opened(incidentType: IncidentType, signals: Signals = {}): Case {
  return openCase({
    caseId: "c_merge",
    webhookId: "msg_1",
    report: report(incidentType, signals),
    now: NOW,
    policy: DEFAULT_POLICY,
  });
}

function merge(item: Case, incidentType: IncidentType, signals: Signals = {}, at = NOW + 60_000) {
  return mergeReport(item, {
    webhookId: `msg_${at}`,
    report: report(incidentType, signals),
    now: at,
    policy: DEFAULT_POLICY,
  });
}

/** Lower-priority types first: each row merges a graver report into a case opened by a lesser one. */
const LADDER: Array<[IncidentType, IncidentType, "P1" | "P2" | "P3"]> = [
  ["other", "phishing", "P3"],
  ["other", "malware", "P2"],
  ["other", "unauthorized_access", "P2"],
  ["other", "sim_swap", "P1"],
  ["other", "key_compromise", "P1"],
  ["phishing", "malware", "P2"],
  ["phishing", "unauthorized_access", "P2"],
  ["phishing", "sim_swap", "P1"],
  ["phishing", "key_compromise", "P1"],
  ["malware", "unauthorized_access", "P2"],
  ["malware", "sim_swap", "P1"],
  ["malware", "key_compromise", "P1"],
  ["unauthorized_access", "sim_swap", "P1"],
  ["unauthorized_access", "key_compromise", "P1"],
  ["sim_swap", "key_compromise", "P1"],
];

describe("mergeReport", () => {
  it.each(LADDER)("makes a %s case carry a later %s report (priority %s)", (first, graver, priority) => {
    // Prepare
    const item = opened(first);

    // Act
    const outcome = merge(item, graver);

    // Assess
    expect(outcome.case.incidentType).toBe(graver);
    expect(outcome.case.incidentTypes).toEqual([first, graver]);
    expect(outcome.case.priority).toBe(priority);
    expect(outcome.newTypes).toEqual([graver]);
  });

  it.each(LADDER)("keeps a %s case's priority when a lesser report follows a graver %s one", (lesser, graver) => {
    // Prepare
    const item = opened(graver);

    // Act
    const outcome = merge(item, lesser);

    // Assess
    expect(outcome.case.incidentType).toBe(graver);
    expect(outcome.case.priority).toBe(item.priority);
    expect(outcome.priorityRaised).toBe(false);
  });

  it("requests a lock with the key-compromise scopes when a decoy 'other' report came first", () => {
    // Prepare
    const decoy = opened("other");

    // Act
    const outcome = merge(decoy, "key_compromise");

    // Assess
    expect(decoy.lock.scopes).toEqual([]);
    expect(outcome.lockNewlyRequired).toBe(true);
    expect(outcome.case.lock).toMatchObject({
      state: "none",
      scopes: ["login", "withdrawals", "new_addresses", "security_settings"],
    });
    expect(outcome.case.sla.containment?.dueAt).toBe(new Date(NOW + 60_000 + 60_000).toISOString());
  });

  it("widens an applied lock to the union of the scopes with a new request", () => {
    // Prepare
    const item = { ...opened("malware", { drainObserved: true }) };
    item.lock = {
      ...item.lock,
      state: "applied",
      requestedAt: new Date(NOW).toISOString(),
      appliedAt: new Date(NOW).toISOString(),
    };

    // Act
    const outcome = merge(item, "unauthorized_access", {}, NOW + 120_000);

    // Assess
    expect(outcome.lockNewlyRequired).toBe(true);
    expect(outcome.case.lock).toMatchObject({
      state: "requested",
      scopes: ["withdrawals", "new_addresses", "security_settings", "login"],
      requestedAt: new Date(NOW + 120_000).toISOString(),
      appliedAt: null,
    });
  });

  it("leaves a lock alone when the new report needs no scope it lacks", () => {
    // Prepare
    const item = opened("key_compromise");
    item.lock = { ...item.lock, state: "applied" };

    // Act
    const outcome = merge(item, "unauthorized_access");

    // Assess
    expect(outcome.lockNewlyRequired).toBe(false);
    expect(outcome.case.lock).toBe(item.lock);
  });

  it.each([
    ["a sim_swap report", "sim_swap", {}],
    ["a simSwapDetected signal", "unauthorized_access", { simSwapDetected: true }],
  ] as const)("drops SMS at once and voids a pending code on %s", (_, incidentType, signals) => {
    // Prepare
    const item = opened("unauthorized_access");
    item.verification = {
      ...item.verification,
      code: { hash: "h", issuedAt: NOW, expiresAt: NOW + 600_000, attempts: 0, spent: false },
    };

    // Act
    const outcome = merge(item, incidentType, signals);

    // Assess
    expect(outcome.smsDropped).toBe(true);
    expect(outcome.case.channels.sms).toBe(false);
    expect(outcome.case.verification).toMatchObject({ sms: "not_used", identity: "pending", code: null });
  });

  it("does not re-lock a released account for a report that adds nothing", () => {
    // Prepare
    const item = opened("unauthorized_access");
    item.lock = { ...item.lock, state: "released" };

    // Act
    const outcome = merge(item, "unauthorized_access");

    // Assess
    expect(outcome.lockNewlyRequired).toBe(false);
    expect(outcome.case.lock.state).toBe("released");
  });
});

describe("gravestIncident", () => {
  it("picks a P1 phishing (seed phrase entered) over a P2 unauthorized access", () => {
    // Act
    const gravest = gravestIncident(["unauthorized_access", "phishing"], { seedPhraseEntered: true }, DEFAULT_POLICY);

    // Assess
    expect(gravest).toEqual({ incidentType: "phishing", priority: "P1" });
  });

  it("breaks a tie by how irreversible the damage is", () => {
    // Act / Assess
    expect(gravestIncident(["sim_swap", "key_compromise"], {}, DEFAULT_POLICY).incidentType).toBe("key_compromise");
  });
});

describe("reportedTypes", () => {
  it("reads a case stored before incidentTypes existed as its one type", () => {
    // Prepare
    const { incidentTypes: _, ...legacy } = opened("malware");

    // Act / Assess
    expect(reportedTypes(legacy)).toEqual(["malware"]);
  });
});

describe("distrustChannel", () => {
  it("moves the second factor to an agent when SMS fails for good", () => {
    // Act
    const item = distrustChannel(
      opened("unauthorized_access"),
      { channel: "sms", reason: "opted_out", kind: "acknowledgement" },
      NOW,
    );

    // Assess
    expect(item.channels).toEqual({ email: true, sms: false });
    expect(item.verification).toMatchObject({ sms: "not_used", identity: "pending" });
    expect(item.failures).toEqual([
      { at: new Date(NOW).toISOString(), step: "message.acknowledgement.sms", error: "opted_out" },
    ]);
  });

  it("stops trusting email without touching SMS", () => {
    // Act
    const item = distrustChannel(
      opened("unauthorized_access"),
      { channel: "email", reason: "sandbox_recipient", kind: "guidance" },
      NOW,
    );

    // Assess
    expect(item.channels).toEqual({ email: false, sms: true });
    expect(item.verification.sms).toBe("pending");
  });
});
