import { useEffect, useRef } from "preact/hooks";

/** Keys that work anywhere except while typing: what the console's help line lists. */
export const SHORTCUTS: ReadonlyArray<{ key: string; does: string }> = [
  { key: "n", does: "next case in the queue" },
  { key: "a", does: "acknowledge the open case" },
  { key: "/", does: "search cases" },
  { key: "q", does: "back to the queue" },
];

const handlers = new Map<string, Set<() => void>>();

function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  const tag = element.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
}

/** Installs the one keydown listener. */
export function installShortcuts(): void {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    const registered = handlers.get(event.key);
    if (!registered?.size) return;
    event.preventDefault();
    for (const handler of registered) handler();
  });
}

/**
 * Binds `key` to `handler` while the component is mounted. The handler of the latest render runs
 * (kept in a ref at render time): a key pressed right after the page changed acts on what it shows,
 * not on what it showed before the effect re-ran.
 */
export function useShortcut(key: string, handler: () => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    let set = handlers.get(key);
    if (!set) {
      set = new Set();
      handlers.set(key, set);
    }
    const call = () => latest.current();
    set.add(call);
    return () => set?.delete(call);
  }, [key]);
}

/** The queue's order as last shown, so "next case" follows what the agent saw. */
let queueOrder: string[] = [];
export const rememberQueue = (caseIds: string[]) => {
  queueOrder = caseIds;
};
export function nextCaseAfter(caseId: string | null): string | null {
  if (!queueOrder.length) return null;
  if (caseId === null) return queueOrder[0] ?? null;
  const index = queueOrder.indexOf(caseId);
  return queueOrder[index + 1] ?? (index === -1 ? (queueOrder[0] ?? null) : null);
}
