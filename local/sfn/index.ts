/**
 * Local Step Functions emulator: the Step Functions API over HTTP, executions on
 * aws-local-stepfunctions with all timing on the {@link VirtualClock}, durable across restarts.
 *
 * How it works and the deviations from AWS: `local/sfn/README.md`.
 */
import { join } from "node:path";
import type { VirtualClock } from "../clock.js";
import { preloadEngine } from "./engine.js";
import { createSfnServer } from "./server.js";
import { type LambdaInvoker, type RuntimeOptions, type SfnLogger, SfnRuntime, type SfnStats } from "./sfn-runtime.js";
import { ExecutionStore } from "./store.js";
import { planStateMachine, type StateMachineSpec } from "./transform.js";

export type { LambdaInvoker, SfnLogger, SfnStats } from "./sfn-runtime.js";
export type { StateMachineSpec } from "./transform.js";

/** Options of {@link createSfnEmulator}. */
export interface SfnEmulatorOptions {
  /** Drives Waits, task timeouts and heartbeats; the emulator registers its idleness as a settle hook. */
  clock: VirtualClock;
  /** Runs a Lambda function locally (see {@link LambdaInvoker}). */
  invoke: LambdaInvoker;
  /** Directory for execution records (`<stateDir>/executions/*.json`); reuse it to resume after a restart. */
  stateDir: string;
  /** Region in ARNs (default `eu-west-1`). */
  region?: string;
  /** Account id in ARNs (default `000000000000`). */
  accountId?: string;
  stateMachines: StateMachineSpec[];
  logger?: SfnLogger;
  /** Enforce AWS's quotas (25,000 history events, 256 KiB payloads); default true. */
  limits?: boolean;
  /** Task retries wait their `Retry` intervals on the virtual clock (default true; false retries at once). */
  retryTiming?: boolean;
  /** Random source of `JitterStrategy: FULL`, in [0, 1) (default `Math.random`; tests inject one). */
  random?: () => number;
  /** Called when an execution ends (what AWS publishes as an EventBridge execution status change). */
  onExecutionEnd?: RuntimeOptions["onExecutionEnd"];
}

/** A running Step Functions emulator. */
export interface SfnEmulator {
  /** Serves the Step Functions AWS JSON 1.0 protocol; resolves with the base URL for the SDK `endpoint`. */
  listen(port: number, host: "127.0.0.1"): Promise<string>;
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
  stateMachineArn(name: string): string;
  /** Resumes the RUNNING executions persisted in `stateDir`; resolves once they are parked or finished. */
  resumeAll(): Promise<void>;
  /** Resolves when no execution is actively running a non-waiting step. */
  waitIdle(): Promise<void>;
  /** Counters for tests and diagnostics. */
  stats(): SfnStats;
  /** The state machine ARN behind a task token (IAM resource of SendTask*). */
  stateMachineOfToken(token: string): string | undefined;
  /** Aborts engines, releases timers and tokens, closes the server. Persisted RUNNING executions stay RUNNING. */
  close(): Promise<void>;
}

const quietLogger: SfnLogger = {
  info: () => undefined,
  warn: (message, attributes) => console.warn(message, attributes ?? ""),
  error: (message, attributes) => console.error(message, attributes ?? ""),
};

/**
 * Creates the emulator. Every definition is validated here (engine validation plus a local handler
 * for every Task resource), so a bad definition fails at startup, not at the first execution.
 * Executions found in `stateDir` are loaded (describable at once); call {@link SfnEmulator.resumeAll}
 * to continue the RUNNING ones.
 */
export function createSfnEmulator(options: SfnEmulatorOptions): SfnEmulator {
  preloadEngine();
  const logger = options.logger ?? quietLogger;
  const runtime = new SfnRuntime({
    clock: options.clock,
    invoke: options.invoke,
    store: new ExecutionStore(join(options.stateDir, "executions")),
    plans: options.stateMachines.map(planStateMachine),
    region: options.region ?? "eu-west-1",
    accountId: options.accountId ?? "000000000000",
    logger,
    limits: options.limits ?? true,
    retryTiming: options.retryTiming ?? true,
    ...(options.random && { random: options.random }),
    onExecutionEnd: options.onExecutionEnd,
  });
  const server = createSfnServer(runtime, logger);
  // advance() must not jump to the next due item while an execution is still between two wait points.
  const unhook = options.clock.onSettle(() => runtime.waitIdle());
  return {
    listen: (port, host) => server.listen(port, host),
    stateMachineArn: (name) => runtime.stateMachineArn(name),
    resumeAll: () => runtime.resumeAll(),
    waitIdle: () => runtime.waitIdle(),
    stats: () => runtime.stats(),
    stateMachineOfToken: (token) => runtime.stateMachineOfToken(token),
    close: async () => {
      unhook();
      await runtime.close();
      await server.close();
    },
  };
}
