import type { AppConfig } from "../config/index.js";
import type { AccountIndex } from "../ports/account-index.js";
import type { CaseIntake } from "../ports/case-intake.js";
import type { CaseStore } from "../ports/case-store.js";
import type { CaseViews } from "../ports/case-views.js";
import type { Clock } from "../ports/clock.js";
import type { CodeSendLog } from "../ports/code-send-log.js";
import type { DeliveryStore } from "../ports/delivery-store.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { IdempotencyStore } from "../ports/idempotency-store.js";
import type { EmailSender, SmsSender } from "../ports/messaging.js";
import type { Metrics } from "../ports/metrics.js";
import type { EventPublisher, WebhookTransport } from "../ports/outbound-events.js";
import type { OutboundQueue } from "../ports/outbound-queue.js";
import type { RateLimiter } from "../ports/rate-limiter.js";
import type { SecretSource } from "../ports/secrets.js";
import type { VerificationLinks } from "../ports/verification-links.js";
import type { WorkflowClient } from "../ports/workflow-client.js";

/** Every port a use case may need. A handler builds them once per cold start and passes this around. */
export interface Deps {
  config: AppConfig;
  clock: Clock;
  ids: IdGenerator;
  cases: CaseStore;
  accounts: AccountIndex;
  idempotency: IdempotencyStore;
  /** A new report's webhook claim, account claim and case in one all-or-nothing write (ADR 0015). */
  intake: CaseIntake;
  senderLimiter: RateLimiter;
  links: VerificationLinks;
  /** SMS code sends per destination number, across cases. */
  codeSends: CodeSendLog;
  deliveries: DeliveryStore;
  email: EmailSender;
  sms: SmsSender;
  /** Reporter messages waiting for their channel's rate (ADR 0014). */
  outbound: OutboundQueue;
  workflow: WorkflowClient;
  events: EventPublisher | null;
  transport: WebhookTransport;
  secrets: SecretSource;
  metrics: Metrics;
  /** How the operator API presents a case (masked, scrubbed). */
  views: CaseViews;
}
