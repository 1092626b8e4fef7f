/**
 * The server side of an emailed confirmation link (or of the nonce in a verification email's `Reply-To`,
 * purpose `email_reply`): only the token's hash is stored.
 */
export interface VerificationLink {
  tokenHash: string;
  caseId: string;
  recipient: string;
  purpose: "verify_reporter" | "reopen_case" | "email_reply";
  generation: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface VerificationLinks {
  put(link: VerificationLink): Promise<void>;
  get(tokenHash: string): Promise<VerificationLink | null>;
  /** Marks the link used; false when it was used already (single use under races). */
  markUsed(tokenHash: string, at: number): Promise<boolean>;
}
