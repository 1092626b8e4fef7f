/**
 * AWS list prices used for the cost per case (us-east-1; eu-west-1 is the same for these items
 * except Lambda and DynamoDB, which are within a few percent). Stated as of 2025-11; they were not
 * re-checked online from the benchmark machine — re-check before quoting them to a customer.
 */
export const PRICES = {
  asOf: "2025-11 (AWS public price lists, us-east-1)",
  /** Step Functions Standard: per state transition ($0.025 per 1,000). */
  stepFunctionsTransition: 0.025 / 1000,
  /** Lambda requests: $0.20 per 1M. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda duration, arm64 (what infra deploys): $0.0000133334 per GB-second. */
  lambdaGbSecondArm64: 0.0000133334,
  /** Memory of every Vigil function (infra/constructs/app-function.ts default). */
  lambdaMemoryGb: 0.5,
  /** DynamoDB on-demand, after the November 2024 price cut: $0.625 per 1M write request units. */
  dynamoWru: 0.625 / 1e6,
  /** DynamoDB on-demand: $0.125 per 1M read request units. */
  dynamoRru: 0.125 / 1e6,
  /** SES outbound email: $0.10 per 1,000. */
  sesEmail: 0.1 / 1000,
  /** API Gateway HTTP API: $1.00 per 1M requests (first 300M). */
  apiGatewayRequest: 1 / 1e6,
  /** EventBridge custom events: $1.00 per 1M. */
  eventBridgeEvent: 1 / 1e6,
  /**
   * SMS (End User Messaging, US toll-free, base price plus carrier fee): indicative only, it varies
   * by country and carrier. Listed, not counted in the target.
   */
  smsIndicative: 0.00883,
  /** Assumed average billed duration of one invocation on AWS (see BENCHMARKS.md). */
  assumedInvocationMs: 100,
} as const;
