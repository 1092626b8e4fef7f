import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConflictError } from "../../errors/index.js";
import type { AnchorStore } from "../../ports/audit-anchor.js";
import { type Anchor, AnchorSchema } from "../../schemas/anchor.js";

const FILE = /^(\d{12})\.json$/;

/**
 * Anchors as files `<dir>/<anchorSeq, 12 digits>.json`, created exclusively (`wx`: an existing seq is
 * never overwritten) and made read-only. The local stand-in for the Object Lock bucket.
 */
export class FileAnchorStore implements AnchorStore {
  constructor(private readonly dir: string) {}

  async latest(): Promise<Anchor | null> {
    const last = this.files().at(-1);
    return last ? this.read(last) : null;
  }

  async list(): Promise<Anchor[]> {
    return this.files().map((file) => this.read(file));
  }

  async put(anchor: Anchor): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${String(anchor.anchorSeq).padStart(12, "0")}.json`);
    try {
      writeFileSync(path, `${JSON.stringify(anchor, null, 2)}\n`, { flag: "wx", mode: 0o444 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        throw new ConflictError(`anchor ${anchor.anchorSeq} exists`, { cause: error });
      }
      throw error;
    }
    chmodSync(path, 0o444);
  }

  private files(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((name) => FILE.test(name))
        .sort();
    } catch {
      return [];
    }
  }

  private read(file: string): Anchor {
    return AnchorSchema.parse(JSON.parse(readFileSync(join(this.dir, file), "utf8")));
  }
}
