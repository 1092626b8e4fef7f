import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleServer } from "../../local/console-server.js";
import { launchChromium } from "./browser.js";
import { type FakeCognito, startFakeCognito } from "./fake-cognito.js";

const CLIENT_ID = "operator-console";
const CASE_ID = "c_01COGNITO0000000000000000";

/** One queue entry, the shape `GET /v1/cases` answers. */
function queueEntry(now: number) {
  const clock = (minutes: number) => ({
    dueAt: new Date(now + minutes * 60_000).toISOString(),
    metAt: null,
    warnedAt: [],
    breachedAt: null,
  });
  return {
    caseId: CASE_ID,
    accountId: "acct_cognito",
    incidentType: "phishing",
    priority: "P2",
    status: "open",
    assignee: null,
    lock: { state: "none", scopes: [] },
    verification: { email: "pending", sms: "not_used", identity: "pending", denied: false },
    sla: { containment: null, firstResponse: clock(30), resolution: clock(1440) },
    nearestDueAt: clock(30).dueAt,
    acknowledgedAt: null,
    openedAt: new Date(now).toISOString(),
    escalations: 0,
  };
}

/**
 * The console's Cognito sign-in (authorization code + PKCE, `console/src/auth.ts`) end to end in
 * Chromium, without AWS: `config.json` points the console at a fake hosted UI on 127.0.0.1 (as
 * `cdk deploy` points it at the Cognito domain), the CSP lets the page reach that origin's token
 * endpoint (as CloudFront's lets it reach `*.auth.<region>.amazoncognito.com`), and a stub operator
 * API accepts only a token the fake issued.
 */
describe("operator console Cognito sign-in (Chromium, fake hosted UI)", () => {
  let consoleHttp: Server;
  let consoleOrigin: string;
  let cognito: FakeCognito;
  let browser: Browser;
  /** The `authorization` header of every call the stub API received. */
  const apiCalls: string[] = [];

  beforeAll(async () => {
    let handle: ReturnType<typeof createConsoleServer> | undefined;
    consoleHttp = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (url.pathname.startsWith("/v1/")) {
        const authorization = String(request.headers.authorization ?? "");
        apiCalls.push(authorization);
        if (!cognito.issued.some((token) => authorization === `Bearer ${token}`)) {
          response.writeHead(401, { "content-type": "application/problem+json" });
          return void response.end(JSON.stringify({ title: "Unauthorized", status: 401 }));
        }
        response.writeHead(200, { "content-type": "application/json", date: new Date().toUTCString() });
        return void response.end(
          JSON.stringify({ cases: url.pathname === "/v1/cases" ? [queueEntry(Date.now())] : [] }),
        );
      }
      handle?.(request, response, url).catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
    });
    await new Promise<void>((resolve) => consoleHttp.listen(0, "127.0.0.1", resolve));
    consoleOrigin = `http://127.0.0.1:${(consoleHttp.address() as AddressInfo).port}`;
    cognito = await startFakeCognito({
      clientId: CLIENT_ID,
      redirectUri: `${consoleOrigin}/console/callback`,
      consoleOrigin,
    });
    handle = createConsoleServer({
      identify: () => null,
      config: { mode: "cognito", domain: cognito.origin, clientId: CLIENT_ID },
      connectSrc: [cognito.origin],
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await cognito?.stop();
    await new Promise<void>((resolve) => (consoleHttp ? consoleHttp.close(() => resolve()) : resolve()));
  });

  /** Opens the console, signs in at the fake hosted UI as `username`, and waits for the return. */
  async function signIn(context: BrowserContext, username: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${consoleOrigin}/console/`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${cognito.origin}/oauth2/authorize?**`);
    await page.getByLabel("Username").fill(username);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${consoleOrigin}/console/**`);
    return page;
  }

  it("signs in with the code flow and PKCE S256, then calls the API with the issued token", async () => {
    // Prepare
    const context = await browser.newContext();
    const exchangesBefore = cognito.exchanges.length;

    // Act
    const page = await signIn(context, "alice");
    await page.getByRole("heading", { name: "Case queue" }).waitFor();
    await page.getByRole("link", { name: CASE_ID }).waitFor();

    // Assess
    const exchange = cognito.exchanges.slice(exchangesBefore);
    expect(exchange).toEqual([
      { clientId: CLIENT_ID, redirectUri: `${consoleOrigin}/console/callback`, verifierMatched: true, refused: null },
    ]);
    const token = cognito.issued.at(-1);
    expect(apiCalls).toContain(`Bearer ${token}`);
    expect(await page.getByText("Signed in as alice").count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe("/console/");
    expect(await page.evaluate(`sessionStorage.getItem("vigil.pkce")`)).toBeNull();
    expect(cognito.refusedAuthorizations).toEqual([]);
    await context.close();
  });

  it("does not get a token when the code verifier is not the one whose challenge was sent", async () => {
    // Prepare: on the way back, the verifier the tab kept is replaced before the console reads it.
    const context = await browser.newContext();
    await context.addInitScript(`
      if (location.pathname === "/console/callback") {
        const saved = JSON.parse(sessionStorage.getItem("vigil.pkce") || "null");
        if (saved) sessionStorage.setItem("vigil.pkce", JSON.stringify({ ...saved, verifier: "x".repeat(64) }));
      }`);
    const issuedBefore = cognito.issued.length;
    const exchangesBefore = cognito.exchanges.length;

    // Act
    const page = await signIn(context, "mallory");
    const alert = page.getByRole("alert");
    await alert.waitFor();

    // Assess
    expect(await alert.textContent()).toContain("the token exchange answered 400");
    expect(cognito.exchanges.slice(exchangesBefore).map((exchange) => exchange.refused)).toEqual([
      "invalid_grant: code_verifier does not match the challenge",
    ]);
    expect(cognito.issued.length).toBe(issuedBefore);
    expect(await page.evaluate(`sessionStorage.getItem("vigil.token")`)).toBeNull();
    await context.close();
  });

  it("refuses an answer whose state is not the one it sent, without redeeming the code", async () => {
    // Prepare: a sign-in started in this tab, and a callback carrying another state (a forged link).
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${consoleOrigin}/console/`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${cognito.origin}/oauth2/authorize?**`);
    const exchangesBefore = cognito.exchanges.length;

    // Act
    await page.goto(`${consoleOrigin}/console/callback?code=forged-code&state=not-the-state`);
    const alert = page.getByRole("alert");
    await alert.waitFor();

    // Assess
    expect(await alert.textContent()).toContain("the answer does not match");
    expect(cognito.exchanges.length).toBe(exchangesBefore);
    expect(await page.evaluate(`sessionStorage.getItem("vigil.token")`)).toBeNull();
    await context.close();
  });
});
