import type { Anchor, AnchorAlgorithm, AnchorLeaf } from "../domain/audit-anchor.js";

/**
 * Signs anchor statements with a key that no case-writing function can use (KMS `kms:Sign` granted
 * to the anchor function only, on AWS; an Ed25519 key under the data dir, locally).
 */
export interface AnchorSigner {
  readonly keyId: string;
  readonly algorithm: AnchorAlgorithm;
  /** The raw signature over `message` (DER for ECDSA). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The public half of the anchor key, for verifiers and third parties. */
export interface AnchorPublicKey {
  /** SPKI, PEM-encoded. */
  publicKeyPem(): Promise<string>;
}

/**
 * Where anchors live, out of reach of the table's writers: append-only (S3 Object Lock in compliance
 * mode on AWS; exclusive-create, read-only files locally).
 */
export interface AnchorStore {
  /** The newest anchor, or null before the first. */
  latest(): Promise<Anchor | null>;
  /** Every anchor, oldest first. */
  list(): Promise<Anchor[]>;
  /** Writes a new anchor; `ConflictError` when its `anchorSeq` is already taken (a concurrent anchor). */
  put(anchor: Anchor): Promise<void>;
}

/** A case's audit head with the time of its last change, as the anchoring index holds it. */
export interface AuditHeadEntry extends AnchorLeaf {
  updatedAt: string;
}

/** The cases whose audit head changed, read from a sparse index of the table (never a scan). */
export interface AuditHeadIndex {
  /** Heads of cases changed at or after `since` (ISO); every case when `since` is null. */
  changedSince(since: string | null): Promise<AuditHeadEntry[]>;
}
