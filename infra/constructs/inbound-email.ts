import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import * as ses from "aws-cdk-lib/aws-ses";
import * as sesActions from "aws-cdk-lib/aws-ses-actions";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { acknowledgeNag } from "../nag.js";

/** Props of {@link InboundEmail}. */
export interface InboundEmailProps {
  readonly stage: string;
  /** The only address this rule accepts mail for, e.g. `replies@wallet.example`. */
  readonly recipient: string;
  /** Customer-managed key for the topic; SES is allowed to use it here. */
  readonly key: kms.Key;
  /** Receives each reply as an SNS notification (the `receive-email-reply` function). */
  readonly handler: IFunction;
}

/**
 * Reporters' replies to verification emails: an SES receipt rule for one recipient that requires TLS and
 * runs the spam/virus scan (the handler reads the SPF/DKIM/DMARC verdicts from the notification), publishes
 * the message UTF-8 encoded to an encrypted SNS topic, and the topic invokes the handler.
 *
 * Not done by CloudFormation, and therefore by the operator: activate the rule set (only one is active per
 * account and region), and point the domain's MX record at `inbound-smtp.<region>.amazonaws.com`. SNS carries
 * messages up to 150 KB; larger replies are bounced by SES, which is fine for a "YES" reply.
 *
 * A reply whose processing still fails after Lambda's two asynchronous retries is not lost: the invocation
 * (with the SNS record) goes to {@link deadLetters}, an encrypted SQS queue kept 14 days, which is alarmed.
 */
export class InboundEmail extends Construct {
  readonly topic: sns.Topic;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  /** Failed reply invocations (Lambda's on-failure destination). */
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: InboundEmailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const ruleSetName = `vigil-${props.stage}-inbound`;
    const ruleName = `vigil-${props.stage}-replies`;
    const ruleArn = stack.formatArn({
      service: "ses",
      resource: "receipt-rule-set",
      resourceName: `${ruleSetName}:receipt-rule/${ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const fromThisRule = {
      StringEquals: { "aws:SourceAccount": stack.account },
      ArnLike: { "aws:SourceArn": ruleArn },
    };

    this.topic = new sns.Topic(this, "Topic", {
      displayName: `Vigil ${props.stage} inbound email replies`,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "SesPublishesReplies",
        principals: [new iam.ServicePrincipal("ses.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: fromThisRule,
      }),
    );
    // SES encrypts what it publishes with the topic's key, so the key policy must let SES use it.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "SesEncryptsReplies",
        principals: [new iam.ServicePrincipal("ses.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: fromThisRule,
      }),
    );
    this.topic.addSubscription(new subscriptions.LambdaSubscription(props.handler));

    this.deadLetters = new sqs.Queue(this, "DeadLetters", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.deadLetters,
      "AwsSolutions-SQS3",
      "This queue is itself the dead-letter destination of receive-email-reply's asynchronous invocations; it is alarmed and read by an operator, never consumed by code.",
    );
    props.handler.configureAsyncInvoke({
      onFailure: new SqsDestination(this.deadLetters),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });

    this.ruleSet = new ses.ReceiptRuleSet(this, "RuleSet", { receiptRuleSetName: ruleSetName });
    this.rule = this.ruleSet.addRule("Replies", {
      receiptRuleName: ruleName,
      recipients: [props.recipient],
      enabled: true,
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [new sesActions.Sns({ topic: this.topic, encoding: sesActions.EmailEncoding.UTF8 })],
    });
    // SES checks that it may publish when the rule is created: the topic policy and key must exist first.
    this.rule.node.addDependency(this.topic, props.key);
  }
}
