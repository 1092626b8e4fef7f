import { token } from "./auth.js";
import type { Problem } from "./types.js";

/** An API answer that was not 2xx, with its problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `The API answered ${status}.`);
    this.name = "ApiError";
  }
}

/** Called when the API answers 401: the session ended. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(callback: () => void): void {
  onUnauthorized = callback;
}

/**
 * The server's clock minus this browser's, from the `Date` header of the last answer. Countdowns
 * use the server's time: the local runtime's clock can be moved forward, and laptops drift.
 */
let skewMs = 0;
export const serverNow = (): number => Date.now() + skewMs;

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      cache: "no-store",
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, { title: "Network error", detail: "The API cannot be reached. Is the server running?" });
  }
  const date = response.headers.get("date");
  if (date) {
    const at = Date.parse(date);
    // The header has one-second precision: only a difference above that is skew.
    if (Number.isFinite(at) && Math.abs(at - Date.now() - skewMs) > 1500) skewMs = at - Date.now();
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (response.status === 401) onUnauthorized();
    const problem = (parsed ?? {}) as Problem;
    throw new ApiError(response.status, {
      ...problem,
      detail: problem.detail ?? problem.title ?? `The API answered ${response.status}.`,
    });
  }
  return parsed as T;
}

/**
 * One GET started before the page that wants it is rendered (the queue's first load starts with the
 * script, beside `config.json`, instead of after the first paint of an empty page). Taken once; once
 * it answered, the page can also read its answer synchronously for its first render (`answered`).
 */
interface Early {
  path: string;
  answer: Promise<unknown>;
  /** The answer, once it came. */
  value?: unknown;
}
let early: Early | null = null;

/** Starts `GET path` now; the next `api.get(path)` takes its answer. */
export function prefetch(path: string): void {
  const entry: Early = { path, answer: call<unknown>("GET", path) };
  // Not awaited until a page asks: keep an early failure from being reported as unhandled.
  entry.answer.then(
    (value) => {
      entry.value = value;
    },
    () => undefined,
  );
  early = entry;
}

/**
 * Waits up to `ms` for the prefetched answer (the script mounts the console with it, so the first
 * frame already holds the queue's top; the static "Loading…" shell is on screen meanwhile).
 */
export async function prefetched(ms: number): Promise<void> {
  const pending = early?.answer;
  if (!pending) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([pending.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The prefetched answer to `GET path` if it already came (not taken: the next `api.get` still takes it). */
export function answered<T>(path: string): T | undefined {
  return early?.path === path ? (early.value as T | undefined) : undefined;
}

function take<T>(path: string): Promise<T> | null {
  if (early?.path !== path) return null;
  const { answer } = early;
  early = null;
  // A 401 before the console listened for it: tell the listener now.
  return (answer as Promise<T>).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) onUnauthorized();
    throw error;
  });
}

export const api = {
  get: <T>(path: string) => take<T>(path) ?? call<T>("GET", path),
  post: <T>(path: string, body: unknown) => call<T>("POST", path, body),
};

/** One line for a failed call: the problem's detail and, for validation, each field's message. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = (error.problem.errors ?? []).map((entry) => `${entry.path}: ${entry.message}`);
    return [error.problem.detail ?? error.message, ...fields].join(" · ");
  }
  return error instanceof Error ? error.message : String(error);
}
