/**
 * SMS code sends per destination number, across cases (PRODUCT.md: at most 3 sends per destination per
 * 10 min). The destination is a keyed hash of the number, never the number itself.
 */
export interface CodeSendLog {
  /** The recorded send times (epoch ms) and the version to write against (0 when none). */
  get(destinationKey: string): Promise<{ sends: number[]; version: number }>;
  /** Replaces the send times if the version is still `expectedVersion`; false when another write came first. */
  put(destinationKey: string, sends: number[], expectedVersion: number, expiresAt: number): Promise<boolean>;
}
