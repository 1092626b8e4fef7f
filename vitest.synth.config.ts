import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./tests/test-env.js";

/** `npm run test:synth`: the full synthesis with every bundle, cdk-nag and the CloudFormation validation. */
export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    include: ["tests/infra/full-synth.test.ts"],
    setupFiles: ["tests/setup.ts"],
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 600_000,
    env: TEST_ENV,
  },
});
