import { Aws, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { acknowledgeNag } from "../nag.js";

/** Props of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** Stage name, used in the secret's name. */
  readonly stage: string;
  /** Object Lock retention of each audit anchor, in days (compliance mode: nobody can shorten it). */
  readonly anchorRetentionDays: number;
}

/** Names of the table's global secondary indexes; the service stack grants on exactly these. */
export const TABLE_INDEXES = {
  /** Cases by status, ordered by the nearest SLA due time (`gsi1pk` = status bucket, `gsi1sk` = due time + id). */
  byStatusAndDue: "gsi1",
  /** Sparse: only items whose workflow awaits a (re)start carry `gsi2pk`/`gsi2sk`. */
  pendingWorkflows: "gsi2",
  /** Keys only: an account's cases (`gsi3pk` = account, `gsi3sk` = opened time + id). */
  casesByAccount: "gsi3",
  /** Keys only: cases by the keyed hash of the reporter's email; no clear-text email enters an index. */
  casesByReporterEmail: "gsi4",
  /** Case audit heads by last change (`gsi5pk` = shard, `gsi5sk` = updatedAt + id), for the audit anchor. */
  auditHeads: "gsi5",
} as const;

/**
 * The anchor bucket's name, from pseudo parameters both stacks resolve alike: the service stack addresses the
 * bucket by name instead of by a cross-stack reference, so its grants on `anchors/*` stay readable in the
 * template (and in the cdk-nag acknowledgement).
 */
export const anchorBucketName = (stage: string) => `vigil-${stage}-anchors-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

/** Attribute that DynamoDB TTL reads (epoch seconds). Reads must still filter expired items: TTL lags. */
export const TTL_ATTRIBUTE = "expiresAt";

/**
 * Vigil's secrets, one per need so each is granted only to the functions that use it: the intake secrets
 * (receive-report), the provider signing secret (the functions that sign deliveries), the verification
 * pepper (the functions that issue or check codes).
 */
export interface VigilSecrets {
  /** `{"webhookSecrets":["whsec_…"]}`: accepted on intake, several during a rotation. Set by the operator. */
  readonly intake: secretsmanager.ISecret;
  /** `{"providerWebhookSecret":"whsec_…"}`: signs outbound provider webhooks. Set by the operator. */
  readonly providerSigning: secretsmanager.ISecret;
  /** `{"verificationPepper":"…"}`: the SMS code HMAC key. Generated. */
  readonly pepper: secretsmanager.ISecret;
}

/**
 * What outlives a deployment: the single table and the secrets. Both are retained on stack deletion and the
 * table has deletion protection and point-in-time recovery, so a broken service stack can be destroyed and
 * redeployed without losing a single case or audit event.
 */
export class StatefulStack extends Stack {
  /** The single table of every item (cases, audit events, tokens, deliveries, idempotency records). */
  readonly table: dynamodb.Table;
  /** Index names of {@link table}, for least-privilege grants. */
  readonly tableIndexNames: readonly string[] = Object.values(TABLE_INDEXES);
  /** Only the pepper is generated; the operator must replace both `whsec_` placeholders (see README of infra). */
  readonly secrets: VigilSecrets;
  /** Signs audit anchors (ECC_NIST_P256, SIGN_VERIFY). Only the anchor function is granted `kms:Sign`. */
  readonly anchorKey: kms.Key;
  /** Holds the audit anchors under Object Lock in compliance mode (ADR 0008). */
  readonly anchorBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_INDEXES.byStatusAndDue,
      partitionKey: { name: "gsi1pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "gsi1sk", type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // ALL (not KEYS_ONLY) so the restart sweep reads caseId + generation from the index without a GetItem
    // per item; the index is sparse, so the extra storage is only the few items awaiting a start.
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_INDEXES.pendingWorkflows,
      partitionKey: { name: "gsi2pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "gsi2sk", type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // Only the head: the anchor reads seq and hash of each changed case, never the case document.
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_INDEXES.auditHeads,
      partitionKey: { name: "gsi5pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "gsi5sk", type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ["auditSeq", "auditHead"],
    });

    // The anchor key and bucket are state: anchors signed by a deleted key, or deleted with a stack, prove nothing.
    this.anchorKey = new kms.Key(this, "AnchorKey", {
      description: `Vigil ${props.stage}: signs audit anchors (kms:Sign for the anchor function only)`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.anchorBucket = new s3.Bucket(this, "AnchorBucket", {
      bucketName: anchorBucketName(props.stage),
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.anchorRetentionDays)),
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.anchorBucket,
      "AwsSolutions-S1",
      "Only the anchor function writes here, once per anchor, under Object Lock in compliance mode: no object can be changed or deleted, so access logs would record nothing the objects themselves do not prove. Enable CloudTrail S3 data events for reads if the provider wants them.",
    );

    // The search indexes project keys only: the case document (with the reporter's email) stays in the table.
    // CloudFormation adds one GSI per stack update: an existing table gets them over two deployments (infra/README.md).
    for (const indexName of [TABLE_INDEXES.casesByAccount, TABLE_INDEXES.casesByReporterEmail]) {
      if (this.node.tryGetContext(`skipIndex:${indexName}`) === "true") continue;
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: `${indexName}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `${indexName}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      });
    }

    // The placeholders are deliberately not valid base64 and handlers refuse them by name, so an unset secret
    // fails loudly instead of accepting webhooks signed with a well-known value.
    const operatorSet = (id: string, name: string, description: string, value: Record<string, unknown>) => {
      const secret = new secretsmanager.Secret(this, id, {
        secretName: `vigil/${props.stage}/${name}`,
        description,
        secretStringValue: SecretValue.unsafePlainText(JSON.stringify(value)),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledgeNag(
        secret,
        "AwsSolutions-SMG4",
        "Shared with the provider and rotated by overlap (several accepted at once), which a rotation Lambda cannot coordinate with the provider.",
      );
      return secret;
    };
    const pepper = new secretsmanager.Secret(this, "PepperSecret", {
      secretName: `vigil/${props.stage}/verification-pepper`,
      description: "Vigil: HMAC key of SMS verification codes (generated).",
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: "verificationPepper",
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      pepper,
      "AwsSolutions-SMG4",
      "Rotating the pepper would invalidate every outstanding verification code; it never leaves the functions that issue or check codes.",
    );
    this.secrets = {
      intake: operatorSet(
        "IntakeSecret",
        "intake-webhook-secrets",
        "Vigil: whsec_ secrets accepted on intake (webhookSecrets, several during rotation). Replace the placeholder.",
        { webhookSecrets: ["whsec_REPLACE_WITH_PROVIDER_SHARED_SECRET"] },
      ),
      providerSigning: operatorSet(
        "ProviderSigningSecret",
        "provider-signing-secret",
        "Vigil: whsec_ secret that signs outbound provider webhooks (providerWebhookSecret). Replace the placeholder.",
        { providerWebhookSecret: "whsec_REPLACE_WITH_OUTBOUND_SIGNING_SECRET" },
      ),
      pepper,
    };
  }
}
