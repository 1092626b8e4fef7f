export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Overrides the configured reply address (a verification email's `replies+<nonce>@` challenge address). */
  replyTo?: string;
}

/** Outbound email (SES). */
export interface EmailSender {
  send(email: Email): Promise<void>;
}

/** Outbound SMS (AWS End User Messaging). */
export interface SmsSender {
  send(sms: { to: string; text: string }): Promise<void>;
}
