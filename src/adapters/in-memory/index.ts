import { monotonicFactory } from "ulid";
import { queueKey, unsettled } from "../../domain/case.js";
import type { MessageFailureReason } from "../../domain/message-failure.js";
import { compareOutbound, isStaffPage, type OutboundChannel } from "../../domain/pacing.js";
import { ConflictError, MessageUndeliverableError } from "../../errors/index.js";
import type { AccountIndex } from "../../ports/account-index.js";
import type { CaseIntake } from "../../ports/case-intake.js";
import type { CaseStore, ListByStatusOptions, VersionedCase } from "../../ports/case-store.js";
import type { Clock } from "../../ports/clock.js";
import type { CodeSendLog } from "../../ports/code-send-log.js";
import type { Delivery, DeliveryStore } from "../../ports/delivery-store.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { IdempotencyStore, WebhookRecord } from "../../ports/idempotency-store.js";
import type { Email, EmailSender, SmsSender } from "../../ports/messaging.js";
import type { Metrics } from "../../ports/metrics.js";
import type { EventPublisher, WebhookTransport } from "../../ports/outbound-events.js";
import type { OutboundQueue, QueuedMessage } from "../../ports/outbound-queue.js";
import type { VerificationLink, VerificationLinks } from "../../ports/verification-links.js";
import type { TimerInput, WorkflowClient } from "../../ports/workflow-client.js";
import type { AuditEvent, Case } from "../../schemas/case.js";

/** In-memory fakes of every port, for unit tests. They copy values in and out like a real store. */
const copy = <T>(value: T): T => structuredClone(value);

export class InMemoryCaseStore implements CaseStore {
  readonly items = new Map<string, VersionedCase>();
  readonly audit = new Map<string, AuditEvent[]>();

  async get(caseId: string) {
    const found = this.items.get(caseId);
    return found ? copy(found) : null;
  }
  async create(item: Case) {
    if (this.items.has(item.caseId)) throw new ConflictError(`case ${item.caseId} exists`);
    this.items.set(item.caseId, { case: copy(item), version: 1 });
  }
  async update(item: Case, expectedVersion: number) {
    const found = this.items.get(item.caseId);
    if (!found || found.version !== expectedVersion) throw new ConflictError(`case ${item.caseId} changed meanwhile`);
    this.items.set(item.caseId, { case: copy(item), version: expectedVersion + 1 });
    return expectedVersion + 1;
  }
  async appendAudit(events: AuditEvent[]) {
    for (const event of events) {
      const list = this.audit.get(event.caseId) ?? [];
      if (!list.some((existing) => existing.seq === event.seq)) list.push(copy(event));
      list.sort((a, b) => a.seq - b.seq);
      this.audit.set(event.caseId, list);
    }
  }
  async hasAuditEvent(caseId: string, seq: number) {
    return (this.audit.get(caseId) ?? []).some((event) => event.seq === seq);
  }
  async listAudit(caseId: string) {
    return copy(this.audit.get(caseId) ?? []);
  }
  async listByStatus(status: Case["status"], options: ListByStatusOptions = {}) {
    return (
      [...this.items.values()]
        .map((entry) => ({ item: entry.case, key: queueKey(entry.case) }))
        .filter(
          ({ item, key }) =>
            item.status === status &&
            (!options.priority || item.priority === options.priority) &&
            (options.after === undefined || key > options.after),
        )
        // As the DynamoDB queue's sort key (`<due>#<caseId>`): nearest due first, then case id.
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .slice(0, options.limit ?? 100)
        .map(({ item }) => copy(item))
    );
  }
  async listUnsettled(openedBefore: string) {
    return [...this.items.values()]
      .filter((e) => unsettled(e.case) && e.case.openedAt < openedBefore)
      .map((e) => e.case.caseId);
  }
  async findByAccount(accountId: string, limit = 20) {
    return this.newestFirst((item) => item.accountId === accountId, limit);
  }
  async findByEmailHash(hash: string, limit = 20) {
    return this.newestFirst((item) => item.reporterEmailHash === hash, limit);
  }
  async listOpenedBetween(from: string, to: string) {
    return this.newestFirst((item) => item.openedAt >= from && item.openedAt < to, Number.POSITIVE_INFINITY);
  }
  private newestFirst(match: (item: Case) => boolean, limit: number) {
    return [...this.items.values()]
      .map((entry) => entry.case)
      .filter(match)
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt))
      .slice(0, limit)
      .map(copy);
  }
}

export class InMemoryAccountIndex implements AccountIndex {
  readonly open = new Map<string, string>();
  async claim(accountId: string, caseId: string) {
    const holder = this.open.get(accountId);
    if (holder) return { claimed: false as const, caseId: holder };
    this.open.set(accountId, caseId);
    return { claimed: true as const };
  }
  async replace(accountId: string, expectedCaseId: string, caseId: string) {
    if (this.open.get(accountId) !== expectedCaseId) return false;
    this.open.set(accountId, caseId);
    return true;
  }
  async release(accountId: string, caseId: string) {
    if (this.open.get(accountId) === caseId) this.open.delete(accountId);
  }
}

export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, WebhookRecord>();
  async claim(record: WebhookRecord) {
    const existing = this.records.get(record.webhookId);
    if (existing) return { claimed: false as const, existing: copy(existing) };
    this.records.set(record.webhookId, copy(record));
    return { claimed: true as const };
  }
  async takeOver(record: WebhookRecord, staleClaimedAt: number) {
    if (this.records.get(record.webhookId)?.claimedAt !== staleClaimedAt) return false;
    this.records.set(record.webhookId, copy(record));
    return true;
  }
  async release(webhookId: string, claimedAt: number) {
    if (this.records.get(webhookId)?.claimedAt === claimedAt) this.records.delete(webhookId);
  }
  async complete(claim: WebhookRecord, result: NonNullable<WebhookRecord["result"]>) {
    this.records.set(claim.webhookId, { ...claim, state: "done", caseId: result.caseId, result });
  }
}

/** All-or-nothing over the three fakes (nothing runs between the checks and the writes). */
export class InMemoryCaseIntake implements CaseIntake {
  constructor(
    private readonly cases: InMemoryCaseStore,
    private readonly accounts: InMemoryAccountIndex,
    private readonly idempotency: InMemoryIdempotencyStore,
  ) {}
  async open({ claim, item }: { claim: WebhookRecord; expiresAt: number; item: Case }) {
    const existing = this.idempotency.records.get(claim.webhookId);
    if (existing) return { opened: false as const, reason: "duplicate" as const, existing: copy(existing) };
    const holder = this.accounts.open.get(item.accountId);
    if (holder) return { opened: false as const, reason: "account" as const, caseId: holder };
    if (this.cases.items.has(item.caseId)) throw new ConflictError(`case ${item.caseId} exists`);
    this.cases.items.set(item.caseId, { case: copy(item), version: 1 });
    this.idempotency.records.set(claim.webhookId, copy(claim));
    this.accounts.open.set(item.accountId, item.caseId);
    return { opened: true as const };
  }
}

export class InMemoryVerificationLinks implements VerificationLinks {
  readonly links = new Map<string, VerificationLink>();
  async put(link: VerificationLink) {
    this.links.set(link.tokenHash, copy(link));
  }
  async get(tokenHash: string) {
    const link = this.links.get(tokenHash);
    return link ? copy(link) : null;
  }
  async markUsed(tokenHash: string, at: number) {
    const link = this.links.get(tokenHash);
    if (!link || link.usedAt !== null) return false;
    link.usedAt = at;
    return true;
  }
}

export class InMemoryCodeSendLog implements CodeSendLog {
  readonly items = new Map<string, { sends: number[]; version: number }>();
  async get(destinationKey: string) {
    const item = this.items.get(destinationKey);
    return item ? copy(item) : { sends: [], version: 0 };
  }
  async put(destinationKey: string, sends: number[], expectedVersion: number) {
    if ((this.items.get(destinationKey)?.version ?? 0) !== expectedVersion) return false;
    this.items.set(destinationKey, { sends: [...sends], version: expectedVersion + 1 });
    return true;
  }
}

export class InMemoryDeliveryStore implements DeliveryStore {
  readonly deliveries = new Map<string, Delivery>();
  async createIfAbsent(delivery: Delivery) {
    const existing = this.deliveries.get(delivery.deliveryId);
    if (existing) return copy(existing);
    this.deliveries.set(delivery.deliveryId, copy(delivery));
    return copy(delivery);
  }
  async get(deliveryId: string) {
    const found = this.deliveries.get(deliveryId);
    return found ? copy(found) : null;
  }
  async update(delivery: Delivery) {
    if (this.deliveries.get(delivery.deliveryId)?.version !== delivery.version) return false;
    this.deliveries.set(delivery.deliveryId, { ...copy(delivery), version: delivery.version + 1 });
    return true;
  }
}

export class RecordingEmailSender implements EmailSender {
  readonly sent: Email[] = [];
  failNext = 0;
  /** Refuses every send for good with this reason class (as SES refuses a sandbox recipient). */
  undeliverable: MessageFailureReason | null = null;
  async send(email: Email) {
    if (this.undeliverable) throw new MessageUndeliverableError("email", this.undeliverable);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error("SES down"), { name: "TransientError" });
    }
    this.sent.push(copy(email));
  }
}

export class RecordingSmsSender implements SmsSender {
  readonly sent: Array<{ to: string; text: string }> = [];
  failNext = 0;
  /** Refuses every send for good with this reason class (as End User Messaging refuses an opted-out number). */
  undeliverable: MessageFailureReason | null = null;
  async send(sms: { to: string; text: string }) {
    if (this.undeliverable) throw new MessageUndeliverableError("sms", this.undeliverable);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error("SMS down"), { name: "TransientError" });
    }
    this.sent.push(copy(sms));
  }
}

export class FakeWorkflowClient implements WorkflowClient {
  readonly started: Array<{ kind: "case" | "timer"; name: string; input: unknown }> = [];
  readonly stopped: string[] = [];
  readonly responses: Array<{ token: string; outcome: "success" | "failure"; output?: unknown; error?: string }> = [];
  failStarts = 0;
  async startCase(name: string, input: { caseId: string; generation: number }) {
    if (this.failStarts > 0) {
      this.failStarts -= 1;
      throw Object.assign(new Error("throttled"), { name: "TransientError" });
    }
    if (this.started.some((s) => s.name === name)) return "existed" as const;
    this.started.push({ kind: "case", name, input: copy(input) });
    return "started" as const;
  }
  async startTimer(name: string, input: TimerInput) {
    if (!this.started.some((s) => s.name === name)) this.started.push({ kind: "timer", name, input: copy(input) });
  }
  async stopTimer(name: string) {
    this.stopped.push(name);
  }
  async sendTaskSuccess(token: string, output: unknown) {
    this.responses.push({ token, outcome: "success", output: copy(output) });
    return true;
  }
  /** Task responses that fail (as a throttled SendTaskFailure would) before one goes through. */
  failResponses = 0;
  async sendTaskFailure(token: string, error: string) {
    if (this.failResponses > 0) {
      this.failResponses -= 1;
      throw Object.assign(new Error("throttled"), { name: "TransientError" });
    }
    this.responses.push({ token, outcome: "failure", error });
    return true;
  }
}

export class FakeClock implements Clock {
  constructor(public current = Date.parse("2026-11-25T08:00:00.000Z")) {}
  now() {
    return this.current;
  }
  advance(seconds: number) {
    this.current += seconds * 1000;
  }
  /** The back-offs asked for, in order. */
  readonly slept: number[] = [];
  /** Records the wait and yields to other pending work once, without moving time. */
  async sleep(ms: number) {
    this.slept.push(ms);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function fakeIds(clock: Clock): IdGenerator {
  // Real ULIDs on the fake clock: case references must look like production ones (replies match them strictly).
  const ulid = monotonicFactory(() => 0.5);
  let byte = 0;
  return {
    caseId: () => `c_${ulid(clock.now())}`,
    randomBytes: (size) => Uint8Array.from({ length: size }, () => (byte = (byte + 37) % 250)),
  };
}

/** Fixed secrets for tests, validated like the real ones. */
export { StaticSecretSource } from "../secrets/secret-sources.js";

export class RecordingEventPublisher implements EventPublisher {
  readonly events: Array<{ type: string; detail: Record<string, unknown> }> = [];
  async publish(type: string, detail: Record<string, unknown>) {
    this.events.push({ type, detail: copy(detail) });
  }
}

export class ScriptedTransport implements WebhookTransport {
  readonly requests: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  readonly script: Array<{ status: number; retryAfter?: string }> = [];
  async post(request: { url: string; headers: Record<string, string>; body: string }) {
    this.requests.push(copy(request));
    return this.script.shift() ?? { status: 200 };
  }
}

export class CountingMetrics implements Metrics {
  readonly counts: Record<string, number> = {};
  /** Every data point, in order, with its dimensions. */
  readonly points: Array<{ name: string; value: number; dimensions: Record<string, string | undefined> }> = [];
  count(name: string, value = 1, dimensions: Record<string, string | undefined> = {}) {
    this.counts[name] = (this.counts[name] ?? 0) + value;
    this.points.push({ name, value, dimensions: { ...dimensions } });
  }
  duration(name: string, milliseconds: number, dimensions: Record<string, string | undefined> = {}) {
    this.points.push({ name, value: milliseconds, dimensions: { ...dimensions } });
  }
}

/** The outbound queue in a map, ordered like the table's (rank, enqueue time, id). */
export class InMemoryOutboundQueue implements OutboundQueue {
  readonly items = new Map<string, QueuedMessage>();
  readonly backlog = new Set<OutboundChannel>();
  private id = (message: QueuedMessage) => `${message.channel}|${message.id}`;
  async enqueue(message: QueuedMessage) {
    this.items.set(this.id(message), copy(message));
    this.backlog.add(message.channel);
  }
  async peek(channel: OutboundChannel, limit: number) {
    return [...this.items.values()]
      .filter((message) => message.channel === channel)
      .sort(compareOutbound)
      .slice(0, limit)
      .map(copy);
  }
  async update(message: QueuedMessage) {
    if (this.items.has(this.id(message))) this.items.set(this.id(message), copy(message));
  }
  async remove(message: QueuedMessage) {
    this.items.delete(this.id(message));
  }
  async peekStaff(channel: OutboundChannel, limit: number) {
    return (await this.peek(channel, Number.POSITIVE_INFINITY)).filter(isStaffPage).slice(0, limit);
  }
  async removeMany(messages: QueuedMessage[]) {
    for (const message of messages) this.items.delete(this.id(message));
  }
  async hasBacklog(channel: OutboundChannel) {
    return this.backlog.has(channel);
  }
  async clearBacklog(channel: OutboundChannel) {
    this.backlog.delete(channel);
  }
}
