import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { logger } from "../../src/adapters/lambda/handlers.js";
import { TEST_PROVIDER_SECRET, TEST_WEBHOOK_SECRET } from "../fixtures/deps.js";
import { fakeContext } from "../helpers/lambda.js";

/** What the infra gives the functions, with every AWS endpoint pointed at a closed local port. */
const ENV = {
  VIGIL_TABLE_NAME: "vigil-test",
  VIGIL_CASE_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-test-case",
  VIGIL_TIMER_STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:vigil-test-timer",
  VIGIL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
  VIGIL_PROVIDER_WEBHOOK_SECRET: TEST_PROVIDER_SECRET,
  VIGIL_VERIFICATION_PEPPER: "test-pepper-0123456789abcdef",
  VIGIL_ANCHOR_DIR: mkdtempSync(join(tmpdir(), "vigil-anchor-")),
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  AWS_MAX_ATTEMPTS: "1",
};

const FUNCTIONS = readdirSync(new URL("../../functions/", import.meta.url))
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.replace(/\.ts$/, ""));

type Handler = (event: unknown, context: Context) => Promise<unknown>;

describe("every function's production handler", () => {
  beforeAll(() => {
    for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
    for (const level of ["warn", "error"] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it.each(FUNCTIONS)("%s builds its adapters from the environment the infra gives it", async (name) => {
    // Prepare
    const { handler } = (await import(`../../functions/${name}.ts`)) as { handler: Handler };

    // Act: an event each function refuses before any AWS call (no route, no claims, no valid input); the two
    // scheduled ones reach the closed endpoint and fail there.
    const outcome = await handler({}, fakeContext({ functionName: name })).then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    );

    // Assess
    expect("error" in outcome ? outcome.error.name : "answered").not.toBe("ConfigError");
  });
});
