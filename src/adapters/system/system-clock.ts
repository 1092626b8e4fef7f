import type { Clock } from "../../ports/clock.js";

let timeSource: () => number = Date.now;

/**
 * The process clock. An embedding runtime (the local emulation, a test) may replace its time
 * source once at start-up, so every handler in the process reads the same virtual time.
 */
export const systemClock: Clock = {
  now: () => timeSource(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Replaces the process time source; returns a function that restores the previous one. */
export function setTimeSource(source: () => number): () => void {
  const previous = timeSource;
  timeSource = source;
  return () => {
    timeSource = previous;
  };
}
