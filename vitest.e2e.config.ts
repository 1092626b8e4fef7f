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
    hookTimeout: 120_000,
    env: TEST_ENV,
  },
});
