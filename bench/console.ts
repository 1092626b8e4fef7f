/**
 * `npm run bench:console`: first render of a 500-case queue in headless Chromium (Debian's
 * `/usr/bin/chromium`, driven by playwright-core). A benchmark, not a test: it prints figures and
 * asserts nothing. Target (issue 16): ≤ 300 ms.
 *
 * The console is served as the local runtime serves it (same build, same CSP); `/v1/cases` is a
 * stub answering 500 synthetic cases at once, so the figure is the console's, not the API's. Each
 * repeat is a fresh page load in a fresh browser context. Two figures per load, from the page's
 * own Performance timeline:
 * - `navigation → rows`: from the start of the navigation to the 500 rows painted (HTML, JS,
 *   config, the API answer, render);
 * - `data → rows`: from the API answer parsed to the 500 rows painted (the render alone);
 * and, in the same context right after, a baseline: the same rows as static HTML (no script),
 * navigation → first contentful paint, so a loaded machine shows as a ratio rather than a guess.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { chromium } from "playwright-core";
import { createConsoleServer } from "../local/console-server.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../tests/e2e/browser.js";
import { median } from "./lib/stats.js";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(
    "usage: npm run bench:console [-- --cases N --repeats R]   first render of an N-case queue (default 500, 10 repeats)\n",
  );
  process.exit(0);
}
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const CASES = arg("cases", 500);
const REPEATS = arg("repeats", 10);
const TOKEN = "bench-operator-token-0123456789";

const TYPES = ["phishing", "malware", "unauthorized_access", "sim_swap", "key_compromise", "other"];
const STATUSES = ["open", "awaiting_verification", "verified"];
function syntheticCases(count: number, now: number) {
  return Array.from({ length: count }, (_, i) => {
    const due = new Date(now + (i - 50) * 60_000).toISOString();
    const clock = (offset: number, warned: boolean, breached: boolean) => ({
      dueAt: new Date(now + (i - 50 + offset) * 60_000).toISOString(),
      metAt: null,
      warnedAt: warned ? [new Date(now).toISOString()] : [],
      breachedAt: breached ? new Date(now).toISOString() : null,
    });
    return {
      caseId: `c_01BENCH${String(i).padStart(18, "0")}`,
      accountId: `acct_${i}`,
      incidentType: TYPES[i % TYPES.length],
      incidentTypes: [TYPES[i % TYPES.length]],
      priority: `P${(i % 4) + 1}`,
      status: STATUSES[i % STATUSES.length],
      assignee: i % 3 === 0 ? null : `agent-${i % 7}`,
      lock: { state: i % 2 ? "applied" : "none", scopes: i % 2 ? ["login", "withdrawals"] : [] },
      verification: { email: "pending", sms: "pending", identity: "pending", denied: false },
      sla: {
        containment: i % 2 ? clock(0, false, false) : null,
        firstResponse: clock(1, i < 80, i < 50),
        resolution: clock(240, false, false),
      },
      nearestDueAt: due,
      acknowledgedAt: null,
      openedAt: new Date(now - 3_600_000).toISOString(),
      escalations: 0,
    };
  });
}

const consoleServer = createConsoleServer({
  identify: (token) => (token === TOKEN ? { agent: "bench", groups: ["agents"] } : null),
});
const body = JSON.stringify({ cases: syntheticCases(CASES, Date.now()) });
/** The baseline: the same 500 rows as static HTML (no script), painted by the browser alone. */
const cases = JSON.parse(body) as { cases: Array<Record<string, unknown> & { caseId: string; nearestDueAt: string }> };
const baselineHtml = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title></head><body><table class="queue"><tbody>${cases.cases
  .map(
    (item) =>
      `<tr><th><a href="#">${item.caseId}</a></th><td>${item.priority}</td><td>${item.status}</td><td>${item.incidentType}</td><td>${item.assignee ?? "Unassigned"}</td><td>due ${item.nearestDueAt}</td><td>On time</td><td>${(item.lock as { state: string }).state}</td></tr>`,
  )
  .join("")}</tbody></table></body></html>`;

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/baseline") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    return void response.end(baselineHtml);
  }
  if (url.pathname === "/v1/cases") {
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    return void response.end(body);
  }
  consoleServer(request, response, url).catch((error: unknown) => {
    response.writeHead(500);
    response.end(String(error));
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
const total: number[] = [];
const render: number[] = [];
const baseline: number[] = [];
try {
  // Warm the build (esbuild on first request) and the browser's caches are per context: a fresh one each time.
  await fetch(`${base}/console/app.js`);
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const context = await browser.newContext();
    // Signed in before the first script runs (an init script runs outside the page's CSP).
    await context.addInitScript(`sessionStorage.setItem("vigil.token", ${JSON.stringify(TOKEN)})`);
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await page.waitForFunction(() => performance.getEntriesByName("vigil:queue-rendered").length > 0, undefined, {
      timeout: 30_000,
    });
    const rows = await page.locator("table.queue tbody tr").count();
    if (rows !== CASES) throw new Error(`expected ${CASES} rows, saw ${rows}`);
    const marks = await page.evaluate(() => ({
      rendered: performance.getEntriesByName("vigil:queue-rendered")[0]?.startTime ?? Number.NaN,
      data: performance.getEntriesByName("vigil:queue-data")[0]?.startTime ?? Number.NaN,
    }));
    total.push(marks.rendered);
    render.push(marks.rendered - marks.data);
    // The baseline in the same conditions, right after: static HTML, first contentful paint.
    const plain = await context.newPage();
    await plain.goto(`${base}/baseline`);
    await plain.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0);
    baseline.push(
      await plain.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN),
    );
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const fmt = (values: number[]) =>
  `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
process.stdout.write(
  `first render of a ${CASES}-case queue, ${REPEATS} fresh page loads, Chromium ${browser.version()}:\n` +
    `  navigation → rows painted   ${fmt(total)}   target ≤ 300 ms: ${median(total) <= 300 ? "met" : "not met"}\n` +
    `  API answer → rows painted   ${fmt(render)}\n` +
    `  baseline: the same rows as static HTML, navigation → first paint   ${fmt(baseline)}\n` +
    `  console ÷ baseline (medians)   ${(median(total) / median(baseline)).toFixed(1)}×   (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs)\n`,
);
