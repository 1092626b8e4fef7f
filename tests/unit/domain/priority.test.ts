import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type Policy } from "../../../src/domain/policy.js";
import { decidePriority, higherPriority, mergeSignals, raisePriority } from "../../../src/domain/priority.js";
import type { IncidentType, Priority, Signals } from "../../../src/domain/types.js";

describe("decidePriority", () => {
  it.each<[string, IncidentType, Signals, Priority]>([
    ["key_compromise", "key_compromise", {}, "P1"],
    [
      "key_compromise with every signal",
      "key_compromise",
      { drainObserved: true, fundsAtRisk: true, assetsUsd: 1e6 },
      "P1",
    ],
    ["sim_swap", "sim_swap", {}, "P1"],
    ["sim_swap with SIM-swap evidence", "sim_swap", { simSwapDetected: true }, "P1"],
    ["unauthorized_access", "unauthorized_access", {}, "P2"],
    ["unauthorized_access with a drain", "unauthorized_access", { drainObserved: true }, "P1"],
    [
      "unauthorized_access, funds at risk, exactly 10,000 USD",
      "unauthorized_access",
      { fundsAtRisk: true, assetsUsd: 10_000 },
      "P1",
    ],
    [
      "unauthorized_access, funds at risk, 9,999.99 USD",
      "unauthorized_access",
      { fundsAtRisk: true, assetsUsd: 9_999.99 },
      "P2",
    ],
    [
      "unauthorized_access, 50,000 USD but no funds at risk",
      "unauthorized_access",
      { fundsAtRisk: false, assetsUsd: 50_000 },
      "P2",
    ],
    ["unauthorized_access, funds at risk without an amount", "unauthorized_access", { fundsAtRisk: true }, "P2"],
    ["malware", "malware", {}, "P2"],
    ["malware with a drain", "malware", { drainObserved: true }, "P1"],
    ["malware with big funds at risk but no drain", "malware", { fundsAtRisk: true, assetsUsd: 50_000 }, "P2"],
    ["phishing", "phishing", {}, "P3"],
    ["phishing with credentials entered", "phishing", { credentialsEntered: true }, "P2"],
    ["phishing with the seed phrase entered", "phishing", { seedPhraseEntered: true }, "P1"],
    ["phishing with both entered", "phishing", { credentialsEntered: true, seedPhraseEntered: true }, "P1"],
    ["phishing with a drain only", "phishing", { drainObserved: true }, "P3"],
    ["other", "other", {}, "P4"],
    [
      "other with every signal",
      "other",
      { drainObserved: true, seedPhraseEntered: true, fundsAtRisk: true, assetsUsd: 1e6 },
      "P4",
    ],
  ])("decides %s", (_label, incidentType, signals, expected) => {
    // Prepare / Act
    const priority = decidePriority(incidentType, signals);

    // Assess
    expect(priority).toBe(expected);
  });

  it("reads the funds-at-risk threshold from the policy", () => {
    // Prepare
    const policy: Policy = { ...DEFAULT_POLICY, assetsAtRiskThresholdUsd: 5_000 };

    // Act
    const at = decidePriority("unauthorized_access", { fundsAtRisk: true, assetsUsd: 5_000 }, policy);
    const below = decidePriority("unauthorized_access", { fundsAtRisk: true, assetsUsd: 4_999 }, policy);

    // Assess
    expect(at).toBe("P1");
    expect(below).toBe("P2");
  });

  it("never lowers a configured base priority with a signal", () => {
    // Prepare
    const policy: Policy = { ...DEFAULT_POLICY, basePriority: { ...DEFAULT_POLICY.basePriority, phishing: "P1" } };

    // Act
    const priority = decidePriority("phishing", { credentialsEntered: true }, policy);

    // Assess
    expect(priority).toBe("P1");
  });
});

describe("raisePriority", () => {
  it.each<[Priority, Priority]>([
    ["P4", "P3"],
    ["P3", "P2"],
    ["P2", "P1"],
    ["P1", "P1"],
  ])("raises %s to %s", (from, to) => {
    // Prepare / Act
    const raised = raisePriority(from);

    // Assess
    expect(raised).toBe(to);
  });
});

describe("higherPriority", () => {
  it.each<[Priority, Priority, Priority]>([
    ["P1", "P2", "P1"],
    ["P3", "P2", "P2"],
    ["P4", "P4", "P4"],
  ])("picks the more urgent of %s and %s", (a, b, expected) => {
    // Prepare / Act / Assess
    expect(higherPriority(a, b)).toBe(expected);
    expect(higherPriority(b, a)).toBe(expected);
  });
});

describe("mergeSignals", () => {
  it("keeps flags that were ever set and adds new ones", () => {
    // Prepare
    const current: Signals = { drainObserved: true, credentialsEntered: false };
    const incoming: Signals = { drainObserved: false, simSwapDetected: true };

    // Act
    const merged = mergeSignals(current, incoming);

    // Assess
    expect(merged).toEqual({ drainObserved: true, simSwapDetected: true, credentialsEntered: false });
  });

  it("keeps the larger amount at risk", () => {
    // Prepare / Act
    const raised = mergeSignals({ assetsUsd: 2_000 }, { assetsUsd: 12_000 });
    const kept = mergeSignals({ assetsUsd: 12_000 }, { assetsUsd: 2_000 });
    const added = mergeSignals({}, { assetsUsd: 500 });
    const none = mergeSignals({ fundsAtRisk: true }, {});

    // Assess
    expect(raised.assetsUsd).toBe(12_000);
    expect(kept.assetsUsd).toBe(12_000);
    expect(added.assetsUsd).toBe(500);
    expect(none).toEqual({ fundsAtRisk: true });
  });

  it("does not change its inputs", () => {
    // Prepare
    const current: Signals = { fundsAtRisk: false, assetsUsd: 1 };
    const incoming: Signals = { fundsAtRisk: true, assetsUsd: 2 };

    // Act
    mergeSignals(current, incoming);

    // Assess
    expect(current).toEqual({ fundsAtRisk: false, assetsUsd: 1 });
    expect(incoming).toEqual({ fundsAtRisk: true, assetsUsd: 2 });
  });

  it("raises a merged case when the merged signals cross a row of the table", () => {
    // Prepare
    const first: Signals = { fundsAtRisk: true, assetsUsd: 3_000 };
    const second: Signals = { assetsUsd: 11_000 };

    // Act
    const priority = decidePriority("unauthorized_access", mergeSignals(first, second));

    // Assess
    expect(priority).toBe("P1");
  });
});
