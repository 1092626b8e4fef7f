import { METRIC_NAMES, METRIC_NAMESPACE, type MetricDimensions, type MetricName } from "../../config/metric-names.js";
import type { Metrics } from "../../ports/metrics.js";

/**
 * `Metrics` as CloudWatch Embedded Metric Format lines on stdout: CloudWatch extracts them from
 * the Lambda log stream, so counting costs no API call. Each point is emitted without dimensions
 * (what alarms match) and, when dimension values are given, with them too (what the dashboard splits by).
 */
export class EmfMetrics implements Metrics {
  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    /** EMF is read from Lambda log streams only; elsewhere the lines would be noise. */
    private readonly enabled = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME),
    private readonly now: () => number = Date.now,
  ) {}

  count(name: Parameters<Metrics["count"]>[0], value = 1, dimensions: MetricDimensions = {}): void {
    this.emit(name, value, dimensions);
  }

  duration(name: Parameters<Metrics["duration"]>[0], milliseconds: number, dimensions: MetricDimensions = {}): void {
    this.emit(name, milliseconds, dimensions);
  }

  private emit(name: MetricName, value: number, dimensions: MetricDimensions): void {
    if (!this.enabled) return;
    const declared: readonly string[] = METRIC_NAMES[name].dimensions;
    const given = Object.entries(dimensions).filter(([key, v]) => declared.includes(key) && v !== undefined);
    const sets: string[][] = given.length > 0 ? [[], given.map(([key]) => key)] : [[]];
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: this.now(),
          CloudWatchMetrics: [
            { Namespace: METRIC_NAMESPACE, Dimensions: sets, Metrics: [{ Name: name, Unit: METRIC_NAMES[name].unit }] },
          ],
        },
        ...Object.fromEntries(given),
        [name]: value,
      }),
    );
  }
}
