import * as z from "zod";
import { ANCHOR_ALGORITHMS, type Anchor } from "../domain/audit-anchor.js";

export type { Anchor } from "../domain/audit-anchor.js";

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** An anchor as read from its store (S3 object or file). */
export const AnchorSchema: z.ZodType<Anchor> = z.object({
  version: z.literal(1),
  anchorSeq: z.number().int().positive(),
  at: z.string(),
  prevAnchorHash: Hex64,
  root: Hex64,
  leafCount: z.number().int().nonnegative(),
  keyId: z.string(),
  algorithm: z.enum(ANCHOR_ALGORITHMS),
  leaves: z.array(z.object({ caseId: z.string(), seq: z.number().int().nonnegative(), head: z.string() })),
  signature: z.string(),
});
