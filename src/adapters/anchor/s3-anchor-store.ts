import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ConflictError } from "../../errors/index.js";
import type { AnchorStore } from "../../ports/audit-anchor.js";
import { type Anchor, AnchorSchema } from "../../schemas/anchor.js";

const MAX_SEQ = 999_999_999_999;

/**
 * Anchors in an S3 bucket with Object Lock (compliance mode, default retention set on the bucket):
 * a stored anchor can be neither overwritten nor deleted until its retention ends, by anyone, root
 * included. Keys count down (`anchors/<MAX - seq>.json`) so the newest anchor is the first listed;
 * writes are conditional (`If-None-Match: *`), so two concurrent anchors cannot both take a seq.
 */
export class S3AnchorStore implements AnchorStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix = "anchors/",
  ) {}

  async latest(): Promise<Anchor | null> {
    const { Contents = [] } = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 }),
    );
    const key = Contents[0]?.Key;
    return key ? this.read(key) : null;
  }

  async list(): Promise<Anchor[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.NextContinuationToken;
    } while (token);
    const anchors = await Promise.all(keys.map((key) => this.read(key)));
    return anchors.sort((a, b) => a.anchorSeq - b.anchorSeq);
  }

  async put(anchor: Anchor): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.keyOf(anchor.anchorSeq),
          Body: JSON.stringify(anchor),
          ContentType: "application/json",
          IfNoneMatch: "*",
          // Object Lock needs an integrity checksum on every put.
          ChecksumAlgorithm: "SHA256",
        }),
      );
    } catch (error) {
      const name = (error as Error).name;
      if (name === "PreconditionFailed" || name === "ConditionalRequestConflict") {
        throw new ConflictError(`anchor ${anchor.anchorSeq} exists`, { cause: error });
      }
      throw error;
    }
  }

  private keyOf(anchorSeq: number): string {
    return `${this.prefix}${String(MAX_SEQ - anchorSeq).padStart(12, "0")}.json`;
  }

  private async read(key: string): Promise<Anchor> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return AnchorSchema.parse(JSON.parse((await Body?.transformToString("utf8")) ?? "null"));
  }
}
