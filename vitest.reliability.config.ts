import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./tests/test-env.js";

/**
 * `npm run test:reliability` (also run by CI): load, injected faults, fuzzing and security checks
 * against the local runtime over real HTTP (tests/reliability/). Separate from `npm test` because
 * it takes minutes, not seconds. No test here asserts a timing.
 */
export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    include: ["tests/reliability/**/*.test.ts"],
    // Two files at a time on the 2-core CI machines; each runs its own local runtime.
    maxWorkers: 2,
    // Budgets, not assertions: the 5,000-report burst takes ~100 s on a quiet 2-core machine.
    testTimeout: 420_000,
    hookTimeout: 180_000,
    env: TEST_ENV,
  },
});
