import { createPublicKey } from "node:crypto";
import { GetPublicKeyCommand, type KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { TransientError } from "../../errors/index.js";
import type { AnchorPublicKey, AnchorSigner } from "../../ports/audit-anchor.js";

/**
 * Signs with a KMS asymmetric key (`ECC_NIST_P256`, `SIGN_VERIFY`): ECDSA over SHA-256 of the raw
 * statement, DER-encoded. Only the anchor function's role holds `kms:Sign` on the key.
 */
export class KmsAnchorSigner implements AnchorSigner {
  readonly algorithm = "ECDSA_SHA_256" as const;

  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
  ) {}

  async sign(message: Uint8Array): Promise<Uint8Array> {
    try {
      const { Signature } = await this.client.send(
        new SignCommand({ KeyId: this.keyId, Message: message, MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256" }),
      );
      if (!Signature) throw new TransientError("KMS Sign returned no signature");
      return Signature;
    } catch (error) {
      if (error instanceof TransientError) throw error;
      throw new TransientError(`KMS Sign failed: ${(error as Error).name}`, { cause: error });
    }
  }
}

/** The public key of the KMS anchor key (`kms:GetPublicKey`), as PEM; read once per cold start. */
export class KmsAnchorPublicKey implements AnchorPublicKey {
  private pem: Promise<string> | undefined;

  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  publicKeyPem(): Promise<string> {
    this.pem ??= this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId })).then(({ PublicKey }) => {
      if (!PublicKey) throw new TransientError("KMS GetPublicKey returned no key");
      return createPublicKey({ key: Buffer.from(PublicKey), format: "der", type: "spki" })
        .export({ type: "spki", format: "pem" })
        .toString();
    });
    // A failure is not cached: the next call asks again.
    this.pem.catch(() => {
      this.pem = undefined;
    });
    return this.pem;
  }
}
