import { describe, expect, it } from "vitest";
import { coalesce } from "../../../local/coalesce.js";

/** A run the test ends by hand. */
function runs() {
  const started: Array<(value: number) => void> = [];
  const run = () => new Promise<number>((resolve) => started.push(resolve));
  return { started, run };
}

describe("coalesce", () => {
  it("runs once for a call made while nothing runs", async () => {
    // Prepare
    const { started, run } = runs();
    const once = coalesce(run);

    // Act
    const result = once();
    started[0]?.(1);

    // Assess
    expect(await result).toBe(1);
    expect(started).toHaveLength(1);
  });

  it("turns every call made during a run into one more run after it", async () => {
    // Prepare
    const { started, run } = runs();
    const once = coalesce(run);
    const first = once();

    // Act: five calls while the first run is under way.
    const later = [once(), once(), once(), once(), once()];
    started[0]?.(1);
    await first;
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    started[1]?.(2);

    // Assess
    expect(await Promise.all(later)).toEqual([2, 2, 2, 2, 2]);
    expect(started).toHaveLength(2);
  });

  it("still runs again after a run that failed", async () => {
    // Prepare
    let calls = 0;
    const once = coalesce(async () => {
      calls++;
      if (calls === 1) throw new Error("first run failed");
      return calls;
    });

    // Act
    const first = once();
    const second = once();

    // Assess
    await expect(first).rejects.toThrow("first run failed");
    expect(await second).toBe(2);
  });
});
