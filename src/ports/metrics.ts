import type { CountMetricName, DurationMetricName, MetricDimensions } from "../config/metric-names.js";

/** Business metrics that alarms watch and the dashboard shows (names: src/config/metric-names.ts). */
export interface Metrics {
  count(name: CountMetricName, value?: number, dimensions?: MetricDimensions): void;
  duration(name: DurationMetricName, milliseconds: number, dimensions?: MetricDimensions): void;
}
