import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskGate } from "../../bench/lib/hold.js";
import { seedQueue, startHeldHarness } from "../fixtures/queue.js";
import type { Harness } from "./harness.js";

const CASES = 130;

interface Page {
  cases: Array<{ caseId: string; priority: string; nearestDueAt: string | null }>;
  nextCursor?: string;
}

/** The queue order: nearest due first, cases with no running clock last, ties by case id. */
const queueKey = (item: Page["cases"][number]) => `${item.nearestDueAt ?? "9999"}#${item.caseId}`;

describe("GET /v1/cases, page by page (local runtime over HTTP)", () => {
  let h: Harness;
  let gate: TaskGate;
  let seeded: string[];

  /** `GET` as an operator (not `h.operator`: it waits for the held workflows to go idle). */
  const ask = (query: string) =>
    fetch(`${h.url}/v1/cases?${query}`, { headers: { authorization: `Bearer ${h.runtime.config.operatorToken}` } });

  /** Every page of a query, following `nextCursor`. */
  async function walk(query: string): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | undefined;
    do {
      const answer = await ask(`${query}${cursor ? `&cursor=${cursor}` : ""}`);
      const body = (await answer.json()) as Page;
      expect(answer.status, JSON.stringify(body)).toBe(200);
      pages.push(body);
      cursor = body.nextCursor;
    } while (cursor && pages.length < 20);
    return pages;
  }

  beforeAll(async () => {
    ({ harness: h, gate } = await startHeldHarness());
    seeded = await seedQueue(h, gate, CASES);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("serves a queue of more than 100 cases in pages that keep the nearest-due order, each case once", async () => {
    // Act
    const pages = await walk("limit=100");
    const byDefault = await walk("");

    // Assess
    expect(pages.map((page) => page.cases.length)).toEqual([100, 30]);
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
    const ids = pages.flatMap((page) => page.cases.map((item) => item.caseId));
    expect(new Set(ids)).toEqual(new Set(seeded));
    const keys = pages.flatMap((page) => page.cases.map(queueKey));
    expect(keys).toEqual([...keys].sort());
    expect(byDefault.map((page) => page.cases.length)).toEqual([50, 50, 30]);
    expect(byDefault.flatMap((page) => page.cases.map((item) => item.caseId))).toEqual(ids);
  });

  it("keeps the filters from page to page", async () => {
    // Act: P1 (sim_swap and key_compromise: 2 of every 6 reports) in pages of 20.
    const pages = await walk("priority=P1&status=open&limit=20");

    // Assess
    const p1 = pages.flatMap((page) => page.cases);
    expect(p1.length).toBeGreaterThan(20);
    expect(p1.every((item) => item.priority === "P1")).toBe(true);
    expect(pages.map((page) => page.cases.length).slice(0, -1)).toEqual(Array(pages.length - 1).fill(20));
    expect(p1.map(queueKey)).toEqual(p1.map(queueKey).sort());
  });

  it("answers 400 problem+json for an altered cursor and for a cursor used with other filters", async () => {
    // Prepare
    const first = (await (await ask("limit=10")).json()) as Page;
    const cursor = first.nextCursor as string;
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString()) as Record<string, unknown>;
    const altered = Buffer.from(JSON.stringify({ ...decoded, after: "anything" })).toString("base64url");

    // Act
    const answers = await Promise.all([
      ask(`limit=10&cursor=${altered}`),
      ask(`limit=10&cursor=${cursor.slice(0, -2)}`),
      ask(`limit=10&cursor=${cursor}&priority=P1`),
      ask("limit=10&cursor=%7B%22after%22%3A1%7D"),
    ]);

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await answer.json()) as { errors?: Array<{ path: string }> };
      expect(problem.errors?.map((entry) => entry.path)).toContain("/cursor");
    }
    expect(cursor).not.toContain(first.cases.at(-1)?.caseId);
  });
});
