import { RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { acknowledgeNag } from "../nag.js";

/** Props of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** Stage name, used in the secret's name. */
  readonly stage: string;
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
} as const;

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
