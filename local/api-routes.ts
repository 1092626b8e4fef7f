/**
 * The HTTP API's routes, as API Gateway has them on AWS (`infra/` declares the same list): method,
 * path template, the function that serves it, and whether the operator authorizer guards it.
 */
export interface Route {
  method: "GET" | "POST";
  path: string;
  fn: string;
  operator: boolean;
}

export const ROUTES: Route[] = [
  { method: "POST", path: "/v1/reports", fn: "receive-report", operator: false },
  { method: "GET", path: "/v1/verify/{token}", fn: "verify-reporter", operator: false },
  { method: "POST", path: "/v1/verify/{token}", fn: "verify-reporter", operator: false },
  { method: "POST", path: "/v1/verify/{token}/resend", fn: "verify-reporter", operator: false },
  { method: "GET", path: "/v1/cases", fn: "list-cases", operator: true },
  { method: "GET", path: "/v1/cases/{caseId}", fn: "get-case", operator: true },
  { method: "POST", path: "/v1/cases/{caseId}/actions", fn: "act-on-case", operator: true },
  { method: "GET", path: "/v1/cases/{caseId}/audit", fn: "get-case-audit", operator: true },
  { method: "POST", path: "/v1/cases/{caseId}/messages/preview", fn: "preview-reporter-message", operator: true },
  { method: "GET", path: "/v1/stats/sla", fn: "get-sla-stats", operator: true },
  { method: "GET", path: "/v1/audit/verify", fn: "verify-audit", operator: true },
  { method: "GET", path: "/v1/audit/public-key", fn: "verify-audit", operator: true },
];

/** Matches a path against the route templates; `{name}` matches one non-empty segment. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | "method" | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      })}$`,
    );
    const match = pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    try {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
      return { route, params };
    } catch {
      // Malformed percent-encoding names no resource (API Gateway answers 404 as well).
      return null;
    }
  }
  return pathMatched ? "method" : null;
}
