import { useEffect, useRef, useState } from "preact/hooks";
import { serverNow } from "./api.js";

/** Moves focus to the page's heading after a navigation, so screen readers and keyboards start there. */
export function useFocusHeading(key: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [key]);
  return ref;
}

/** The server's time, re-read every second (live countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * Runs `load` now and then every `everyMs` (the queue refreshes itself), skipping a round while the
 * previous one is still running. `deps` restart it; `load` gets `current()`, false once they did (or
 * the page left), so a round still reading the old filters' pages stops and shows none of them.
 */
export function usePolling(load: (current: () => boolean) => Promise<void>, everyMs: number, deps: unknown[]): void {
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const current = () => !stopped;
    const round = async () => {
      try {
        await load(current);
      } finally {
        if (!stopped) timer = setTimeout(round, everyMs);
      }
    };
    void round();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
}
