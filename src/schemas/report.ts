import * as z from "zod";
import { SignalsSchema } from "../domain/case-record.js";
import { INCIDENT_TYPES } from "../domain/types.js";

/** Largest accepted webhook body (docs/openapi.json: body ≤ 32 KiB). */
export const MAX_REPORT_BYTES = 32 * 1024;

const E164 = /^\+[1-9]\d{6,14}$/;

export const ReporterSchema = z
  .object({
    email: z.email().max(254),
    phone: z.string().regex(E164, "must be an E.164 phone number such as +14155550100").optional(),
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or es-MX")
      .max(35)
      .optional(),
  })
  .strict();

/** The body of `POST /v1/reports` (an `incident.reported` Standard Webhook). */
export const ReportWebhookSchema = z.object({
  type: z.literal("incident.reported"),
  timestamp: z.iso.datetime({ offset: true }),
  data: z
    .object({
      accountId: z
        .string()
        .min(1)
        .max(128)
        .regex(/^[\w.:@-]+$/, "may contain letters, digits and _ . : @ - only"),
      incidentType: z.enum(INCIDENT_TYPES),
      reporter: ReporterSchema,
      description: z.string().max(4000).optional(),
      signals: SignalsSchema.optional(),
    })
    .strict(),
});
export type ReportWebhook = z.infer<typeof ReportWebhookSchema>;
export type Report = ReportWebhook["data"];
