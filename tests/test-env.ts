/**
 * The environment every test run gets (both `vitest.config.ts` and `vitest.reliability.config.ts`):
 * a region and dummy credentials so AWS SDK clients build offline, and no IMDS probe.
 */
export const TEST_ENV = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  POWERTOOLS_LOG_LEVEL: "WARN",
};
