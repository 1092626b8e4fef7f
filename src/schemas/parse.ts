import type * as z from "zod";
import { ValidationError } from "../errors/index.js";

/** Parses JSON text; a syntax error becomes a 400 that says where. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError("the body is not valid JSON", [{ path: "", message: (error as Error).message }], {
      cause: error,
    });
  }
}

/** Validates with a zod schema; every issue becomes a `{ path, message }` entry of the 400. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    "the body does not match the schema",
    result.error.issues.map((issue) => ({
      path: issue.path.length ? `/${issue.path.map(String).join("/")}` : "",
      message: issue.message,
    })),
  );
}
