/**
 * The local Lambda service: every function runs in execution environments of its own (worker threads), each
 * with its own environment variables and credentials, its own module state and cold start, one invocation at
 * a time, and the timeout infra gives the function, past which the invocation fails as `Sandbox.Timedout` and
 * the environment is thrown away (a stuck handler is stopped, the next invocation starts cold).
 */
import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { VirtualClock } from "../clock.js";

/** A fault `/_local/faults` injects into a named function. */
export interface FunctionFault {
  /** Invocations still to fail. */
  count: number;
  /** `throw`: the handler fails with `error` at once; `stall`: it never answers, so its timeout stops it. */
  mode: "throw" | "stall";
  /** Error name of a `throw` fault (what ASL Retry/Catch match). */
  error: string;
}

/** How a caller that can wait idly (a Step Functions task) lets a stalled invocation park on the virtual clock. */
export interface InvokeOptions {
  park?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** What a function runtime offers the rest of the local runtime. */
export interface FunctionRuntime {
  readonly names: readonly string[];
  readonly faults: Map<string, FunctionFault>;
  invoke(name: string, event: unknown, options?: InvokeOptions): Promise<unknown>;
  stats(): Record<string, FunctionStats>;
  /** Waits up to `graceMs` for in-flight invocations, then stops every environment. */
  close(graceMs: number): Promise<void>;
}

/** Counters per function, for tests and diagnostics. */
export interface FunctionStats {
  environments: number;
  coldStarts: number;
  invocations: number;
  timeouts: number;
}

/** An error as Lambda reports a failed invocation: `name` is the errorType ASL matches. */
export function lambdaFailure(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The Lambda context fields a handler reads (Powertools, middy). */
export function contextFields(functionName: string, region: string, account: string) {
  return {
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: false,
  };
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One execution environment: a worker thread with one function loaded. */
class Environment {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private pending: Pending | undefined;
  private dead: Error | undefined;

  constructor(bundle: string, env: Record<string, string>, sharedTime: SharedArrayBuffer, logs: Writable) {
    this.worker = new Worker(new URL("./environment.mjs", import.meta.url), {
      workerData: { bundle: pathToFileURL(bundle).href, sharedTime },
      env,
      // No TypeScript loader or test-runner flags: the bundle is plain JS, as on Lambda.
      execArgv: [],
      // Its output is its log stream (CloudWatch Logs on AWS): one file for all functions.
      stdout: true,
      stderr: true,
    });
    this.worker.stdout.pipe(logs, { end: false });
    this.worker.stderr.pipe(logs, { end: false });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (message: { type: string; ok?: boolean; result?: string; error?: Error }) => {
        if (message.type === "ready") resolve();
        else if (message.type === "init-error") {
          const error = lambdaFailure(message.error?.name ?? "Runtime.ImportModuleError", message.error?.message ?? "");
          this.dead = error;
          reject(error);
        } else if (message.type === "result") {
          const pending = this.pending;
          this.pending = undefined;
          if (message.ok) pending?.resolve(JSON.parse(message.result ?? "null"));
          else pending?.reject(lambdaFailure(message.error?.name ?? "Error", message.error?.message ?? ""));
        }
      });
      const onEnd = (error: Error): void => {
        this.dead ??= error;
        reject(error);
        this.pending?.reject(error);
        this.pending = undefined;
      };
      this.worker.on("error", (error) => onEnd(lambdaFailure("Runtime.ExitError", error.message)));
      this.worker.on("exit", (code) => onEnd(lambdaFailure("Runtime.ExitError", `exit status ${code}`)));
    });
    // A failed cold start is reported to the invocation that waits for it.
    this.ready.catch(() => undefined);
  }

  get usable(): boolean {
    return this.dead === undefined;
  }

  run(event: unknown, context: object, deadline: number, stall: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ type: "invoke", id: 1, event, context, deadline, stall });
    });
  }

  stop(reason: Error): Promise<number> {
    this.dead ??= reason;
    return this.worker.terminate();
  }
}

/** Options of {@link IsolatedFunctions}. */
export interface IsolatedFunctionsOptions {
  /** `name → bundle file` (see bundle.ts). */
  bundles: Map<string, string>;
  /** The environment variables of one function's environments (its credentials included). */
  envOf(name: string): Record<string, string>;
  /** Timeout in seconds of one function; `undefined` disables the timeout (VIGIL_LOCAL_LAMBDA_TIMEOUT=0). */
  timeoutOf(name: string): number | undefined;
  clock: VirtualClock;
  /** Most environments one function may have at once; further invocations queue. */
  maxEnvironments: number;
  region: string;
  account: string;
  /** Where the environments' stdout and stderr go (the EMF metrics and Powertools logs). */
  logs: Writable;
}

/** Functions in worker-thread execution environments (the default). */
export class IsolatedFunctions implements FunctionRuntime {
  readonly faults = new Map<string, FunctionFault>();
  readonly names: readonly string[];
  private readonly idle = new Map<string, Environment[]>();
  private readonly busy = new Map<string, Set<Environment>>();
  private readonly queued = new Map<string, Array<() => void>>();
  private readonly counters = new Map<string, FunctionStats>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: IsolatedFunctionsOptions) {
    this.names = [...options.bundles.keys()];
    // Every environment pipes into the same log stream.
    options.logs.setMaxListeners(0);
  }

  invoke(name: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const running = this.run(name, event, options);
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  stats(): Record<string, FunctionStats> {
    return Object.fromEntries([...this.counters].map(([name, stats]) => [name, { ...stats }]));
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    const all = [...this.idle.values()].flat().concat([...this.busy.values()].flatMap((set) => [...set]));
    await Promise.all(all.map((environment) => environment.stop(lambdaFailure("Runtime.ExitError", "shut down"))));
    this.idle.clear();
    this.busy.clear();
  }

  private async run(name: string, event: unknown, options: InvokeOptions): Promise<unknown> {
    const bundle = this.options.bundles.get(name);
    if (!bundle) throw lambdaFailure("Lambda.ResourceNotFoundException", `Function not found: vigil-${name}`);
    if (this.closed) throw lambdaFailure("Lambda.ServiceException", "the local runtime is shutting down");
    const stats = this.statsOf(name);
    stats.invocations++;
    const fault = this.takeFault(name);
    if (fault?.mode === "throw") throw lambdaFailure(fault.error, "fault injected by /_local/faults");
    const stall = fault?.mode === "stall";

    const environment = await this.acquire(name, bundle, stats);
    const timeoutSeconds = this.options.timeoutOf(name);
    const context = contextFields(`vigil-${name}`, this.options.region, this.options.account);
    const deadline = Date.now() + (timeoutSeconds ?? 900) * 1000;
    const invocation = environment.run(event, context, deadline, stall);
    if (timeoutSeconds === undefined) return this.release(name, environment, invocation);

    const timedOut = lambdaFailure(
      "Sandbox.Timedout",
      `RequestId: ${context.awsRequestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
    );
    let timer: NodeJS.Timeout | undefined;
    const stopAtDeadline = new Promise<never>((_, reject) => {
      const expire = () => {
        stats.timeouts++;
        // Lambda throws the environment away after a timeout: the stuck handler stops, the next call is cold.
        void environment.stop(timedOut);
        reject(timedOut);
      };
      timer = setTimeout(expire, timeoutSeconds * 1000);
      timer.unref();
      if (stall) {
        // A stalled invocation also expires on the virtual clock, so advancing past its timeout fires it.
        const item = this.options.clock.schedule(this.options.clock.now() + timeoutSeconds * 1000, expire, {
          label: `vigil-${name}: timeout`,
        });
        invocation.finally(() => item.cancel()).catch(() => undefined);
      }
    });
    const raced = Promise.race([invocation, stopAtDeadline]).finally(() => clearTimeout(timer));
    const result = stall && options.park ? options.park(() => raced) : raced;
    return this.release(name, environment, result);
  }

  private async release(name: string, environment: Environment, result: Promise<unknown>): Promise<unknown> {
    try {
      return await result;
    } finally {
      this.busy.get(name)?.delete(environment);
      if (environment.usable && !this.closed) this.idleOf(name).push(environment);
      else void environment.stop(lambdaFailure("Runtime.ExitError", "recycled"));
      this.queued.get(name)?.shift()?.();
    }
  }

  private async acquire(name: string, bundle: string, stats: FunctionStats): Promise<Environment> {
    for (;;) {
      const idle = this.idleOf(name);
      const reusable = idle.pop();
      const busy = this.busyOf(name);
      if (reusable) {
        busy.add(reusable);
        return reusable;
      }
      if (busy.size < this.options.maxEnvironments) {
        const fresh = new Environment(
          bundle,
          this.options.envOf(name),
          this.options.clock.sharedTime,
          this.options.logs,
        );
        stats.coldStarts++;
        busy.add(fresh);
        stats.environments = busy.size + idle.length;
        try {
          await fresh.ready;
        } catch (error) {
          busy.delete(fresh);
          void fresh.stop(error as Error);
          throw error;
        }
        return fresh;
      }
      await new Promise<void>((resolve) => this.queuedOf(name).push(resolve));
    }
  }

  private takeFault(name: string): FunctionFault | undefined {
    const fault = this.faults.get(name);
    if (!fault || fault.count <= 0) return undefined;
    fault.count--;
    return { ...fault };
  }

  private statsOf(name: string): FunctionStats {
    let stats = this.counters.get(name);
    if (!stats) {
      stats = { environments: 0, coldStarts: 0, invocations: 0, timeouts: 0 };
      this.counters.set(name, stats);
    }
    return stats;
  }

  private idleOf(name: string): Environment[] {
    return entryOf(this.idle, name, () => []);
  }

  private busyOf(name: string): Set<Environment> {
    return entryOf(this.busy, name, () => new Set());
  }

  private queuedOf(name: string): Array<() => void> {
    return entryOf(this.queued, name, () => []);
  }
}

function entryOf<V>(map: Map<string, V>, key: string, create: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const created = create();
  map.set(key, created);
  return created;
}

/** A function's handler as the in-thread runtime calls it. */
export type InProcessHandler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * Every function in the runtime's own thread (VIGIL_LOCAL_LAMBDA_ISOLATION=0): shared `process.env`, one
 * module instance, no timeouts, no per-function identity (so no IAM checks). The pre-isolation behaviour,
 * kept for debugging with breakpoints and for the benchmarks that patch handlers in place.
 */
export class InProcessFunctions implements FunctionRuntime {
  readonly faults = new Map<string, FunctionFault>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly handlers: Map<string, InProcessHandler>,
    private readonly region: string,
    private readonly account: string,
  ) {}

  get names(): readonly string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Replaces every handler with `wrap(name, handler)`: how the benchmarks' TaskGate holds a workflow's first task
   * and counts the invocations in flight (bench/lib/hold.ts). Only this in-thread runtime can be wrapped.
   */
  intercept(wrap: (name: string, handler: InProcessHandler) => InProcessHandler): void {
    for (const [name, handler] of this.handlers) this.handlers.set(name, wrap(name, handler));
  }

  async invoke(name: string, event: unknown): Promise<unknown> {
    const handler = this.handlers.get(name);
    if (!handler) throw lambdaFailure("Lambda.ResourceNotFoundException", `Function not found: vigil-${name}`);
    const fault = this.faults.get(name);
    if (fault && fault.count > 0) {
      fault.count--;
      if (fault.mode === "throw") throw lambdaFailure(fault.error, "fault injected by /_local/faults");
      throw lambdaFailure("Sandbox.Timedout", "Task timed out (stall fault, in-process mode)");
    }
    const context = {
      ...contextFields(`vigil-${name}`, this.region, this.account),
      getRemainingTimeInMillis: () => 30_000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    const running = handler(JSON.parse(JSON.stringify(event ?? {})), context);
    this.inFlight.add(running);
    try {
      const result = await running;
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } finally {
      this.inFlight.delete(running);
    }
  }

  stats(): Record<string, FunctionStats> {
    return {};
  }

  async close(graceMs: number): Promise<void> {
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
  }
}
