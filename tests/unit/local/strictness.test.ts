import { describe, expect, it } from "vitest";
import { localStrictness } from "../../../local/strictness.js";

describe("localStrictness", () => {
  it("is as strict as AWS by default, with 2 execution environments per function", () => {
    // Prepare / Act
    const strictness = localStrictness({});

    // Assess
    expect(strictness).toMatchObject({
      lambdaIsolation: true,
      lambdaTimeout: true,
      lambdaMaxEnvironments: 2,
      iam: true,
      sfnLimits: true,
      sfnRetryTiming: true,
      foregroundFirst: true,
    });
  });

  it("turns foreground first off with VIGIL_LOCAL_FOREGROUND_FIRST=0", () => {
    // Prepare / Act
    const off = localStrictness({ VIGIL_LOCAL_FOREGROUND_FIRST: "0" });

    // Assess
    expect(off.foregroundFirst).toBe(false);
  });

  it("takes a positive whole number of environments and ignores anything else", () => {
    // Prepare / Act
    const three = localStrictness({ VIGIL_LOCAL_LAMBDA_CONCURRENCY: "3" });
    const invalid = ["0", "-1", "2.5", "many"].map(
      (value) => localStrictness({ VIGIL_LOCAL_LAMBDA_CONCURRENCY: value }).lambdaMaxEnvironments,
    );

    // Assess
    expect(three.lambdaMaxEnvironments).toBe(3);
    expect(invalid).toEqual([2, 2, 2, 2]);
  });
});
