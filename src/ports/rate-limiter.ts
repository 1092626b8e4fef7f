/** Fixed-window counters (the per-sender intake limit). */
export interface RateLimiter {
  hit(
    key: string,
    limit: number,
    windowSeconds: number,
    now: number,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}
