import { describe, expect, it } from "vitest";
import { successorTimerName } from "../../../src/domain/execution-names.js";

describe("successorTimerName", () => {
  it("appends the next segment to the name the application gave the timer", () => {
    // Act
    const first = successorTimerName("c_01JDQ4Z4V9Y3M8R2K6T0W1X5B7-sla-3", 0);
    const second = successorTimerName(first, 1);
    // Assess
    expect(first).toBe("c_01JDQ4Z4V9Y3M8R2K6T0W1X5B7-sla-3-s1");
    expect(second).toBe("c_01JDQ4Z4V9Y3M8R2K6T0W1X5B7-sla-3-s2");
    expect(successorTimerName("d-c_01JDQ4Z4V9Y3M8R2K6T0W1X5B7-unlock-1796240398744-g2-s9", 9)).toBe(
      "d-c_01JDQ4Z4V9Y3M8R2K6T0W1X5B7-unlock-1796240398744-g2-s10",
    );
  });

  it("gives the same successor for the same execution (a retried hand-over cannot start two)", () => {
    // Assess
    expect(successorTimerName("c_1-sla-1-s4", 4)).toBe(successorTimerName("c_1-sla-1-s4", 4));
  });

  it("keeps every name of a long chain within 80 characters, deterministic and of the same characters", () => {
    // Prepare
    let name = `d-${"x".repeat(77)}`;
    const names: string[] = [];
    // Act
    for (let segment = 0; segment < 120; segment++) {
      name = successorTimerName(name, segment);
      names.push(name);
    }
    // Assess
    for (const each of names) expect(each).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toMatch(/^d-x+-[0-9a-f]{8}-s1$/);
    expect(names.at(-1)).toBe(`${names[0]?.slice(0, -3)}-s120`);
  });
});
