import type { RateLimiter } from "../../ports/rate-limiter.js";

/**
 * Per-process fixed-window limiter for senders. On AWS the HTTP API stage throttle is the shared
 * limit; this one protects each function instance without a table write per request.
 */
export class InProcessRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { window: number; hits: number }>();

  async hit(key: string, limit: number, windowSeconds: number, now: number) {
    const window = Math.floor(now / 1000 / windowSeconds);
    const current = this.windows.get(key);
    const entry = current && current.window === window ? current : { window, hits: 0 };
    if (this.windows.size > 10_000) this.windows.clear();
    if (entry.hits >= limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window + 1) * windowSeconds - now / 1000)) };
    }
    entry.hits += 1;
    this.windows.set(key, entry);
    return { allowed: true, retryAfterSeconds: 0 };
  }
}
