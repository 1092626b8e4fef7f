/**
 * Phase "mass-incident" (`npm run bench -- --scenario mass-incident`): what a wave of reports asks
 * of AWS's quotas. One machine cannot replay 50,000 reports through the emulators in real time, so
 * this phase records, for a sample of cases of every scenario, the calls the code really makes at
 * each stage of a case's life on the local runtime:
 * - DynamoDB units per partition key (table or index) through the counting proxy (bench/lib/dynamo-meter.ts);
 * - executions started and state transitions (the local Step Functions' stats), Lambda task
 *   invocations and their durations (execution histories), HTTP API requests;
 * - emails and SMS (the local outbox).
 * The stages: `report` (a new case), `merge` (a second report for an account whose case is open),
 * `verify` (the reporter opens the link and confirms), `wait` (an hour passes before an agent
 * comes: SLA timers fire, warn and escalate), `agent` (open, check, acknowledge, resolve).
 * bench/lib/wave-model.ts then scales the per-stage usage to the wave and sets it against each quota.
 */
import { GetExecutionHistoryCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DynamoMeter, type DynamoUsage } from "../lib/dynamo-meter.js";
import { CaseDriver, SCENARIOS } from "../lib/lifecycle.js";
import { LoadClient, type Outgoing, reportData, signReport } from "../lib/load-client.js";
import { runPhase } from "../lib/phase.js";
import { DEFAULT_WAVE, modelWave, STAGES, type Stage, type StageUsage } from "../lib/wave-model.js";

const SAMPLES = Number(process.env.BENCH_MASS_SAMPLES ?? 2);
/** How long the sampled cases wait for an agent (virtual seconds): the timers' work in a wave. */
const WAIT_SECONDS = 3600;

let meter: DynamoMeter | undefined;

await runPhase(
  "mass-incident",
  async (runtime) => {
    const sfn = new SFNClient({});
    const client = new LoadClient(runtime.url);
    const driver = new CaseDriver(runtime, client);
    const secret = runtime.config.webhookSecrets[0] as string;

    /** Task invocations and their summed durations so far, over the executions of one case. */
    const tasksOf = async (caseId: string) => {
      let count = 0;
      let ms = 0;
      for (const arn of Object.keys(runtime.sfn.stats().transitions).filter((a) => a.includes(caseId))) {
        let nextToken: string | undefined;
        const opened = new Map<number, number>();
        do {
          const page = await sfn.send(
            new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000, nextToken }),
          );
          for (const event of page.events ?? []) {
            const at = event.timestamp?.getTime() ?? 0;
            if (event.type === "LambdaFunctionScheduled" || event.type === "TaskScheduled") {
              count += 1;
              opened.set(event.id ?? 0, at);
            }
            if (event.type === "LambdaFunctionSucceeded" || event.type === "LambdaFunctionFailed") {
              const open = [...opened.entries()].filter(([id]) => id < (event.id ?? 0)).pop();
              if (open) {
                ms += Math.max(1, at - open[1]);
                opened.delete(open[0]);
              }
            }
          }
          nextToken = page.nextToken;
        } while (nextToken);
      }
      return { count, ms };
    };
    const snapshot = async (caseId: string) => {
      const arns = Object.entries(runtime.sfn.stats().transitions).filter(([arn]) => arn.includes(caseId));
      return {
        executions: arns.length,
        transitions: arns.reduce((sum, [, n]) => sum + n, 0),
        tasks: await tasksOf(caseId),
        outbox: runtime.outbox.count(),
      };
    };

    const usages: StageUsage[] = [];
    /** The sampled reporters' addresses and numbers: any other recipient is staff (agents, on-call). */
    const reporters = new Set<string>();
    /** Runs one stage of one case and books everything it caused. */
    const stage = async (
      name: Stage,
      scenario: string,
      priority: string,
      caseId: () => string,
      act: () => Promise<number[]>,
    ) => {
      await runtime.sfn.waitIdle();
      meter?.take();
      const before = caseId()
        ? await snapshot(caseId())
        : { executions: 0, transitions: 0, tasks: { count: 0, ms: 0 }, outbox: runtime.outbox.count() };
      const apiMs = await act();
      await runtime.sfn.waitIdle();
      const dynamo = meter?.take() as DynamoUsage;
      const after = await snapshot(caseId());
      const sent = runtime.outbox.list().slice(0, runtime.outbox.count() - before.outbox);
      usages.push({
        stage: name,
        scenario,
        priority,
        caseId: caseId(),
        executionsStarted: after.executions - before.executions,
        transitions: after.transitions - before.transitions,
        taskInvocations: after.tasks.count - before.tasks.count,
        taskMs: after.tasks.ms - before.tasks.ms,
        apiRequests: apiMs.length,
        apiMs: apiMs.reduce((sum, ms) => sum + ms, 0),
        emails: sent.filter((message) => message.channel === "email").length,
        sms: sent.filter((message) => message.channel === "sms").length,
        toStaff: 0,
        recipients: sent.map((message) => message.to.toLowerCase()),
        dynamo: { requests: dynamo.requests, byKey: dynamo.byKey },
      });
    };

    let sample = 0;
    for (const scenario of SCENARIOS) {
      for (let i = 0; i < SAMPLES; i++) {
        sample += 1;
        const accountId = `acct_wave_${sample}`;
        let driven: Awaited<ReturnType<CaseDriver["report"]>> | undefined;
        const id = () => driven?.caseId ?? "";
        await stage("report", scenario.label, "?", id, async () => {
          driven = await driver.report(scenario, { accountId });
          return [...driven.apiMs];
        });
        const current = driven as NonNullable<typeof driven>;
        reporters.add(current.email.toLowerCase());
        reporters.add(current.phone);
        (usages.at(-1) as StageUsage).priority = current.priority;
        // Every other sample receives a second report for the same account while its case is open.
        if (i % 2 === 1 || SAMPLES === 1) {
          await stage("merge", scenario.label, current.priority, id, async () => {
            // The same person reporting again (a second device, or a second try).
            const reporter = { email: current.email, phone: current.phone, locale: "en" };
            const data = reportData({
              incidentType: scenario.incidentType,
              signals: scenario.signals,
              accountId,
              reporter,
            });
            const outgoing: Outgoing = signReport(secret, { data, at: runtime.clock.now() });
            const answer = await client.send(outgoing);
            const body = JSON.parse(answer.body) as { caseId?: string; merged?: boolean };
            if (answer.status !== 202 || body.caseId !== current.caseId || !body.merged) {
              throw new Error(`the second report did not merge: ${answer.status} ${answer.body.slice(0, 200)}`);
            }
            return [answer.ms];
          });
        }
        await stage("verify", scenario.label, current.priority, id, async () => {
          const before = current.apiMs.length;
          await driver.verify(current);
          return current.apiMs.slice(before);
        });
        await stage("wait", scenario.label, current.priority, id, async () => {
          await runtime.clock.advance(WAIT_SECONDS);
          return [];
        });
        await stage("agent", scenario.label, current.priority, id, async () => {
          const before = current.apiMs.length;
          await driver.resolve(current);
          return current.apiMs.slice(before);
        });
        process.stderr.write(`mass-incident sample ${sample}: ${scenario.label} (${current.priority})\n`);
      }
    }
    client.close();
    sfn.destroy();
    await meter?.close();
    for (const usage of usages) {
      usage.toStaff = (usage.recipients ?? []).filter((to) => !reporters.has(to)).length;
      delete usage.recipients;
    }
    for (const name of STAGES) {
      if (!usages.some((usage) => usage.stage === name)) throw new Error(`no sample of stage ${name}`);
    }
    return { samplesPerScenario: SAMPLES, waitSeconds: WAIT_SECONDS, usages, model: modelWave(usages, DEFAULT_WAVE) };
  },
  {
    // The functions reach DynamoDB through the local AWS front: the meter sits between the front and the
    // emulator. The scheduled pending-start sweep (gsi2) and audit anchor (gsi5) query once per run per
    // deployment, not per case: excluded (as in the cost phase).
    dynamoProxy: async (target) => {
      meter = new DynamoMeter(
        target,
        (operation, input) => operation === "Query" && (input.IndexName === "gsi2" || input.IndexName === "gsi5"),
      );
      return meter.listen();
    },
  },
);
