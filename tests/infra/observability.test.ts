import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../infra/constructs/app-function.js";
import { METRIC_NAMES, METRIC_NAMESPACE } from "../../src/config/metric-names.js";
import { synthesizeVigil } from "./fixtures.js";

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The metric names the code emits: the first argument of every `metrics.count(…)` / `metrics.duration(…)` call. */
function emittedMetricNames(): string[] {
  const call = /metrics\.(?:count|duration)\(\s*(?:"([A-Za-z]+)"|([^,)]+))/g;
  const names = new Set<string>();
  for (const file of [...sources(join(REPO_ROOT, "src")), ...sources(join(REPO_ROOT, "functions"))]) {
    for (const match of readFileSync(file, "utf8").matchAll(call)) {
      if (match[1] !== undefined) names.add(match[1]);
      else {
        // A computed name (`fire.kind === "warning" ? "SlaWarning" : "SlaBreached"`): take every literal in it.
        const line =
          readFileSync(file, "utf8")
            .slice(match.index ?? 0)
            .split("\n")[0] ?? "";
        for (const literal of line.matchAll(/"([A-Z][A-Za-z]+)"/g)) names.add(literal[1] ?? "");
      }
    }
  }
  return [...names].sort();
}

describe("metrics and alarms", () => {
  const vigil = synthesizeVigil();
  const alarms = Object.values(vigil.serviceTemplate.findResources("AWS::CloudWatch::Alarm"));

  it("declares every metric the code emits in the one metric-names module", () => {
    // Prepare / Act
    const emitted = emittedMetricNames();

    // Assess
    expect(emitted).toEqual(expect.arrayContaining(["EmailSent", "OncallPageFailed", "WorkflowStartDeferred"]));
    expect(emitted.filter((name) => !(name in METRIC_NAMES))).toEqual([]);
  });

  it("has an alarm on every declared metric, publishing to the alarm topic", () => {
    // Prepare
    const [alarmTopicId] = Object.keys(
      vigil.serviceTemplate.findResources("AWS::SNS::Topic", { Properties: { DisplayName: "Vigil test alarms" } }),
    );

    // Act
    const alarmed = alarms
      .filter((alarm) => alarm.Properties.Namespace === METRIC_NAMESPACE)
      .map((alarm) => alarm.Properties.MetricName as string);

    // Assess
    expect(alarmed.sort()).toEqual(Object.keys(METRIC_NAMES).sort());
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: alarmTopicId }]);
  });

  it("alarms on the P1 time to lock above the one-minute containment target", () => {
    // Prepare / Act
    const timeToLock = alarms.find((alarm) => alarm.Properties.MetricName === "TimeToLock");

    // Assess
    expect(timeToLock?.Properties).toMatchObject({
      ExtendedStatistic: "p90",
      Threshold: 60_000,
      Dimensions: [{ Name: "Priority", Value: "P1" }],
    });
  });

  it("builds the stage dashboard with the operations views", () => {
    // Prepare
    const [dashboard] = Object.values(vigil.serviceTemplate.findResources("AWS::CloudWatch::Dashboard"));

    // Act
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    // Assess
    expect(dashboard?.Properties.DashboardName).toBe("vigil-test");
    for (const title of [
      "Reports per minute, by priority",
      "Time to lock",
      "SLA warnings, by priority",
      "SLA breaches, by priority",
      "Provider deliveries: pending (retry scheduled) and exhausted",
      "Messages failed, by channel and class",
      "Workflow failures",
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain("MessageFailed");
    expect(body).toContain("ExecutionsFailed");
  });
});
