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
]);

/** Maps throttling and service faults to `TransientError` so the workflow retries them. */
export function rethrow(error: unknown, what: string): never {
  const name = (error as Error)?.name ?? "";
  if (RETRYABLE.has(name) || (error as { $retryable?: unknown })?.$retryable) {
    throw new TransientError(`DynamoDB ${what} failed: ${name}`, { cause: error });
  }
  throw error;
}
