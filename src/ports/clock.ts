/** The time source. Use cases never read `Date.now()` so tests and the local virtual clock control time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
