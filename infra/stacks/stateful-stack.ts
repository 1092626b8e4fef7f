import { Aws, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
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
  /** Case audit heads by last change (`gsi3pk` = shard, `gsi3sk` = updatedAt + id), for the audit anchor. */
  auditHeads: "gsi3",
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
 * What outlives a deployment: the single table and the secret. Both are retained on stack deletion and the
 * table has deletion protection and point-in-time recovery, so a broken service stack can be destroyed and
 * redeployed without losing a single case or audit event.
 */
export class StatefulStack extends Stack {
  /** The single table of every item (cases, audit events, tokens, deliveries, idempotency records). */
  readonly table: dynamodb.Table;
  /** Index names of {@link table}, for least-privilege grants. */
  readonly tableIndexNames: readonly string[] = Object.values(TABLE_INDEXES);
  /**
   * `{"webhookSecrets":["whsec_…"],"providerWebhookSecret":"whsec_…","verificationPepper":"…"}`.
   * Only the pepper is generated; the operator must replace both `whsec_` placeholders (see README of infra).
   */
  readonly secret: secretsmanager.Secret;
  /** Signs audit anchors (ECC_NIST_P256, SIGN_VERIFY). Only the anchor function is granted `kms:Sign`. */
  readonly anchorKey: kms.Key;
  /** Holds the audit anchors under Object Lock in compliance mode (ADR 0007). */
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
      partitionKey: { name: "gsi3pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "gsi3sk", type: dynamodb.AttributeType.STRING },
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

    this.secret = new secretsmanager.Secret(this, "Secrets", {
      secretName: `vigil/${props.stage}/secrets`,
      description:
        "Vigil secrets. Replace both whsec_ placeholders before use: webhookSecrets (intake, several during rotation) and providerWebhookSecret (outbound). verificationPepper is generated.",
      generateSecretString: {
        // The placeholders are deliberately not valid base64, so handlers fail at cold start instead of
        // accepting webhooks signed with a well-known secret.
        secretStringTemplate: JSON.stringify({
          webhookSecrets: ["whsec_REPLACE_WITH_PROVIDER_SHARED_SECRET"],
          providerWebhookSecret: "whsec_REPLACE_WITH_OUTBOUND_SIGNING_SECRET",
        }),
        generateStringKey: "verificationPepper",
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.secret,
      "AwsSolutions-SMG4",
      "The webhook secrets are shared with the provider and rotated by overlap (webhookSecrets holds several at once), which a rotation Lambda cannot coordinate with the provider; rotating the pepper would invalidate every outstanding verification code.",
    );
  }
}
