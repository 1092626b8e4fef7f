import * as z from "zod";

/** Stored items other than cases, parsed on read like cases are. */

export const WebhookRecordSchema = z.object({
  webhookId: z.string(),
  bodyHash: z.string(),
  state: z.enum(["claimed", "done"]),
  claimedAt: z.number(),
  caseId: z.string().optional(),
  result: z.object({ caseId: z.string(), status: z.string(), priority: z.string(), merged: z.boolean() }).optional(),
});

export const VerificationLinkSchema = z.object({
  tokenHash: z.string(),
  caseId: z.string(),
  recipient: z.string(),
  purpose: z.enum(["verify_reporter", "reopen_case", "email_reply"]),
  generation: z.number(),
  expiresAt: z.number(),
  usedAt: z.number().nullable(),
});
