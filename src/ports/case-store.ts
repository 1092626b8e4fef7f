import type { AuditEvent, Case } from "../schemas/case.js";

/** A case as read, with the version the next conditional write must match. */
export interface VersionedCase {
  case: Case;
  version: number;
}

/** What a read of one status queue asks for. */
export interface ListByStatusOptions {
  priority?: Case["priority"];
  /** Default 100. */
  limit?: number;
  /** Exclusive start: a queue key (`queueKey` in domain/case.ts). */
  after?: string;
}

/** Persistence of cases and their append-only audit events. */
export interface CaseStore {
  get(caseId: string): Promise<VersionedCase | null>;
  /** Creates a case; `ConflictError` when the id exists. */
  create(item: Case): Promise<void>;
  /** Replaces a case if it is still at `expectedVersion`; `ConflictError` otherwise. Returns the new version. */
  update(item: Case, expectedVersion: number): Promise<number>;
  /** Writes audit events under deterministic keys; rewriting the same event is a no-op. */
  appendAudit(events: AuditEvent[]): Promise<void>;
  listAudit(caseId: string): Promise<AuditEvent[]>;
  /** Whether the audit event `seq` of a case is stored (a cheap read before re-writing an outbox). */
  hasAuditEvent(caseId: string, seq: number): Promise<boolean>;
  /**
   * Cases in a status, nearest SLA due first (a GSI query, never a scan); with `after` (a queue key,
   * `<nearest due or 9999>#<caseId>`), only those that sort strictly after it.
   */
  listByStatus(status: Case["status"], options?: ListByStatusOptions): Promise<Case[]>;
  /**
   * Ids of the cases the sweep must settle (see `unsettled`: a workflow not started, or a lock due
   * and not requested), opened before `openedBefore` (ISO), oldest first.
   */
  listUnsettled(openedBefore: string, limit?: number): Promise<string[]>;
  /** Every case of an account, newest first (an index query, never a scan). */
  findByAccount(accountId: string, limit?: number): Promise<Case[]>;
  /** The cases whose reporter email has this keyed hash, newest first (an index query, never a scan). */
  findByEmailHash(hash: string, limit?: number): Promise<Case[]>;
  /** Every case opened in `[from, to)` (ISO), whatever its status. */
  listOpenedBetween(from: string, to: string): Promise<Case[]>;
}
