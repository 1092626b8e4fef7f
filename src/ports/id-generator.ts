/** Identifiers and randomness, injectable for deterministic tests. */
export interface IdGenerator {
  /** A new case id such as `c_01JD...` (sortable by creation time). */
  caseId(): string;
  /** Cryptographically secure random bytes. */
  randomBytes(size: number): Uint8Array;
}
