import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskGate } from "../../bench/lib/hold.js";
import { seedQueue, startHeldHarness } from "../fixtures/queue.js";
import type { Harness } from "../integration/harness.js";
import { launchChromium, seriousViolations } from "./browser.js";

const CASES = 130;

/**
 * A queue longer than one API page (100), on the local runtime: the console follows `nextCursor`
 * until the queue ends, shows every case in the API's order, and its refresh neither drops rows
 * while it re-reads the pages nor misses a new case. Seeded through signed reports with the case
 * workflows held at their first task (tests/fixtures/queue.ts), so it takes seconds.
 */
describe("operator console queue of more than one API page (Chromium)", () => {
  let harness: Harness;
  let gate: TaskGate;
  let browser: Browser;

  /** The queue as the API orders it, every page. */
  async function apiQueue(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const answer = await fetch(`${harness.url}/v1/cases?limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
        headers: { authorization: `Bearer ${harness.runtime.config.operatorToken}` },
      });
      const page = (await answer.json()) as { cases: Array<{ caseId: string }>; nextCursor?: string };
      ids.push(...page.cases.map((item) => item.caseId));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  beforeAll(async () => {
    ({ harness, gate } = await startHeldHarness());
    await seedQueue(harness, gate, CASES);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  it("shows all 130 cases in the API's order, then a new one at its next refresh without dropping rows", async () => {
    // Prepare: signed in; a watcher records the fewest rows the table holds once it held them all.
    const context = await browser.newContext();
    await context.addInitScript(
      `sessionStorage.setItem("vigil.token", ${JSON.stringify(harness.runtime.config.operatorToken)})`,
    );
    await context.addInitScript(`new MutationObserver(() => {
      const rows = document.querySelectorAll("table.queue tbody tr").length;
      if (rows >= ${CASES}) window.vigilFewest = Math.min(window.vigilFewest ?? rows, rows);
    }).observe(document, { childList: true, subtree: true });`);
    const page = await context.newPage();
    const asked: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/v1/cases") asked.push(url.search);
    });
    const rows = page.locator("table.queue tbody tr");

    // Act
    await page.goto(`${harness.url}/console/`);
    await expect.poll(() => rows.count()).toBe(CASES);
    const shown = await rows.locator("th").allTextContents();
    const expected = await apiQueue();
    const [added] = await seedQueue(harness, gate, 1);
    await expect.poll(() => rows.count()).toBe(CASES + 1);

    // Assess
    expect(shown).toEqual(expected);
    expect(new Set(shown).size).toBe(CASES);
    expect(asked[0]).toBe("?limit=100");
    expect(asked.some((search) => /[?&]cursor=[A-Za-z0-9_-]+/.test(search))).toBe(true);
    expect(await rows.locator("th").allTextContents()).toEqual(await apiQueue());
    expect(await rows.locator("th").allTextContents()).toContain(added);
    expect(await page.evaluate("window.vigilFewest")).toBe(CASES);
    expect(await page.getByRole("table").locator("caption").textContent()).toContain(`${CASES + 1} cases`);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
