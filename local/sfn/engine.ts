/**
 * The one entry point to aws-local-stepfunctions: loads the Node 20 polyfill first (ESM evaluates
 * imports in order) and recovers the engine's private timeout error class.
 */
import "./polyfill.js";
import { readFileSync } from "node:fs";
import { StateMachine } from "aws-local-stepfunctions";

export type { RunOptions, StateMachineDefinition } from "aws-local-stepfunctions";
export { ExecutionAbortedError, ExecutionError, StateMachine } from "aws-local-stepfunctions";

/** The installed engine's version (definitions validated by one version are not trusted to another). */
export const ENGINE_VERSION: string = (
  JSON.parse(
    readFileSync(new URL("../../node_modules/aws-local-stepfunctions/package.json", import.meta.url), "utf8"),
  ) as { version: string }
).version;

/** The engine's event log entry type (not exported by name from the package). */
export type EngineEvent = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

type ErrorClass = new () => Error;

let timeoutErrorClass: Promise<ErrorClass> | undefined;

/**
 * The engine matches `States.TaskFailed` against every error except instances of its unexported
 * `StatesTimeoutError`. To keep AWS semantics (TaskFailed does not catch timeouts) our virtual-clock
 * timeouts must be instances of that class, so it is captured once from a throwaway run whose Task
 * times out after 1 ms of real time.
 */
function loadTimeoutErrorClass(): Promise<ErrorClass> {
  timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: "Probe",
        States: { Probe: { Type: "Task", Resource: "local:probe", TimeoutSeconds: 0.001, End: true } },
      },
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(null, {
      overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => undefined) } },
    });
    try {
      await run.result;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof Error) return cause.constructor as ErrorClass;
    }
    throw new Error("aws-local-stepfunctions did not time out the probe task; cannot build timeout errors");
  })();
  return timeoutErrorClass;
}

/** Builds an error the engine treats as a timeout (`States.Timeout` or `States.HeartbeatTimeout`). */
export async function statesTimeoutError(name: string, cause: string): Promise<Error> {
  const TimeoutError = await loadTimeoutErrorClass();
  const error = new TimeoutError();
  error.name = name;
  error.message = cause;
  return error;
}

/** Starts capturing the timeout class early so the first timeout does not pay for it. */
export function preloadEngine(): void {
  loadTimeoutErrorClass().catch(() => undefined);
}
