import type { Metrics } from "../../ports/metrics.js";

/**
 * `Metrics` as CloudWatch Embedded Metric Format lines on stdout: CloudWatch extracts them from
 * the Lambda log stream, so counting costs no API call.
 */
export class EmfMetrics implements Metrics {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    /** EMF is read from Lambda log streams only; elsewhere the lines would be noise. */
    private readonly enabled = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME),
  ) {}

  count(name: Parameters<Metrics["count"]>[0], value = 1): void {
    if (!this.enabled) return;
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [{ Namespace: "Vigil", Dimensions: [[]], Metrics: [{ Name: name, Unit: "Count" }] }],
        },
        [name]: value,
      }),
    );
  }
}
