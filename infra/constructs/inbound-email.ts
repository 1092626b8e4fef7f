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
import * as cr from "aws-cdk-lib/custom-resources";
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
  /**
   * An existing receipt rule set (normally the account's active one) to add Vigil's rule to. When unset, Vigil
   * creates its own set `vigil-<stage>-inbound`.
   */
  readonly existingRuleSetName?: string;
  /**
   * Make Vigil's own set the account's active set (a custom resource calls SetActiveReceiptRuleSet on create, and
   * deactivates it on delete). One set is active per account and region, so this replaces whatever was active.
   * @default false
   */
  readonly activate?: boolean;
}

/**
 * Reporters' replies to verification emails: an SES receipt rule for one recipient that requires TLS and
 * runs the spam/virus scan (the handler reads the SPF/DKIM/DMARC verdicts from the notification), publishes
 * the message UTF-8 encoded to an encrypted SNS topic, and the topic invokes the handler.
 *
 * CloudFormation cannot activate a rule set, and only one is active per account and region, so there are three
 * ways to run (docs/deploy.md): add the rule to the account's existing active set (`existingRuleSetName`, the
 * choice when the account already receives mail with SES); let Vigil create its set and activate it through a
 * custom resource (`activate`, for an account that receives no other mail with SES); or create the set inactive
 * and activate it by hand (the default, which changes nothing the account already runs). The reply domain's MX
 * record must point at `inbound-smtp.<region>.amazonaws.com` either way. SNS carries messages up to 150 KB; larger
 * replies are bounced by SES, which is fine for a "YES" reply.
 *
 * A reply whose processing still fails after Lambda's two asynchronous retries is not lost: the invocation
 * (with the SNS record) goes to {@link deadLetters}, an encrypted SQS queue kept 14 days, which is alarmed.
 */
export class InboundEmail extends Construct {
  readonly topic: sns.Topic;
  readonly ruleSet: ses.IReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  /** Failed reply invocations (Lambda's on-failure destination). */
  readonly deadLetters: sqs.Queue;
  /** The rule set that holds Vigil's rule. */
  readonly ruleSetName: string;
  /** The custom resource that activates Vigil's rule set, when `activate` was asked for. */
  readonly activation?: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: InboundEmailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const ruleSetName = props.existingRuleSetName ?? `vigil-${props.stage}-inbound`;
    this.ruleSetName = ruleSetName;
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
    // SES encrypts what it publishes with the topic's key, so the key policy must let SES use it. SES documents
    // both conditions for its use of a customer managed key in a receipt rule:
    // https://docs.aws.amazon.com/ses/latest/dg/receiving-email-permissions.html#receiving-email-permissions-kms
    // and for publishing to a topic: https://docs.aws.amazon.com/ses/latest/dg/receiving-email-permissions.html#receiving-email-permissions-sns
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

    this.ruleSet =
      props.existingRuleSetName === undefined
        ? new ses.ReceiptRuleSet(this, "RuleSet", { receiptRuleSetName: ruleSetName })
        : ses.ReceiptRuleSet.fromReceiptRuleSetName(this, "RuleSet", ruleSetName);
    this.rule = new ses.ReceiptRule(this, "Replies", {
      ruleSet: this.ruleSet,
      receiptRuleName: ruleName,
      recipients: [props.recipient],
      enabled: true,
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [new sesActions.Sns({ topic: this.topic, encoding: sesActions.EmailEncoding.UTF8 })],
    });
    // SES checks that it may publish when the rule is created: the topic policy and key must exist first.
    this.rule.node.addDependency(this.topic, props.key);

    if (props.activate === true && props.existingRuleSetName === undefined) {
      // SES receipt rule sets have no resource-level permissions for SetActiveReceiptRuleSet.
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonses.html
      const activation = new cr.AwsCustomResource(this, "ActivateRuleSet", {
        onCreate: {
          service: "SES",
          action: "setActiveReceiptRuleSet",
          parameters: { RuleSetName: ruleSetName },
          physicalResourceId: cr.PhysicalResourceId.of(`${ruleSetName}-active`),
        },
        onUpdate: {
          service: "SES",
          action: "setActiveReceiptRuleSet",
          parameters: { RuleSetName: ruleSetName },
          physicalResourceId: cr.PhysicalResourceId.of(`${ruleSetName}-active`),
        },
        // An active set cannot be deleted: deactivate (no name = no active set) before the set goes.
        onDelete: { service: "SES", action: "setActiveReceiptRuleSet", parameters: {} },
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({ actions: ["ses:SetActiveReceiptRuleSet"], resources: ["*"] }),
        ]),
        installLatestAwsSdk: false,
      });
      // Activate only once the rule is in the set (and deactivate before the rule and set are deleted).
      activation.node.addDependency(this.rule);
      acknowledgeNag(
        activation,
        "AwsSolutions-IAM5[Resource::*]",
        "ses:SetActiveReceiptRuleSet only; SES has no resource-level permission for it (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonses.html).",
      );
      // The provider function CDK shares across AwsCustomResources in a stack (a fixed construct id).
      const provider = stack.node.tryFindChild("AWS679f53fac002430cb0da5b7982bd2287");
      if (provider !== undefined) {
        acknowledgeNag(
          provider,
          "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
          "The CDK AwsCustomResource provider runs only at deploy time (activate / deactivate the rule set) and writes only its own logs.",
        );
      }
      this.activation = activation;
    }
  }
}
