import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";

const HOUR = 3600;
const DAY = 24 * HOUR;

describe("VirtualClock", () => {
  let clock: VirtualClock;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-clock-"));
    clock = new VirtualClock();
  });

  afterEach(() => {
    clock.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fires items in due order, first-in first-out for equal times, when advanced over them", async () => {
    // Prepare
    const start = clock.now();
    const fired: string[] = [];
    clock.schedule(start + 30_000, () => fired.push("c"));
    clock.schedule(start + 10_000, () => fired.push("a"));
    clock.schedule(start + 20_000, () => fired.push("b1"));
    clock.schedule(start + 20_000, () => fired.push("b2"));
    clock.schedule(start + 40_000, () => fired.push("late"));

    // Act
    await clock.advance(30);

    // Assess
    expect(fired).toEqual(["a", "b1", "b2", "c"]);
    expect(clock.pending()).toHaveLength(1);
    expect(clock.now() - start).toBeGreaterThanOrEqual(30_000);
  });

  it("pins now() to each item's due time during an advance, so follow-up items chain without drift", async () => {
    // Prepare: an hourly loop that reschedules itself from now(), like an SLA escalation.
    const start = clock.now();
    const seen: number[] = [];
    const tick = (): void => {
      seen.push(clock.now());
      clock.schedule(clock.now() + HOUR * 1000, tick);
    };
    clock.schedule(start + HOUR * 1000, tick);

    // Act
    await clock.advance(3 * HOUR);

    // Assess: exactly three fires, each at its exact due time, and the fourth is still queued.
    expect(seen).toEqual([start + HOUR * 1000, start + 2 * HOUR * 1000, start + 3 * HOUR * 1000]);
    expect(clock.pending()).toEqual([{ at: start + 4 * HOUR * 1000, label: undefined }]);
  });

  it("awaits each item and the settle hooks before firing the next one", async () => {
    // Prepare: the first item starts asynchronous work that schedules a second item inside the window;
    // a settle hook (as the SFN emulator registers) reports when that work is done.
    const start = clock.now();
    const order: string[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    clock.onSettle(() => inFlight);
    clock.schedule(start + 1000, () => {
      order.push("first");
      inFlight = new Promise<void>((resolve) =>
        setTimeout(() => {
          clock.schedule(clock.now() + 1000, () => order.push("follow-up"));
          resolve();
        }, 20),
      );
    });
    clock.schedule(start + 5000, () => order.push("last"));

    // Act
    await clock.advance(10);

    // Assess
    expect(order).toEqual(["first", "follow-up", "last"]);
  });

  it("fires items when real time reaches them, without an advance", async () => {
    // Prepare
    let fired = false;
    const done = new Promise<void>((resolve) => {
      clock.schedule(clock.now() + 20, () => {
        fired = true;
        resolve();
      });
    });

    // Act
    await done;

    // Assess
    expect(fired).toBe(true);
    expect(clock.pending()).toEqual([]);
  });

  it("does not fire a 40-day item early (the real timer is clamped below 2^31-1 ms)", async () => {
    // Prepare
    const fired: string[] = [];
    clock.schedule(clock.now() + 40 * DAY * 1000, () => fired.push("40d"));

    // Act
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beforeAdvance = [...fired];
    await clock.advance(40 * DAY);

    // Assess
    expect(beforeAdvance).toEqual([]);
    expect(fired).toEqual(["40d"]);
  });

  it("never fires a cancelled item, and a second cancel reports false", async () => {
    // Prepare
    const fired: string[] = [];
    const item = clock.schedule(clock.now() + 1000, () => fired.push("x"));

    // Act
    const first = item.cancel();
    const second = item.cancel();
    await clock.advance(5);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(fired).toEqual([]);
  });

  it("rejects sleepUntil on abort and removes its queue item", async () => {
    // Prepare
    const controller = new AbortController();
    const sleeping = clock.sleepUntil(clock.now() + 60_000, controller.signal);

    // Act
    controller.abort(new Error("stopped"));

    // Assess
    await expect(sleeping).rejects.toThrow("stopped");
    expect(clock.pending()).toEqual([]);
  });

  it("runs concurrent advances one after the other", async () => {
    // Prepare
    const start = clock.now();
    const fired: number[] = [];
    clock.schedule(start + 15_000, () => fired.push(clock.now()));

    // Act
    await Promise.all([clock.advance(10), clock.advance(10)]);

    // Assess
    expect(fired).toEqual([start + 15_000]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(20_000);
  });

  it("keeps running after a scheduled item throws, reporting the error", async () => {
    // Prepare
    const errors: unknown[] = [];
    const fired: string[] = [];
    clock.close();
    clock = new VirtualClock({ onError: (error) => errors.push(error) });
    clock.schedule(clock.now() + 1000, () => {
      throw new Error("boom");
    });
    clock.schedule(clock.now() + 2000, () => fired.push("after"));

    // Act
    await clock.advance(3);

    // Assess
    expect(errors).toHaveLength(1);
    expect(fired).toEqual(["after"]);
  });

  it("persists the offset on advance and restores it in a new clock", async () => {
    // Prepare
    const offsetFile = join(dir, "state", "clock.json");
    const first = new VirtualClock({ offsetFile });

    // Act
    await first.advance(2 * HOUR);
    first.close();
    const second = new VirtualClock({ offsetFile });

    // Assess: the offset is the target minus real time at the end of the advance, so allow for the
    // real milliseconds the advance itself took.
    const persisted = JSON.parse(readFileSync(offsetFile, "utf8")).offsetMs;
    expect(persisted).toBeGreaterThan(2 * HOUR * 1000 - 1000);
    expect(persisted).toBeLessThanOrEqual(2 * HOUR * 1000);
    expect(second.offsetSeconds()).toBe(persisted / 1000);
    second.close();
  });

  it("rejects a negative advance", async () => {
    // Act + Assess
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });
});
