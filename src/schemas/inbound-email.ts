import * as z from "zod";

/** Largest raw message considered (SNS carries at most 150 KB; a "YES" reply is a few KB). */
export const MAX_INBOUND_EMAIL_CHARS = 256 * 1024;

/** SES verdict statuses: `PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED`, `DISABLED` (any case accepted). */
const VerdictStatus = z.string().max(32);

/**
 * A received email as the reply use case takes it: the raw MIME, the receiving server's SPF, DKIM and
 * DMARC verdicts, the `From` mailboxes as the receiving server parsed them (SES `mail.commonHeaders.from`:
 * a second, independent reading the reply's own `From` must agree with), and the envelope recipients
 * (SES `receipt.recipients`: which `replies+<nonce>@` address the reply was delivered to).
 * `envelopeFrom` (the SMTP `MAIL FROM`) is accepted for parity with SES but not decisive: DMARC
 * authenticates the `From` header, and forwarders rewrite the envelope (SRS).
 */
export const InboundEmailSchema = z.object({
  rawMime: z.string().min(1).max(MAX_INBOUND_EMAIL_CHARS),
  verdicts: z.object({ spf: VerdictStatus, dkim: VerdictStatus, dmarc: VerdictStatus }),
  sesFrom: z.array(z.string().max(998)).max(50).default([]),
  recipients: z.array(z.string().max(320)).max(50).default([]),
  envelopeFrom: z.string().max(512).optional(),
});
export type InboundEmail = z.infer<typeof InboundEmailSchema>;

const Verdict = z.object({ status: VerdictStatus }).loose();

/**
 * What a verdict absent from the notification counts as: not `PASS`. SES's own sample of an SNS-action notification
 * has no `dmarcVerdict` (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-examples.html), so
 * a missing verdict is a reply that is simply not authenticated, never an unreadable notification.
 */
export const MISSING_VERDICT = "MISSING";

/** Base64 text only (RFC 4648 alphabet, padding, line breaks): a MIME message always has `Name: value` headers. */
const BASE64_ONLY = /^[A-Za-z0-9+/=\r\n]+$/;

/**
 * The raw message of an SNS-action notification. The action's `encoding` says how SES wrote it when present
 * (`BASE64` / `UTF8`, any case); SES's documented sample carries no `encoding`, so without one the content is
 * decoded as Base64 only when it is nothing but Base64 text, which a MIME message (headers with `:` and spaces)
 * never is. https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-sns.html
 */
export function rawMimeOf(content: string, encoding: string | undefined): string {
  const declared = encoding?.replace(/[^a-z0-9]/gi, "").toUpperCase();
  const base64 = declared === undefined ? BASE64_ONLY.test(content) : declared === "BASE64";
  return base64 ? Buffer.from(content, "base64").toString("utf8") : content;
}

/**
 * The SES receipt notification an SNS action publishes (`notificationType: "Received"`, with the
 * message in `content`), turned into an {@link InboundEmail}. The receipt rule publishes UTF-8; a
 * Base64-encoded action is decoded too. A missing verdict becomes {@link MISSING_VERDICT}.
 */
export const SesReceivedNotificationSchema = z
  .object({
    notificationType: z.literal("Received"),
    mail: z
      .object({
        source: z.string().max(512).optional(),
        commonHeaders: z
          .object({ from: z.array(z.string()).optional() })
          .loose()
          .optional(),
      })
      .loose(),
    receipt: z
      .object({
        spfVerdict: Verdict.optional(),
        dkimVerdict: Verdict.optional(),
        dmarcVerdict: Verdict.optional(),
        action: z
          .object({ encoding: z.string().max(32).optional() })
          .loose()
          .optional(),
        recipients: z.array(z.string()).optional(),
      })
      .loose(),
    content: z
      .string()
      .min(1)
      .max(MAX_INBOUND_EMAIL_CHARS * 2),
  })
  .loose()
  .transform(
    (notification): z.input<typeof InboundEmailSchema> => ({
      rawMime: rawMimeOf(notification.content, notification.receipt.action?.encoding),
      verdicts: {
        spf: notification.receipt.spfVerdict?.status ?? MISSING_VERDICT,
        dkim: notification.receipt.dkimVerdict?.status ?? MISSING_VERDICT,
        dmarc: notification.receipt.dmarcVerdict?.status ?? MISSING_VERDICT,
      },
      sesFrom: notification.mail.commonHeaders?.from ?? [],
      recipients: notification.receipt.recipients ?? [],
      envelopeFrom: notification.mail.source,
    }),
  )
  .pipe(InboundEmailSchema);

/** The SNS event that invokes `receive-email-reply`: each record's `Message` is a SES notification (JSON text). */
export const SnsEventSchema = z.object({
  Records: z.array(z.object({ Sns: z.object({ Message: z.string() }).loose() }).loose()),
});
