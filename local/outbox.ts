import { appendFileSync, existsSync, readFileSync } from "node:fs";

/** A message as the `/_local/messages` endpoint shows it. */
export interface OutboxMessage {
  channel: "email" | "sms";
  to: string;
  subject?: string;
  text: string;
  html?: string;
  /** Email: where a reply goes (a verification email's per-challenge `replies+<nonce>@` address). */
  replyTo?: string;
  /** Virtual time (ISO). */
  sentAt: string;
}

/**
 * Every email and SMS the local runtime "sent", in order, appended to a JSON-lines file so the
 * inbox survives a restart like the rest of the data.
 */
export class Outbox {
  private readonly messages: OutboxMessage[] = [];

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, "utf8").split("\n")) if (line.trim()) this.messages.push(JSON.parse(line));
    }
  }

  add(message: OutboxMessage): void {
    this.messages.push(message);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  /** Newest first; `to` matches an email address (case-insensitive) or a phone number. */
  list(to?: string): OutboxMessage[] {
    const wanted = to?.trim().toLowerCase();
    return this.messages.filter((message) => !wanted || message.to.toLowerCase() === wanted).reverse();
  }

  count(): number {
    return this.messages.length;
  }
}
