import type { ActionName, CaseSummary, SlaClock } from "./types.js";

/** Action contract names → the words on their buttons (PRODUCT.md v1.1, "The operator console"). */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  acknowledge: "Acknowledge",
  escalate: "Escalate",
  verify_identity: "Verify identity",
  lock: "Lock",
  unlock: "Unlock",
  resolve: "Resolve",
  close: "Close",
  reopen: "Reopen",
  note: "Add note",
  replay_delivery: "Replay delivery",
  take: "Take",
  message_reporter: "Message reporter",
  assign: "Assign",
  clear_denial: "Clear denial",
} satisfies Record<ActionName, string>;

/** Actions that change the account or end the case: asked twice. */
export const CONFIRMED_ACTIONS = new Set(["unlock", "close", "lock"]);

export const STATUS_LABELS: Record<string, string> = {
  open: "Open",
  awaiting_verification: "Awaiting verification",
  verified: "Verified",
  resolved: "Resolved",
  closed: "Closed",
};

export const INCIDENT_LABELS: Record<string, string> = {
  phishing: "Phishing",
  malware: "Malware",
  unauthorized_access: "Unauthorized access",
  sim_swap: "SIM swap",
  key_compromise: "Key compromise",
  other: "Other",
};

export const CLOCK_LABELS = { containment: "Containment", firstResponse: "First response", resolution: "Resolution" };

export const FACTOR_STATE_LABELS: Record<string, string> = {
  pending: "Pending",
  verified: "Verified",
  failed: "Failed",
  not_used: "Not used",
};

export const LOCK_STATE_LABELS: Record<string, string> = {
  none: "No lock",
  requested: "Lock requested",
  applied: "Locked",
  release_requested: "Unlock requested",
  released: "Unlocked",
};

/** Audit event types → what a person reads in the timeline. Unknown types show as they are. */
const EVENT_LABELS: Record<string, string> = {
  "case.opened": "Case opened",
  "case.acknowledged": "Acknowledged by an agent",
  "case.escalated": "Escalated",
  "case.note": "Internal note",
  "case.reopened": "Case reopened",
  "case.resolved": "Case resolved",
  "case.closed": "Case closed",
  "case.unverified": "Closed: the reporter did not verify",
  "case.updated": "Case updated",
  "case.assigned": "Assignment changed",
  "case.reporter_messaged": "Message sent to the reporter",
  "report.merged": "Another report joined the case",
  "lock.requested": "Account lock requested",
  "lock.applied": "Account lock applied by the provider",
  "lock.release_requested": "Account unlock requested",
  "lock.released": "Account unlocked by the provider",
  "account.lock.requested": "Lock webhook sent to the provider",
  "account.unlock.requested": "Unlock webhook sent to the provider",
  "delivery.failed": "Webhook delivery failed",
  "delivery.replayed": "Webhook delivery replayed",
  "delivery.superseded": "Webhook delivery superseded",
  "verification.requested": "Verification requested from the reporter",
  "verification.code_sent": "SMS code sent",
  "verification.code_rejected": "Wrong SMS code entered",
  "verification.email_verified": "Email confirmed",
  "verification.sms_verified": "SMS code confirmed",
  "verification.identity_verified": "Identity checked by an agent",
  "verification.completed": "Reporter verified",
  "verification.denied": "Reporter said: this wasn't me",
  "verification.reply_ignored": "Email reply ignored",
  "message.sent": "Message sent",
  "message.failed": "Message could not be delivered",
  "message.queued": "Message waiting for the sending rate (sent in priority order)",
  "sla.warning": "SLA warning",
  "sla.breached": "SLA breached",
  "sla.escalated": "SLA breach escalated to on-call",
  "oncall.page_failed": "On-call page failed",
  "workflow.started": "Workflow started",
  "workflow.start_confirmed": "Workflow start confirmed",
  "workflow.resume_failed": "Workflow could not resume",
  "resolution.awaited": "Waiting for an agent to resolve",
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type.replace(/[._]/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}

/** `3 h 05 min`, `12 min 09 s`, `45 s`. */
export function formatDuration(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${pad(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${pad(seconds)} s`;
  return `${seconds} s`;
}

/** `due in 4 min 10 s` or `overdue by 2 min 03 s`. */
export function countdown(dueAt: string, now: number): string {
  const left = Date.parse(dueAt) - now;
  return left >= 0 ? `due in ${formatDuration(left)}` : `overdue by ${formatDuration(left)}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

export type ClockState = "met" | "breached" | "warning" | "running";

/** Where a clock stands: met wins (a clock met after its breach shows both in the table). */
export function clockState(clock: SlaClock): ClockState {
  if (clock.breachedAt) return clock.metAt ? "met" : "breached";
  if (clock.metAt) return "met";
  return clock.warnedAt.length ? "warning" : "running";
}

/** The worst running clock of a case: breached, then warning. */
export function caseSlaMark(item: Pick<CaseSummary, "sla">): "breached" | "warning" | null {
  const clocks = [item.sla.containment, item.sla.firstResponse, item.sla.resolution].filter(
    (clock): clock is SlaClock => clock !== null && clock !== undefined,
  );
  if (clocks.some((clock) => clock.breachedAt && !clock.metAt)) return "breached";
  if (clocks.some((clock) => clock.warnedAt.length > 0 && !clock.metAt)) return "warning";
  return null;
}

/** Queue order: nearest SLA due first, cases with none last, then by case id. */
export function byNearestDue(a: CaseSummary, b: CaseSummary): number {
  const ka = `${a.nearestDueAt ?? "9999"}#${a.caseId}`;
  const kb = `${b.nearestDueAt ?? "9999"}#${b.caseId}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
