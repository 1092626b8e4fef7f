import { defineConfig } from "vitest/config";

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
    testTimeout: 180_000,
    hookTimeout: 120_000,
    env: {
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      POWERTOOLS_LOG_LEVEL: "WARN",
    },
  },
});
