import { DEFAULT_POLICY, type Policy } from "./policy.js";
import type { IncidentType, Priority, Signals } from "./types.js";

const ORDER: Priority[] = ["P1", "P2", "P3", "P4"];

/** The more urgent of two priorities (P1 beats P2). */
export function higherPriority(a: Priority, b: Priority): Priority {
  return ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b;
}

/** One level more urgent, P1 staying P1 (used when an SLA breach escalates a case). */
export function raisePriority(priority: Priority): Priority {
  return ORDER[Math.max(0, ORDER.indexOf(priority) - 1)] as Priority;
}

/**
 * The priority of a report: the incident type's default, raised by the signals (the table in docs/product.md "Priority").
 * A signal can only raise a priority, never lower it.
 */
export function decidePriority(
  incidentType: IncidentType,
  signals: Signals = {},
  policy: Policy = DEFAULT_POLICY,
): Priority {
  const base = policy.basePriority[incidentType];
  switch (incidentType) {
    case "unauthorized_access": {
      const bigFundsAtRisk =
        signals.fundsAtRisk === true && (signals.assetsUsd ?? 0) >= policy.assetsAtRiskThresholdUsd;
      return signals.drainObserved || bigFundsAtRisk ? higherPriority(base, "P1") : base;
    }
    case "malware":
      return signals.drainObserved ? higherPriority(base, "P1") : base;
    case "phishing":
      if (signals.seedPhraseEntered) return higherPriority(base, "P1");
      if (signals.credentialsEntered) return higherPriority(base, "P2");
      return base;
    default:
      return base;
  }
}

/** Merges the signals of a follow-up report into a case's: flags are sticky, amounts keep the maximum. */
export function mergeSignals(current: Signals, incoming: Signals): Signals {
  const merged: Signals = { ...current };
  for (const key of [
    "fundsAtRisk",
    "drainObserved",
    "simSwapDetected",
    "credentialsEntered",
    "seedPhraseEntered",
  ] as const) {
    if (incoming[key] || current[key]) merged[key] = true;
  }
  if (incoming.assetsUsd !== undefined || current.assetsUsd !== undefined) {
    merged.assetsUsd = Math.max(incoming.assetsUsd ?? 0, current.assetsUsd ?? 0);
  }
  return merged;
}
