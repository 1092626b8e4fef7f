import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./tests/test-env.js";

/** `npm run test:e2e`: the operator console and the local inbox in Debian's Chromium (tests/e2e/). */
export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    include: ["tests/e2e/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 60_000,
    // `expect.poll` waits for the page to reach a state (a row, a status line). Its default deadline
    // of 1 s made the first tests fail on a loaded 2-core machine (load average ≈ 12), before and
    // after the console's changes alike: the page was slower, not wrong. A deadline is not a speed
    // target here (that is `npm run bench:console`); the test's own timeout still bounds it.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
    env: TEST_ENV,
  },
});
