import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { METRIC_NAMESPACE, type MetricName } from "../../src/config/metric-names.js";

/** Props of {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  readonly stage: string;
  /** State machines whose failed executions are graphed. */
  readonly workflows: Readonly<Record<string, sfn.IStateMachine>>;
  /** Shown as a status grid at the top. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;

/**
 * The stage's CloudWatch dashboard `vigil-<stage>`: alarm states, reports per minute, time to lock, SLA warnings
 * and breaches by priority, provider deliveries pending (retries scheduled) and exhausted, messages failed by class,
 * and workflow failures. Built from the metrics in src/config/metric-names.ts (by-priority series use the
 * `Priority` dimension the handlers add next to the dimensionless point the alarms watch).
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const metric = (
      metricName: MetricName,
      statistic: string,
      period: Duration,
      dimensionsMap?: Record<string, string>,
      label?: string,
    ) => new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName, statistic, period, dimensionsMap, label });
    const byPriority = (metricName: MetricName, statistic: string, period: Duration) =>
      PRIORITIES.map((priority) => metric(metricName, statistic, period, { Priority: priority }, priority));
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: `vigil-${props.stage}`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: [...props.alarms], width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      graph("Reports per minute, by priority", byPriority("ReportReceived", "Sum", Duration.minutes(1)), {
        stacked: true,
      }),
      graph("Time to lock (requested → provider 2xx), ms", [
        ...["P1", "P2"].flatMap((priority) => [
          metric("TimeToLock", "p50", Duration.minutes(5), { Priority: priority }, `${priority} p50`),
          metric("TimeToLock", "p90", Duration.minutes(5), { Priority: priority }, `${priority} p90`),
        ]),
      ]),
    );
    this.dashboard.addWidgets(
      graph("SLA warnings, by priority", byPriority("SlaWarning", "Sum", Duration.minutes(5)), { stacked: true }),
      graph("SLA breaches, by priority", byPriority("SlaBreached", "Sum", Duration.minutes(5)), { stacked: true }),
    );
    this.dashboard.addWidgets(
      graph("Provider deliveries: pending (retry scheduled) and exhausted", [
        metric("DeliveryRetryScheduled", "Sum", Duration.minutes(5), undefined, "retry scheduled (pending)"),
        metric("DeliveryExhausted", "Sum", Duration.minutes(5), undefined, "exhausted"),
      ]),
      graph("Messages failed, by channel and class", [
        new cloudwatch.MathExpression({
          expression: `SEARCH('{${METRIC_NAMESPACE},Channel,Class} MetricName="MessageFailed"', 'Sum', 300)`,
          label: "",
          period: Duration.minutes(5),
        }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        "Workflow failures",
        Object.entries(props.workflows).flatMap(([name, machine]) => [
          machine.metricFailed({ statistic: "Sum", period: Duration.minutes(5), label: `${name} failed` }),
          machine.metricTimedOut({ statistic: "Sum", period: Duration.minutes(5), label: `${name} timed out` }),
        ]),
      ),
      graph("Messages sent and workflow start deferrals", [
        metric("EmailSent", "Sum", Duration.minutes(5), undefined, "emails"),
        metric("SmsSent", "Sum", Duration.minutes(5), undefined, "SMS"),
        metric("WorkflowStartDeferred", "Sum", Duration.minutes(5), undefined, "starts deferred"),
        metric("OncallPageFailed", "Sum", Duration.minutes(5), undefined, "on-call pages failed"),
      ]),
    );
  }
}
