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

/**
 * The custom metrics the handlers emit as CloudWatch Embedded Metric Format, in namespace `Vigil`, with
 * **no dimensions** (`"Dimensions": [[]]`): an alarm only matches a metric with exactly its dimension set, and
 * a stage is one account and region. Unit `Count`, one data point per event.
 */
export const METRICS = {
  namespace: "Vigil",
  /** One per SMS accepted by End User Messaging (verification codes, notifications, on-call pages). */
  smsSent: "SmsSent",
  /** One per email accepted by SES. */
  emailSent: "EmailSent",
  /** One per provider webhook delivery that used its last retry and was kept with status "exhausted". */
  deliveryExhausted: "DeliveryExhausted",
  /** One per SLA clock that reached 100 % of its target. */
  slaBreached: "SlaBreached",
  /** One per configured intake secret that is not a valid `whsec_` secret (skipped; the others still verify). */
  invalidWebhookSecret: "InvalidWebhookSecret",
} as const;

/** Props of {@link Alarms}. */
export interface AlarmsProps {
  readonly stage: string;
  /** Customer-managed key for the alarm topic; CloudWatch is allowed to use it here. */
  readonly key: kms.Key;
  /** Subscribed to the alarm topic when set (the subscription must be confirmed from the email). */
  readonly alarmEmail?: string;
  /** Expected SMS per month; see {@link Alarms.smsVolume}. */
  readonly smsMonthlyLimit: number;
  /** State machines whose failed executions page the operator. */
  readonly workflows: Readonly<Record<string, sfn.IStateMachine>>;
  /** Dead-letter queues that must stay empty: any message in one pages the operator. */
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
  /** An intake secret was skipped as invalid: a rotation went wrong, and reports signed with it are refused. */
  readonly invalidWebhookSecret: cloudwatch.Alarm;
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
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchEncryptsAlarms",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: fromOurAlarms,
      }),
    );
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const notify = new actions.SnsAction(this.topic);

    const vigilMetric = (metricName: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: METRICS.namespace, metricName, statistic: "Sum", period });
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(notify);
      return created;
    };

    this.smsVolume = alarm("SmsVolume", {
      alarmName: `vigil-${props.stage}-sms-volume`,
      alarmDescription: `More than ${Math.ceil(props.smsMonthlyLimit / 100)} SMS in one hour (1 % of the monthly budget of ${props.smsMonthlyLimit}): look for SMS pumping through the resend endpoint before the spend limit stops all SMS.`,
      metric: vigilMetric(METRICS.smsSent, Duration.hours(1)),
      threshold: Math.ceil(props.smsMonthlyLimit / 100),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deliveryExhausted = alarm("DeliveryExhausted", {
      alarmName: `vigil-${props.stage}-delivery-exhausted`,
      alarmDescription:
        'A provider webhook delivery exhausted its retries and is kept in the table with status "exhausted": replay it (operator action replay_delivery on the case) once the provider endpoint is healthy.',
      metric: vigilMetric(METRICS.deliveryExhausted, Duration.minutes(5)),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.slaBreached = alarm("SlaBreached", {
      alarmName: `vigil-${props.stage}-sla-breached`,
      alarmDescription: "An incident case breached an SLA target (containment, first response or resolution).",
      metric: vigilMetric(METRICS.slaBreached, Duration.minutes(5)),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.invalidWebhookSecret = alarm("InvalidWebhookSecret", {
      alarmName: `vigil-${props.stage}-invalid-webhook-secret`,
      alarmDescription:
        "An intake secret in Secrets Manager is not whsec_ + base64 of 24–64 bytes and is skipped: reports signed with it answer 401. Fix the intake secret (infra/README.md).",
      metric: vigilMetric(METRICS.invalidWebhookSecret, Duration.minutes(5)),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const [name, queue] of Object.entries(props.deadLetterQueues ?? {})) {
      this.deadLetters.push(
        alarm(`${name}DeadLetters`, {
          alarmName: `vigil-${props.stage}-${name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase()}-dead-letters`,
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
