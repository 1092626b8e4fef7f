import { join } from "node:path";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { ENV } from "../../config/env-names.js";
import { ConfigError } from "../../errors/index.js";
import type { AnchorPublicKey, AnchorSigner, AnchorStore, AuditHeadIndex } from "../../ports/audit-anchor.js";
import type { CaseStore } from "../../ports/case-store.js";
import type { Clock } from "../../ports/clock.js";
import { DynamoDbAuditHeadIndex } from "../dynamodb/audit-head-index.js";
import { DynamoDbCaseStore } from "../dynamodb/case-store.js";
import { createDynamoDbClient } from "../dynamodb/client.js";
import { systemClock } from "../system/system-clock.js";
import { FileAnchorKey } from "./file-anchor-key.js";
import { FileAnchorStore } from "./file-anchor-store.js";
import { KmsAnchorPublicKey, KmsAnchorSigner } from "./kms-anchor-key.js";
import { S3AnchorStore } from "./s3-anchor-store.js";

/** The ports of the audit anchor and its verifier. */
export interface AnchorDeps {
  clock: Clock;
  cases: CaseStore;
  heads: AuditHeadIndex;
  anchors: AnchorStore;
  signer: AnchorSigner;
  publicKey: AnchorPublicKey;
}

/**
 * The anchor's composition root: KMS and S3 where `VIGIL_ANCHOR_KEY_ID` / `VIGIL_ANCHOR_BUCKET` are
 * set (AWS), an Ed25519 key file and an anchors folder under `VIGIL_ANCHOR_DIR` otherwise.
 *
 * @throws ConfigError when neither a key id nor an anchor dir is set, or no store is.
 */
export function buildAnchorDeps(env: Record<string, string | undefined> = process.env): AnchorDeps {
  const tableName = env[ENV.tableName];
  const keyId = env[ENV.anchorKeyId]?.trim() || undefined;
  const bucket = env[ENV.anchorBucket]?.trim() || undefined;
  const dir = env[ENV.anchorDir]?.trim() || undefined;
  if (!tableName) throw new ConfigError(`invalid configuration: ${ENV.tableName}`);
  if ((!keyId || !bucket) && !dir) {
    throw new ConfigError(`invalid configuration: ${ENV.anchorKeyId} and ${ENV.anchorBucket}, or ${ENV.anchorDir}`);
  }
  const dynamo = createDynamoDbClient();
  const fileKey = dir ? new FileAnchorKey(join(dir, "anchor-key.pem")) : undefined;
  const kms = keyId ? new KMSClient({}) : undefined;
  return {
    clock: systemClock,
    cases: new DynamoDbCaseStore(dynamo, tableName),
    heads: new DynamoDbAuditHeadIndex(dynamo, tableName),
    anchors: bucket ? new S3AnchorStore(new S3Client({}), bucket) : new FileAnchorStore(join(dir ?? "", "anchors")),
    signer: kms && keyId ? new KmsAnchorSigner(kms, keyId) : (fileKey as FileAnchorKey),
    publicKey: kms && keyId ? new KmsAnchorPublicKey(kms, keyId) : (fileKey as FileAnchorKey),
  };
}
