/**
 * Test harness for the local Step Functions emulator: a temp state dir, a virtual clock persisted in
 * it, the emulator on a random port and a real `@aws-sdk/client-sfn` client pointed at it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { VirtualClock } from "../../../local/clock.js";
import { createSfnEmulator, type LambdaInvoker, type SfnEmulator } from "../../../local/sfn/index.js";

/** A running emulator plus everything a test needs to drive it. */
export interface Harness {
  clock: VirtualClock;
  emulator: SfnEmulator;
  sfn: SFNClient;
  stateDir: string;
  arn(name: string): string;
  describe(executionArn: string): Promise<DescribeExecutionCommandOutput>;
  history(executionArn: string): Promise<HistoryEvent[]>;
  /** Closes client, emulator and clock; keeps the state dir (see {@link removeStateDir}). */
  close(): Promise<void>;
}

/** A fresh temp directory for one test's state. */
export function makeStateDir(): string {
  return mkdtempSync(join(tmpdir(), "vigil-sfn-"));
}

/** Removes a directory made by {@link makeStateDir}. */
export function removeStateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts an emulator over `machines` (name → ASL object or JSON text). */
export async function startHarness(options: {
  machines: Record<string, object | string>;
  invoke?: LambdaInvoker;
  stateDir?: string;
  /** Random source of `JitterStrategy: FULL` (default `Math.random`). */
  random?: () => number;
  /** Task retries wait their intervals (default true). */
  retryTiming?: boolean;
}): Promise<Harness> {
  const stateDir = options.stateDir ?? makeStateDir();
  const clock = new VirtualClock({ offsetFile: join(stateDir, "clock.json") });
  let emulator: SfnEmulator;
  try {
    emulator = createSfnEmulator({
      clock,
      stateDir,
      invoke: options.invoke ?? (async () => ({})),
      ...(options.random && { random: options.random }),
      ...(options.retryTiming !== undefined && { retryTiming: options.retryTiming }),
      stateMachines: Object.entries(options.machines).map(([name, definition]) => ({
        name,
        definition: typeof definition === "string" ? definition : JSON.stringify(definition),
      })),
    });
  } catch (error) {
    clock.close();
    if (!options.stateDir) removeStateDir(stateDir);
    throw error;
  }
  const url = await emulator.listen(0, "127.0.0.1");
  const sfn = new SFNClient({
    endpoint: url,
    region: "eu-west-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    clock,
    emulator,
    sfn,
    stateDir,
    arn: (name) => emulator.stateMachineArn(name),
    describe: (executionArn) => sfn.send(new DescribeExecutionCommand({ executionArn })),
    history: async (executionArn) => (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [],
    close: async () => {
      sfn.destroy();
      await emulator.close();
      clock.close();
    },
  };
}

/** A workflow file with `${XxxFunctionArn}` replaced by `arn:aws:lambda:eu-west-1:000000000000:function:Xxx`. */
export function loadWorkflow(file: string): string {
  const text = readFileSync(new URL(`../../../workflows/${file}`, import.meta.url), "utf8");
  return text.replace(/\$\{(\w+)FunctionArn\}/g, (_, name: string) => lambdaArn(name));
}

/** The Lambda ARN the tests use for function `name`. */
export function lambdaArn(name: string): string {
  return `arn:aws:lambda:eu-west-1:000000000000:function:${name}`;
}

/** An Error whose `name` is the ASL error name. */
export function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
