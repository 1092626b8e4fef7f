import type { Metrics } from "../../ports/metrics.js";

/**
 * `Metrics` as CloudWatch Embedded Metric Format lines on stdout: CloudWatch extracts them from
 * the Lambda log stream, so counting costs no API call.
 */
export class EmfMetrics implements Metrics {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  count(name: Parameters<Metrics["count"]>[0], value = 1): void {
    this.write(
      JSON.stringify({
        _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: "Vigil", Dimensions: [[]], Metrics: [{ Name: name, Unit: "Count" }] }] },
        [name]: value,
      }),
    );
  }
}
