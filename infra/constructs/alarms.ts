import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { METRIC_NAMESPACE, type MetricName } from "../../src/config/metric-names.js";

/**
 * The custom metrics the handlers emit (CloudWatch Embedded Metric Format, namespace `Vigil`), named in
 * src/config/metric-names.ts. Alarms watch the dimensionless series (an alarm matches only its exact dimension set).
 */
export const METRICS = {
  namespace: METRIC_NAMESPACE,
  smsSent: "SmsSent",
  emailSent: "EmailSent",
  deliveryExhausted: "DeliveryExhausted",
  slaBreached: "SlaBreached",
} as const satisfies { namespace: string } & Record<string, string>;

/** How one custom metric is alarmed on. */
interface MetricAlarmSpec {
  readonly description: string;
  readonly period: Duration;
  readonly statistic: string;
  readonly threshold: number;
  readonly evaluationPeriods?: number;
  readonly dimensions?: Record<string, string>;
}

/**
 * One alarm per emitted metric. A `Record` over every metric name, so a metric added to metric-names.ts without
 * an alarm here does not compile.
 */
function metricAlarmSpecs(props: AlarmsProps): Record<MetricName, MetricAlarmSpec> {
  const smsPerHour = Math.ceil(props.smsMonthlyLimit / 100);
  return {
    ReportReceived: {
      description: `More than ${REPORT_SURGE_PER_5_MIN} reports in 5 minutes: an incident wave (phishing campaign, breach) or a flood from a leaked webhook secret; check the senders and rotate the secret if needed.`,
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: REPORT_SURGE_PER_5_MIN,
    },
    TimeToLock: {
      description:
        "P1 locks take longer than the 1-minute containment target to reach the provider (p90 over 15 minutes): check the provider endpoint and the DeliveryRetryScheduled metric.",
      period: Duration.minutes(15),
      statistic: "p90",
      threshold: 60_000,
      dimensions: { Priority: "P1" },
    },
    SlaWarning: {
      description: `More than ${SLA_WARNINGS_PER_HOUR} SLA warnings in one hour: the queue is building up; add agents before warnings turn into breaches.`,
      period: Duration.hours(1),
      statistic: "Sum",
      threshold: SLA_WARNINGS_PER_HOUR,
    },
    SlaBreached: {
      description: "An incident case breached an SLA target (containment, first response or resolution).",
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
    },
    EmailSent: {
      description: `More than ${props.emailHourlyLimit} emails in one hour (emailHourlyLimit): a loop or abuse of the resend path; SES pauses accounts whose bounce or complaint rates climb.`,
      period: Duration.hours(1),
      statistic: "Sum",
      threshold: props.emailHourlyLimit,
    },
    SmsSent: {
      description: `More than ${smsPerHour} SMS in one hour (1 % of the monthly budget of ${props.smsMonthlyLimit}): look for SMS pumping through the resend endpoint before the spend limit stops all SMS.`,
      period: Duration.hours(1),
      statistic: "Sum",
      threshold: smsPerHour,
    },
    MessageFailed: {
      description: `More than ${MESSAGE_FAILURES_PER_HOUR} failed sends in one hour: see the dashboard's "messages failed by class" (SES sandbox, suspended sending, SMS spend limit, opted-out numbers).`,
      period: Duration.hours(1),
      statistic: "Sum",
      threshold: MESSAGE_FAILURES_PER_HOUR,
    },
    MessageQueued: {
      description: `More than ${MESSAGES_QUEUED_PER_5_MIN} reporter messages queued for pacing in 5 minutes: sends outrun SES's rate or the SMS MPS (a wave); the drain holds them, P1 first. Watch MessageQueueAge; ask AWS for a higher SES send rate or a faster origination identity, and set sesMaxSendRate / smsMaxMps to match.`,
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: MESSAGES_QUEUED_PER_5_MIN,
    },
    MessageQueueAge: {
      description:
        "The oldest P1 reporter message has waited in the pacing queue for more than 15 minutes (the P1 first-response target): the send rate is too low for the wave, or drain-outbound is failing (its errors and the PacedSendThrottled metric).",
      period: Duration.minutes(5),
      statistic: "Maximum",
      threshold: 15 * 60_000,
    },
    MessageExpired: {
      description:
        "A reporter message waited 24 h in the pacing queue and was given up (throttled_out on its case): the send rate is far too low, or the drain has been failing for a day.",
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
    },
    PacedSendThrottled: {
      description: `More than ${PACED_THROTTLES_PER_15_MIN} sends of the pacing drain throttled in 15 minutes: sesMaxSendRate or smsMaxMps is above what the account gets (SES GetSendQuota MaxSendRate; the origination identity's MPS). Lower it.`,
      period: Duration.minutes(15),
      statistic: "Sum",
      threshold: PACED_THROTTLES_PER_15_MIN,
    },
    DeliveryRetryScheduled: {
      description: `More than ${DELIVERY_RETRIES_PER_15_MIN} provider webhook attempts failed in 15 minutes: the provider endpoint is failing; locks are pending until it answers 2xx.`,
      period: Duration.minutes(15),
      statistic: "Sum",
      threshold: DELIVERY_RETRIES_PER_15_MIN,
    },
    DeliveryExhausted: {
      description:
        'A provider webhook delivery exhausted its retries and is kept in the table with status "exhausted": replay it (operator action replay_delivery on the case) once the provider endpoint is healthy.',
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
    },
    WorkflowStartDeferred: {
      description:
        "Step Functions refused case starts in each of the last 3 five-minute periods (start-pending-workflows retries every minute): check the case state machine, its quotas and the function's role.",
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
      evaluationPeriods: 3,
    },
    LockSwept: {
      description:
        "The containment sweep requested a lock that the case workflow had not requested 30 s after intake: the normal containment path failed (check the case workflow's failed executions and ContainIncident's errors).",
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
    },
    SlaEscalationExhausted: {
      description:
        "A breached case used every escalation repeat without an acknowledgement; the second contact was paged and repeats stopped. Work the case in the console.",
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
    },
    TimerHandedOver: {
      description: `More than ${TIMER_HAND_OVERS_PER_HOUR} timer executions handed over to a successor in one hour: a case is waking its timer unusually often (a loop between re-arms?).`,
      period: Duration.hours(1),
      statistic: "Sum",
      threshold: TIMER_HAND_OVERS_PER_HOUR,
    },
    InvalidWebhookSecret: {
      description:
        "An intake secret in Secrets Manager is not whsec_ + base64 of 24–64 bytes and is skipped: reports signed with it answer 401. Fix the intake secret (infra/README.md).",
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
    },
    EmailReplyRejected: {
      description: `More than ${REJECTED_REPLIES_PER_HOUR} email replies refused in one hour (forged or unauthenticated senders, unbound replies): someone may be trying to confirm victims' email factor.`,
      period: Duration.hours(1),
      statistic: "Sum",
      threshold: REJECTED_REPLIES_PER_HOUR,
    },
    OncallPageFailed: {
      description:
        "Paging the on-call agent failed (email or SMS): escalations are not reaching anyone; check SES/SMS sending and the oncallEmail / oncallPhone settings.",
      period: Duration.minutes(5),
      statistic: "Sum",
      threshold: 0,
    },
  };
}

/** Thresholds that do not depend on configuration; each alarm's description says what crossing it means. */
const REPORT_SURGE_PER_5_MIN = 100;
/** Messages queued for pacing in 5 minutes before the alarm: a few throttles pass unnoticed, a wave does not. */
const MESSAGES_QUEUED_PER_5_MIN = 50;
/** Drain sends throttled in 15 minutes: the drain backs off, but a steady stream means the configured rate is too high. */
const PACED_THROTTLES_PER_15_MIN = 20;
const SLA_WARNINGS_PER_HOUR = 20;
const MESSAGE_FAILURES_PER_HOUR = 10;
const DELIVERY_RETRIES_PER_15_MIN = 20;
const TIMER_HAND_OVERS_PER_HOUR = 50;
const REJECTED_REPLIES_PER_HOUR = 20;

/** Props of {@link Alarms}. */
export interface AlarmsProps {
  readonly stage: string;
  /** Customer-managed key for the alarm topic; CloudWatch is allowed to use it here. */
  readonly key: kms.Key;
  /** Subscribed to the alarm topic when set (the subscription must be confirmed from the email). */
  readonly alarmEmail?: string;
  /** Expected SMS per month; see {@link Alarms.smsVolume}. */
  readonly smsMonthlyLimit: number;
  /** Expected emails per hour at most. */
  readonly emailHourlyLimit: number;
  /** State machines whose failed executions page the operator. */
  readonly workflows: Readonly<Record<string, sfn.IStateMachine>>;
  /** Dead-letter queues (by name) whose messages wait for an operator. */
  readonly deadLetterQueues?: Readonly<Record<string, sqs.IQueue>>;
}

/**
 * Operational alarms of a stage, all publishing to one encrypted SNS topic.
 *
 * Exhausted provider webhook deliveries are the dead-letter path: the app keeps them in the table with status
 * `exhausted` for an operator to replay, and {@link deliveryExhausted} is how the operator learns of them.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  /** More than 1 % of the monthly SMS budget in one hour (an even month is ~0.14 % per hour): SMS pumping. */
  readonly smsVolume: cloudwatch.Alarm;
  /** Any provider webhook delivery exhausted its retries: a lock or unlock may not have reached the provider. */
  readonly deliveryExhausted: cloudwatch.Alarm;
  /** Any SLA target breached (agents are paged by the workflow too; this is for whoever runs the system). */
  readonly slaBreached: cloudwatch.Alarm;
  /** One per workflow: any execution failed (a case the workflow could not carry to an end). */
  readonly workflowFailed: cloudwatch.Alarm[] = [];
  /** The alarm of every custom metric, by metric name. */
  readonly byMetric: ReadonlyMap<MetricName, cloudwatch.Alarm>;
  /** One per dead-letter queue: something could not be processed and waits for an operator. */
  readonly deadLetters: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const fromOurAlarms = {
      StringEquals: { "aws:SourceAccount": stack.account },
      ArnLike: {
        "aws:SourceArn": stack.formatArn({
          service: "cloudwatch",
          resource: "alarm",
          resourceName: "*",
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };

    this.topic = new sns.Topic(this, "Topic", {
      displayName: `Vigil ${props.stage} alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // The topic policy CDK writes replaces SNS's default one, so CloudWatch needs its own allow statement.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchPublishesAlarms",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    // CloudWatch calls KMS itself to publish to an encrypted topic. AWS documents this key-policy statement without
    // conditions (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services,
    // https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger) and documents aws:SourceArn /
    // aws:SourceAccount for CloudWatch only on the topic policy above
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html, CloudWatch alarms), so a
    // condition here would rest on a key AWS does not promise to send and could drop every alarm silently. The
    // topic policy is the gate: the key only lets CloudWatch encrypt for a topic it may already publish to.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchEncryptsAlarms",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const notify = new actions.SnsAction(this.topic);

    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(notify);
      return created;
    };

    // Construct ids and names of the first three alarms predate the registry; kept so an update does not replace them.
    const legacyIds: Partial<Record<MetricName, [string, string]>> = {
      SmsSent: ["SmsVolume", "sms-volume"],
      DeliveryExhausted: ["DeliveryExhausted", "delivery-exhausted"],
      SlaBreached: ["SlaBreached", "sla-breached"],
    };
    const byMetric = new Map<MetricName, cloudwatch.Alarm>();
    for (const [metricName, spec] of Object.entries(metricAlarmSpecs(props)) as [MetricName, MetricAlarmSpec][]) {
      const [alarmId, suffix] = legacyIds[metricName] ?? [`${metricName}Alarm`, kebab(metricName)];
      const evaluationPeriods = spec.evaluationPeriods ?? 1;
      byMetric.set(
        metricName,
        alarm(alarmId, {
          alarmName: `vigil-${props.stage}-${suffix}`,
          alarmDescription: spec.description,
          metric: new cloudwatch.Metric({
            namespace: METRIC_NAMESPACE,
            metricName,
            statistic: spec.statistic,
            period: spec.period,
            dimensionsMap: spec.dimensions,
          }),
          threshold: spec.threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods,
          datapointsToAlarm: evaluationPeriods,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.byMetric = byMetric;
    const get = (name: MetricName) => byMetric.get(name) as cloudwatch.Alarm;
    this.smsVolume = get("SmsSent");
    this.deliveryExhausted = get("DeliveryExhausted");
    this.slaBreached = get("SlaBreached");
    for (const [name, queue] of Object.entries(props.deadLetterQueues ?? {})) {
      this.deadLetters.push(
        alarm(`${name}DeadLetters`, {
          alarmName: `vigil-${props.stage}-${kebab(name)}-dead-letters`,
          alarmDescription: `A ${name} invocation failed after its retries and is kept in its dead-letter queue: read it, fix the cause, and replay it.`,
          metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period: Duration.minutes(5) }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const [name, machine] of Object.entries(props.workflows)) {
      this.workflowFailed.push(
        alarm(`${name}WorkflowFailed`, {
          alarmName: `vigil-${props.stage}-${name.toLowerCase()}-workflow-failed`,
          alarmDescription: `An execution of the ${name} workflow failed.`,
          metric: machine.metricFailed({ statistic: "Sum", period: Duration.minutes(5) }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}

/** `DeliveryRetryScheduled` → `delivery-retry-scheduled` (alarm names). */
function kebab(pascal: string): string {
  return pascal.replace(/(?<=[a-z0-9])(?=[A-Z])/g, "-").toLowerCase();
}
