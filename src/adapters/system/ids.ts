import { randomBytes } from "node:crypto";
import { monotonicFactory } from "ulid";
import type { Clock } from "../../ports/clock.js";
import type { IdGenerator } from "../../ports/id-generator.js";

/** ULID case ids (`c_` + 26 chars, time-ordered) and `node:crypto` randomness. */
export function createIdGenerator(clock: Clock): IdGenerator {
  const ulid = monotonicFactory();
  return {
    caseId: () => `c_${ulid(clock.now())}`,
    randomBytes: (size) => new Uint8Array(randomBytes(size)),
  };
}
