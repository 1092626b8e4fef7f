/** Maps an account to its one open case, so a second report joins it instead of opening another. */
export interface AccountIndex {
  /** Claims the account for `caseId`, or returns the case that holds it. */
  claim(accountId: string, caseId: string): Promise<{ claimed: true } | { claimed: false; caseId: string }>;
  /** Hands the account from a stale or closed case to another, if `expectedCaseId` still holds it. */
  replace(accountId: string, expectedCaseId: string, caseId: string): Promise<boolean>;
  /** Frees the account when its case closes (only if `caseId` still holds it). */
  release(accountId: string, caseId: string): Promise<void>;
}
