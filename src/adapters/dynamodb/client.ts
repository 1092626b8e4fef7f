import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { TransientError } from "../../errors/index.js";

/** One client per process; the endpoint comes from the SDK's standard `AWS_ENDPOINT_URL_DYNAMODB`. */
export function createDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({ maxAttempts: 3 });
}

/** True when a conditional write lost (the expected state was not there). */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException || (error as Error)?.name === "ConditionalCheckFailedException"
  );
}

const RETRYABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  // The endpoint could not be reached or answered too late: worth the workflow's retry, not its 5-minute back-off.
  "TimeoutError",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
]);

/** Maps throttling and service faults to `TransientError` so the workflow retries them. */
export function rethrow(error: unknown, what: string): never {
  const name = (error as Error)?.name ?? "";
  const code = (error as { code?: string })?.code ?? "";
  if (RETRYABLE.has(name) || RETRYABLE.has(code) || (error as { $retryable?: unknown })?.$retryable) {
    throw new TransientError(`DynamoDB ${what} failed: ${name}`, { cause: error });
  }
  throw error;
}
