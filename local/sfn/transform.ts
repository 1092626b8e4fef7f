/**
 * Turns an ASL definition into the form the runtime executes on aws-local-stepfunctions.
 *
 * The engine uses real timers (Wait, Task timeouts), a 60 s default Task timeout, overflows timers
 * above 24.8 days and has no callback tasks. So every Task and Wait becomes a Task served by a local
 * handler that runs its timing on the virtual clock, and the engine's own timeout is pushed out of
 * reach. A Task's `Retry` is taken out of the engine's definition and run by the Task's handler, so its
 * intervals also run on the virtual clock (`retry.ts`). Data flow stays identical to the original state (see docs in local-engines.md, Part 2).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENGINE_VERSION, StateMachine, type StateMachineDefinition } from "./engine.js";
import { parseRetriers, type Retrier } from "./retry.js";

/** A state machine definition known to the emulator. */
export interface StateMachineSpec {
  /** State machine name; the ARN is `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
  name: string;
  /** ASL JSON, after `${Placeholder}` substitution. */
  definition: string;
}

/** How a Task (or transformed Wait) state is served locally. */
export type TaskKind = "lambda" | "invoke" | "callback" | "wait";

/** Static facts about one Task or Wait state, keyed by state name in {@link MachinePlan.tasks}. */
export interface TaskSpec {
  kind: TaskKind;
  /** The original `Resource` (empty for Wait). */
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** The Task's `Retry`, run by the task handler on the virtual clock (the engine gets the Task without it). */
  retriers: Retrier[];
}

/** Everything the runtime needs to run one state machine. */
export interface MachinePlan {
  name: string;
  /** The original definition text, as DescribeStateMachine returns it. */
  definitionText: string;
  /** The transformed definition the engine runs. */
  runnable: StateMachineDefinition;
  /** Engine instance for fresh runs (construction is not free, so it is built once). */
  machine: StateMachine;
  tasks: Map<string, TaskSpec>;
  /** Original `Type` of every state at any depth, to name history events (a transformed Wait is a Task to the engine). */
  stateTypes: Map<string, string>;
  /** States of the top level: the only ones checkpointed for resume. */
  topLevel: Set<string>;
  /**
   * `retryIntervalOverrides`: 0 ms for every Parallel or Map state with a Retry (deviation: those retries are
   * immediate locally; a Task's Retry is run by its handler instead, see `retry.ts`).
   */
  retryOverrides: Record<string, number>;
  /** Top-level `TimeoutSeconds`, enforced by the runtime on the virtual clock. */
  timeoutSeconds: number | undefined;
}

/** Resource the transformed Wait states point at; served by the runtime's wait handler. */
export const WAIT_RESOURCE = "local:wait";
/** Name of the injected Pass state that restores a checkpointed state input on resume. */
export const RESUME_STATE = "__Resume";
/** Static stand-in for `$$.Task.Token`; the callback handler swaps it for a freshly minted token. */
export const TOKEN_PLACEHOLDER = "__LOCAL_SFN_TASK_TOKEN__";
/** Context key carrying the virtual start time (the engine overwrites `$$.Execution.StartTime` with real time). */
export const VIRTUAL_START_TIME_KEY = "LocalVirtualStartTime";
/**
 * Engine-level Task timeout in seconds: the largest value below the 2^31-1 ms timer limit, so the
 * engine never times a task out itself (its default is 60 s) and never overflows to 1 ms.
 */
const ENGINE_TIMEOUT_SECONDS = 2_147_483;

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const LAMBDA_CALLBACK = /^arn:aws[a-z-]*:states:::lambda:invoke\.waitForTaskToken$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface SubMachine {
  StartAt: string;
  States: Record<string, JsonObject>;
  [key: string]: Json | Record<string, JsonObject>;
}

/** Definitions already validated by the engine in this process (validation costs up to a second per machine). */
const validatedDefinitions = new Set<string>();

/**
 * Definitions the engine validated in an earlier process: one empty file per definition, named by a hash of
 * the definition and the engine's version, so a warm start skips validation and a changed definition is
 * validated again. A definition that fails validation is never recorded.
 */
const VALIDATED_CACHE = fileURLToPath(new URL("../../node_modules/.cache/vigil/sfn-validated/", import.meta.url));

function validationKey(definition: string): string {
  return createHash("sha256").update(ENGINE_VERSION).update("\0").update(definition).digest("hex").slice(0, 32);
}

function wasValidated(definition: string): boolean {
  if (validatedDefinitions.has(definition)) return true;
  if (!existsSync(join(VALIDATED_CACHE, validationKey(definition)))) return false;
  validatedDefinitions.add(definition);
  return true;
}

function recordValidated(definition: string): void {
  validatedDefinitions.add(definition);
  try {
    mkdirSync(VALIDATED_CACHE, { recursive: true });
    writeFileSync(join(VALIDATED_CACHE, validationKey(definition)), "");
  } catch {
    // A read-only or missing node_modules only costs the next start a validation.
  }
}

/**
 * Validates a definition and builds its plan. Fails fast, naming the state machine and state, when
 * the definition is invalid, still has `${...}` placeholders, uses JSONata or `Assign` (which the
 * engine silently ignores) or has a Task whose resource has no local handler.
 */
export function planStateMachine(spec: StateMachineSpec): MachinePlan {
  const where = `state machine "${spec.name}"`;
  const placeholder = /\$\{[A-Za-z0-9_]+\}/.exec(spec.definition);
  if (placeholder) throw new Error(`${where}: unsubstituted placeholder ${placeholder[0]} in the definition`);
  let parsed: SubMachine;
  try {
    parsed = JSON.parse(spec.definition) as SubMachine;
  } catch (error) {
    throw new Error(`${where}: definition is not valid JSON (${(error as Error).message})`);
  }
  if (spec.definition.includes('"JSONata"')) {
    throw new Error(`${where}: JSONata is not supported locally (the engine ignores it); use JSONPath`);
  }
  if (!wasValidated(spec.definition)) {
    try {
      new StateMachine(parsed as unknown as StateMachineDefinition);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
    recordValidated(spec.definition);
  }

  const plan = {
    tasks: new Map<string, TaskSpec>(),
    stateTypes: new Map<string, string>(),
    retryOverrides: {} as Record<string, number>,
  };
  const { TimeoutSeconds, ...topLevel } = parsed;
  const runnable = transformMachine(topLevel as SubMachine, plan, where) as unknown as StateMachineDefinition;
  return {
    name: spec.name,
    definitionText: spec.definition,
    runnable,
    machine: new StateMachine(runnable, { validationOptions: { noValidate: true } }),
    ...plan,
    topLevel: new Set(Object.keys(parsed.States)),
    timeoutSeconds: typeof TimeoutSeconds === "number" ? TimeoutSeconds : undefined,
  };
}

/**
 * The runnable definition for a resumed execution: a Pass state injected as StartAt restores the
 * checkpointed input of `state`, while the run keeps the original execution input as
 * `$$.Execution.Input`. `Result` is wrapped because the engine returns the input for a falsy Result.
 */
export function withResumeEntry(plan: MachinePlan, state: string, input: unknown): StateMachineDefinition {
  const resume = { Type: "Pass", Result: { value: input }, OutputPath: "$.value", Next: state };
  return {
    ...plan.runnable,
    StartAt: RESUME_STATE,
    States: { ...plan.runnable.States, [RESUME_STATE]: resume },
  } as StateMachineDefinition;
}

interface PlanParts {
  tasks: Map<string, TaskSpec>;
  stateTypes: Map<string, string>;
  retryOverrides: Record<string, number>;
}

function transformMachine(machine: SubMachine, plan: PlanParts, where: string): SubMachine {
  const states: Record<string, JsonObject> = {};
  for (const [name, state] of Object.entries(machine.States)) {
    plan.stateTypes.set(name, String(state.Type));
    if (Array.isArray(state.Retry) && state.Type !== "Task") plan.retryOverrides[name] = 0;
    const transformed = transformState(name, fixRootResultPath(state), plan, `${where}, state "${name}"`);
    states[name] = rewriteStartTime(transformed) as JsonObject;
  }
  return { ...machine, States: states };
}

/**
 * Engine bug: `ResultPath: "$"` stores the result under a key named "$" instead of replacing the
 * input. AWS treats "$" like an absent ResultPath (the result becomes the output), so drop it, on
 * the state and on its catchers.
 */
function fixRootResultPath(state: JsonObject): JsonObject {
  const { ResultPath, ...rest } = state;
  const fixed: JsonObject = ResultPath === "$" ? rest : state;
  if (!Array.isArray(fixed.Catch)) return fixed;
  return {
    ...fixed,
    Catch: fixed.Catch.map((catcher) => {
      const { ResultPath: catchPath, ...catchRest } = catcher as JsonObject;
      return catchPath === "$" ? catchRest : catcher;
    }),
  };
}

function transformState(name: string, state: JsonObject, plan: PlanParts, where: string): JsonObject {
  const catchers = Array.isArray(state.Catch) ? (state.Catch as JsonObject[]) : [];
  if ("Assign" in state || catchers.some((catcher) => "Assign" in catcher)) {
    throw new Error(`${where}: "Assign" (variables) is not supported locally (the engine ignores it)`);
  }
  switch (state.Type) {
    case "Task":
      return transformTask(name, state, plan, where);
    case "Wait":
      return transformWait(name, state, plan);
    case "Parallel":
      return {
        ...state,
        Branches: (state.Branches as unknown as SubMachine[]).map(
          (branch) => transformMachine(branch, plan, where) as unknown as Json,
        ),
      };
    case "Map": {
      const key = "ItemProcessor" in state ? "ItemProcessor" : "Iterator";
      return { ...state, [key]: transformMachine(state[key] as unknown as SubMachine, plan, where) as unknown as Json };
    }
    default:
      return state;
  }
}

function transformTask(name: string, state: JsonObject, plan: PlanParts, where: string): JsonObject {
  const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, Parameters, Retry, ...rest } =
    state;
  const resource = String(state.Resource);
  const kind = classifyResource(resource, where);
  if (kind !== "lambda") {
    const fn = (Parameters as JsonObject | undefined) ?? {};
    if (!("FunctionName" in fn) && !("FunctionName.$" in fn)) {
      throw new Error(`${where}: ${resource} needs Parameters.FunctionName`);
    }
  }
  plan.tasks.set(name, {
    kind,
    resource,
    ...(typeof TimeoutSeconds === "number" && { timeoutSeconds: TimeoutSeconds }),
    ...(typeof HeartbeatSeconds === "number" && { heartbeatSeconds: HeartbeatSeconds }),
    retriers: parseRetriers(Retry),
  });
  // The handler receives { p: <the original effective parameters>, timeout?, heartbeat? }, so the
  // *Path values are resolved by the engine's own JSONPath against the same input as Parameters.
  const parameters: JsonObject = Parameters === undefined ? { "p.$": "$" } : { p: Parameters };
  if (typeof TimeoutSecondsPath === "string") parameters["timeout.$"] = TimeoutSecondsPath;
  if (typeof HeartbeatSecondsPath === "string") parameters["heartbeat.$"] = HeartbeatSecondsPath;
  return {
    ...rest,
    Parameters: parameters,
    TimeoutSeconds: ENGINE_TIMEOUT_SECONDS,
    ...(Array.isArray(rest.Catch) && { Catch: rest.Catch.map(widenTimeoutMatch) }),
  };
}

/**
 * A Wait becomes a Task whose handler sleeps on the virtual clock and returns `in`, the state input
 * after InputPath, which is exactly what a native Wait outputs (`ResultPath: null` would not be:
 * it returns the input from before InputPath).
 */
function transformWait(name: string, state: JsonObject, plan: PlanParts): JsonObject {
  const { Seconds, SecondsPath, Timestamp, TimestampPath, Type, ...rest } = state;
  plan.tasks.set(name, { kind: "wait", resource: "", retriers: [] });
  const parameters: JsonObject = { "in.$": "$" };
  if (Seconds !== undefined) parameters.seconds = Seconds;
  else if (SecondsPath !== undefined) parameters["seconds.$"] = SecondsPath;
  else if (Timestamp !== undefined) parameters.timestamp = Timestamp;
  else if (TimestampPath !== undefined) parameters["timestamp.$"] = TimestampPath;
  return {
    ...rest,
    Type: "Task",
    Resource: WAIT_RESOURCE,
    TimeoutSeconds: ENGINE_TIMEOUT_SECONDS,
    Parameters: parameters,
  };
}

function classifyResource(resource: string, where: string): Exclude<TaskKind, "wait"> {
  if (LAMBDA_ARN.test(resource)) return "lambda";
  if (LAMBDA_INVOKE.test(resource)) return "invoke";
  if (LAMBDA_CALLBACK.test(resource)) return "callback";
  throw new Error(
    `${where}: no local handler for Task resource "${resource}"; supported are Lambda function ARNs ` +
      "(arn:aws:lambda:<region>:<account>:function:<name>), arn:aws:states:::lambda:invoke and " +
      "arn:aws:states:::lambda:invoke.waitForTaskToken",
  );
}

/** AWS documents that `States.Timeout` also matches heartbeat timeouts; the engine matches names exactly. */
function widenTimeoutMatch(rule: Json): Json {
  const matcher = rule as { ErrorEquals?: string[] };
  const errors = matcher.ErrorEquals ?? [];
  if (!errors.includes("States.Timeout") || errors.includes("States.HeartbeatTimeout")) return rule;
  return { ...(rule as JsonObject), ErrorEquals: [...errors, "States.HeartbeatTimeout"] };
}

/** Points `$$.Execution.StartTime` at the virtual start time the runtime passes in the context. */
function rewriteStartTime(value: Json): Json {
  if (typeof value === "string") {
    return value.replaceAll("$$.Execution.StartTime", `$$$$.Execution.${VIRTUAL_START_TIME_KEY}`);
  }
  if (Array.isArray(value)) return value.map(rewriteStartTime);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewriteStartTime(inner)]));
  }
  return value;
}
