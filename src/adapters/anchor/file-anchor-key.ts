import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AnchorPublicKey, AnchorSigner } from "../../ports/audit-anchor.js";

/**
 * An Ed25519 anchor key in a PKCS#8 PEM file (mode 0600), made at first use. The local stand-in for
 * the KMS key: on one machine every function shares a process, so this separates the key from the
 * table, not from the functions (see ADR 0008).
 */
export class FileAnchorKey implements AnchorSigner, AnchorPublicKey {
  readonly algorithm = "ED25519" as const;
  private key: KeyObject | undefined;

  constructor(private readonly path: string) {}

  get keyId(): string {
    const der = createPublicKey(this.privateKey()).export({ type: "spki", format: "der" });
    return `local:${createHash("sha256").update(der).digest("hex").slice(0, 16)}`;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return sign(null, message, this.privateKey());
  }

  async publicKeyPem(): Promise<string> {
    return createPublicKey(this.privateKey()).export({ type: "spki", format: "pem" }).toString();
  }

  private privateKey(): KeyObject {
    if (this.key) return this.key;
    let pem: string;
    try {
      pem = readFileSync(this.path, "utf8");
    } catch {
      pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      mkdirSync(dirname(this.path), { recursive: true });
      try {
        writeFileSync(this.path, pem, { mode: 0o600, flag: "wx" });
      } catch {
        // Another process made it first: use theirs.
        pem = readFileSync(this.path, "utf8");
      }
    }
    this.key = createPrivateKey(pem);
    return this.key;
  }
}
