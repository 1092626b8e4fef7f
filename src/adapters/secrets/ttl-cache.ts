import type { Clock } from "../../ports/clock.js";

/** How long a loaded secret is trusted before it is read again: a rotation reaches warm functions within it. */
export const SECRET_TTL_MS = 5 * 60_000;

/**
 * One value loaded on demand and kept for `ttlMs` on the {@link Clock}. A load that fails (the
 * service errored, or the value did not validate) is never kept: the next call loads again.
 * Concurrent callers share the load in flight.
 */
export class TtlCache<T> {
  private entry?: { value: Promise<T>; loadedAt: number };

  constructor(
    private readonly load: () => Promise<T>,
    private readonly clock: Clock,
    private readonly ttlMs = SECRET_TTL_MS,
  ) {}

  get(): Promise<T> {
    const now = this.clock.now();
    const entry = this.entry;
    if (entry && now >= entry.loadedAt && now - entry.loadedAt < this.ttlMs) return entry.value;
    const fresh = { value: this.load(), loadedAt: now };
    this.entry = fresh;
    fresh.value.catch(() => {
      if (this.entry === fresh) this.entry = undefined;
    });
    return fresh.value;
  }
}
