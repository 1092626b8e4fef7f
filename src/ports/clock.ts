/** The time source. Use cases never read `Date.now()` so tests and the local virtual clock control time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms` milliseconds (a retry's back-off); a fake returns at once, so tests need no timer mocking. */
  sleep(ms: number): Promise<void>;
}
