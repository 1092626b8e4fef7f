/**
 * Phase 3: cost per case from real executions. Each case runs alone through its whole life
 * (bench/lib/lifecycle.ts) while everything it causes is counted:
 * - state transitions (state entries plus Task retries, the emulator's counters) and Lambda task
 *   invocations (with their durations) from GetExecutionHistory
 *   of every execution the case started (case workflow, SLA timer, deliveries);
 * - HTTP API requests (each one API Gateway request and one Lambda invocation);
 * - DynamoDB request units through a counting proxy in front of dynalite (bench/lib/dynamo-meter.ts);
 * - emails and SMS from the outbox, EventBridge events from the local sink.
 * The scheduled pending-start sweeper is a fixed cost per deployment, not per case: excluded.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { DynamoMeter, type DynamoUsage } from "../lib/dynamo-meter.js";
import { CaseDriver, SCENARIOS } from "../lib/lifecycle.js";
import { LoadClient } from "../lib/load-client.js";
import { runPhase } from "../lib/phase.js";
import { PRICES } from "../lib/prices.js";

const CASES_PER_SCENARIO = Number(process.env.BENCH_COST_CASES ?? 3);

/** Everything one case consumed. */
export interface CaseUsage {
  scenario: string;
  caseId: string;
  priority: string;
  finalStatus: string;
  executions: number;
  stillRunning: number;
  transitions: number;
  taskInvocations: number;
  apiRequests: number;
  lambdaInvocations: number;
  /** Measured locally: task durations from the execution history, HTTP functions from the client side. */
  lambdaMsMeasured: number;
  dynamo: DynamoUsage;
  emails: number;
  sms: number;
  events: number;
  usdPer1000: number;
  usdPer1000WithMeasuredDuration: number;
  smsUsdPer1000Indicative: number;
}

let meter: DynamoMeter | undefined;

await runPhase(
  "cost",
  async (runtime) => {
    const sfn = new SFNClient({});
    const client = new LoadClient(runtime.url);
    const driver = new CaseDriver(runtime, client);
    const history = async (executionArn: string): Promise<HistoryEvent[]> => {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    };
    const eventCount = async (caseId: string) => {
      const response = await fetch(`${runtime.url}/_local/events`);
      const { events } = (await response.json()) as { events: Array<{ detail?: { caseId?: string } }> };
      return events.filter((event) => event.detail?.caseId === caseId).length;
    };

    const usages: CaseUsage[] = [];
    for (const scenario of SCENARIOS) {
      for (let i = 0; i < CASES_PER_SCENARIO; i++) {
        await runtime.sfn.waitIdle();
        meter?.take();
        const outboxBefore = runtime.outbox.count();
        const result = await driver.report(scenario);
        await runtime.sfn.waitIdle();
        await driver.verify(result);
        await runtime.sfn.waitIdle();
        await driver.resolve(result);
        await runtime.sfn.waitIdle();
        const dynamo = meter?.take() as DynamoUsage;
        await driver.status(result);
        const sent = runtime.outbox.list().slice(0, runtime.outbox.count() - outboxBefore);

        let transitions = 0;
        let taskInvocations = 0;
        let taskMs = 0;
        let stillRunning = 0;
        // Billed transitions: state entries plus Task retries (the emulator counts both, as AWS bills them).
        const counted = Object.entries(runtime.sfn.stats().transitions).filter(([arn]) => arn.includes(result.caseId));
        const arns = counted.map(([arn]) => arn);
        transitions = counted.reduce((sum, [, count]) => sum + count, 0);
        for (const arn of arns) {
          const events = await history(arn);
          const started = new Map<number, number>();
          for (const event of events) {
            const at = event.timestamp?.getTime() ?? 0;
            if (event.type === "LambdaFunctionScheduled" || event.type === "TaskScheduled") {
              taskInvocations += 1;
              started.set(event.id ?? 0, at);
            }
            const ended = [
              "LambdaFunctionSucceeded",
              "LambdaFunctionFailed",
              "TaskSubmitted",
              "LambdaFunctionTimedOut",
            ];
            if (event.type && ended.includes(event.type)) {
              // The invocation this event closes is the latest one scheduled before it.
              const opened = [...started.entries()].filter(([id]) => id < (event.id ?? 0)).pop();
              if (opened) {
                taskMs += Math.max(1, at - opened[1]);
                started.delete(opened[0]);
              }
            }
          }
          if (
            events.at(-1)?.type === "ExecutionStarted" ||
            !events.some((event) => /^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(event.type ?? ""))
          ) {
            stillRunning += 1;
          }
        }
        const emails = sent.filter((message) => message.channel === "email").length;
        const sms = sent.filter((message) => message.channel === "sms").length;
        const events = await eventCount(result.caseId);
        const apiRequests = result.apiMs.length;
        const lambdaInvocations = taskInvocations + apiRequests;
        const lambdaMsMeasured = taskMs + result.apiMs.reduce((sum, ms) => sum + ms, 0);
        const fixedPart =
          transitions * PRICES.stepFunctionsTransition +
          lambdaInvocations * PRICES.lambdaRequest +
          (dynamo.tableWru + dynamo.indexWru) * PRICES.dynamoWru +
          dynamo.rru * PRICES.dynamoRru +
          emails * PRICES.sesEmail +
          apiRequests * PRICES.apiGatewayRequest +
          events * PRICES.eventBridgeEvent;
        const gbSeconds = (ms: number) => (ms / 1000) * PRICES.lambdaMemoryGb * PRICES.lambdaGbSecondArm64;
        const assumedMs = lambdaInvocations * PRICES.assumedInvocationMs;
        usages.push({
          scenario: scenario.label,
          caseId: result.caseId,
          priority: result.priority,
          finalStatus: result.finalStatus ?? "unknown",
          executions: arns.length,
          stillRunning,
          transitions,
          taskInvocations,
          apiRequests,
          lambdaInvocations,
          lambdaMsMeasured,
          dynamo,
          emails,
          sms,
          events,
          // Headline: the larger of the assumed and the measured durations (conservative).
          usdPer1000: 1000 * (fixedPart + gbSeconds(Math.max(assumedMs, lambdaMsMeasured))),
          usdPer1000WithMeasuredDuration: 1000 * (fixedPart + gbSeconds(lambdaMsMeasured)),
          smsUsdPer1000Indicative: 1000 * sms * PRICES.smsIndicative,
        });
        if ((dynamo.requests.PutItem ?? 0) + (dynamo.requests.TransactWriteItems ?? 0) < 3)
          throw new Error(`the DynamoDB meter saw no case writes for ${result.caseId}`);
        process.stderr.write(
          `cost ${scenario.label}: ${transitions} transitions, ${lambdaInvocations} invocations, ${dynamo.tableWru + dynamo.indexWru} WRU, ${dynamo.rru} RRU, ${emails} emails\n`,
        );
      }
    }
    client.close();
    sfn.destroy();
    await meter?.close();
    return { casesPerScenario: CASES_PER_SCENARIO, prices: PRICES, cases: usages };
  },
  {
    // The functions reach DynamoDB through the local AWS front (each in its own worker thread, with its own
    // environment): the meter sits between the front and the emulator. The scheduled pending-start sweep (gsi2)
    // and audit anchor (gsi5) query once per run per deployment, not per case: excluded.
    dynamoProxy: async (target) => {
      meter = new DynamoMeter(
        target,
        (operation, input) => operation === "Query" && (input.IndexName === "gsi2" || input.IndexName === "gsi5"),
      );
      return meter.listen();
    },
  },
);
