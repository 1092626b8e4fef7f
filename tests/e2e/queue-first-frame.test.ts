import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleServer } from "../../local/console-server.js";
import { launchChromium } from "./browser.js";

const TOKEN = "queue-test-operator-token-0123456789";
const CASES = 150;

/** `CASES` queue entries (the shape `GET /v1/cases` answers), nearest due first. */
function queue(now: number) {
  return Array.from({ length: CASES }, (_, i) => {
    const dueAt = new Date(now + (i + 1) * 60_000).toISOString();
    const clock = { dueAt, metAt: null, warnedAt: [], breachedAt: null };
    return {
      caseId: `c_01QUEUE${String(i).padStart(18, "0")}`,
      accountId: `acct_${i}`,
      incidentType: "phishing",
      priority: "P3",
      status: "open",
      assignee: null,
      lock: { state: "none", scopes: [] },
      verification: { email: "pending", sms: "not_used", identity: "pending", denied: false },
      sla: {
        containment: null,
        firstResponse: clock,
        resolution: { ...clock, dueAt: new Date(now + 86_400_000).toISOString() },
      },
      nearestDueAt: dueAt,
      acknowledgedAt: null,
      openedAt: new Date(now).toISOString(),
      escalations: 0,
    };
  });
}

/**
 * A long queue's first frame holds one screen of rows and the rest follow right after
 * (`FIRST_FRAME_ROWS` in `console/src/queue-page.tsx`): every case still ends up in the table, in
 * order, from a single API call made as the script starts.
 */
describe("operator console queue of more than a screen (Chromium)", () => {
  let http: Server;
  let origin: string;
  let browser: Browser;
  const calls: Array<{ path: string; at: number }> = [];

  beforeAll(async () => {
    const consoleServer = createConsoleServer({
      identify: (token) => (token === TOKEN ? { agent: "queue-test", groups: ["agents"] } : null),
    });
    http = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/v1/cases") {
        calls.push({ path: `${url.pathname}${url.search}`, at: Date.now() });
        response.writeHead(200, { "content-type": "application/json", date: new Date().toUTCString() });
        return void response.end(JSON.stringify({ cases: queue(Date.now()) }));
      }
      consoleServer(request, response, url).catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  });

  it("shows every case of a 150-case queue, nearest due first, from one request", async () => {
    // Prepare
    const context = await browser.newContext();
    await context.addInitScript(`sessionStorage.setItem("vigil.token", ${JSON.stringify(TOKEN)})`);
    const page = await context.newPage();

    // Act
    await page.goto(`${origin}/console/`);
    const rows = page.locator("table.queue tbody tr");
    await expect.poll(() => rows.count()).toBe(CASES);

    // Assess
    expect(await rows.first().locator("th").textContent()).toBe("c_01QUEUE000000000000000000");
    expect(await rows.last().locator("th").textContent()).toBe(`c_01QUEUE${String(CASES - 1).padStart(18, "0")}`);
    expect(await page.getByRole("table").locator("caption").textContent()).toContain(`${CASES} cases`);
    // One request at start (the script's, taken by the page), then one per refresh (every 5 s): never
    // two within a refresh interval.
    expect(calls[0]?.path).toBe("/v1/cases?limit=100");
    const gaps = calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));
    expect(gaps.filter((gap) => gap < 4000)).toEqual([]);
    await context.close();
  });

  it("mounts the queue with its first page when the API answers promptly: no empty queue is drawn first", async () => {
    // Prepare: record every state of the page's main region from before the console's script runs.
    const context = await browser.newContext();
    await context.addInitScript(`sessionStorage.setItem("vigil.token", ${JSON.stringify(TOKEN)})`);
    await context.addInitScript(`window.vigilStates = [];
      new MutationObserver(() => {
        const main = document.getElementById("main");
        const rows = document.querySelectorAll("table.queue tbody tr").length;
        window.vigilStates.push((main?.textContent?.includes("Loading the queue") ? "loading" : "") + "|" + rows);
      }).observe(document, { childList: true, subtree: true });`);
    const page = await context.newPage();

    // Act
    await page.goto(`${origin}/console/`);
    await expect.poll(() => page.locator("table.queue tbody tr").count()).toBe(CASES);

    // Assess: the first state with the queue page in it already has rows, and none was "Loading".
    const states = (await page.evaluate("window.vigilStates")) as string[];
    expect(states.filter((state) => state.startsWith("loading"))).toEqual([]);
    expect(states.find((state) => state !== "|0")).toMatch(/^\|[1-9]/);
    await context.close();
  });
});
