import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./tests/test-env.js";

export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    include: ["tests/{unit,functions,workflows,infra,integration,security}/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: TEST_ENV,
  },
});
