import { describe, expect, it } from "vitest";
import { ROUTES as INFRA_ROUTES } from "../../infra/stacks/service-stack.js";
import { ROUTES as LOCAL_ROUTES } from "../../local/api-routes.js";

describe("the HTTP API routes", () => {
  it("are the same on AWS and in the local gateway, with the same functions and authorizers", () => {
    // Prepare
    const normalise = (routes: Array<{ method: string; path: string; fn: string; operator: boolean }>) =>
      routes.map((route) => `${route.method} ${route.path} → ${route.fn}${route.operator ? " (operator)" : ""}`).sort();
    // Act
    const aws = normalise(INFRA_ROUTES.map((route) => ({ ...route, operator: route.access === "operator" })));
    const local = normalise(LOCAL_ROUTES);
    // Assess
    expect(local).toEqual(aws);
    expect(aws).toHaveLength(12);
  });
});
