import { useEffect, useState } from "preact/hooks";

/** The console's pages, from `location.pathname`. */
export type Route =
  | { page: "queue" }
  | { page: "case"; caseId: string }
  | { page: "sla" }
  | { page: "callback" }
  | { page: "not-found" };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "");
  if (path === "/console" || path === "") return { page: "queue" };
  if (path === "/console/sla") return { page: "sla" };
  if (path === "/console/callback") return { page: "callback" };
  const match = /^\/console\/cases\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    try {
      return { page: "case", caseId: decodeURIComponent(match[1]) };
    } catch {
      return { page: "not-found" };
    }
  }
  return { page: "not-found" };
}

const listeners = new Set<() => void>();

/** Goes to a console path without a reload (History API). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const listener of listeners) listener();
}

/** The current location; re-renders on navigation and on Back/Forward. */
export function useLocation(): { pathname: string; search: string } {
  const [location, setLocation] = useState({ pathname: window.location.pathname, search: window.location.search });
  useEffect(() => {
    const update = () => setLocation({ pathname: window.location.pathname, search: window.location.search });
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return location;
}

/** Same-origin links under /console/ navigate in place (plain clicks only: a middle click opens a tab). */
export function interceptLinks(): void {
  document.addEventListener("click", (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const anchor = (event.target as Element | null)?.closest?.("a");
    const href = anchor?.getAttribute("href");
    if (!anchor || !href || anchor.target || !href.startsWith("/console/")) return;
    event.preventDefault();
    navigate(href);
  });
}

export const casePath = (caseId: string) => `/console/cases/${encodeURIComponent(caseId)}`;
