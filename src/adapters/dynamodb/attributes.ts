import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** A string attribute. */
export const s = (value: string): AttributeValue => ({ S: value });
/** A number attribute. */
export const n = (value: number): AttributeValue => ({ N: String(value) });
/** Key attributes (`pk`, `sk`, …) from a record of strings. */
export const stringAttributes = (record: Record<string, string>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, s(value)]));
