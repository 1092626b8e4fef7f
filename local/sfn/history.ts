/**
 * Builds the AWS-shaped execution history from engine events and handler milestones.
 */
import type { EngineEvent } from "./engine.js";
import type { ExecutionRecord, HistoryEvent } from "./store.js";
import { RESUME_STATE } from "./transform.js";

/**
 * Appends one event to the record. Details go under the key the AWS API uses
 * (`stateEnteredEventDetails`, `taskSucceededEventDetails`, ...). Every `*StateEntered` event counts
 * as one state transition.
 */
export function appendEvent(record: ExecutionRecord, timestamp: number, type: string, details?: object): HistoryEvent {
  const id = record.history.length + 1;
  const event: HistoryEvent = { id, previousEventId: id - 1, timestamp, type };
  if (details) event[detailsKey(type)] = details;
  record.history.push(event);
  if (type.endsWith("StateEntered")) record.transitions++;
  return event;
}

/**
 * The AWS event for an engine event, or `undefined` when AWS has no counterpart (StateFailed,
 * StateRetried, StateCaught, Parallel branch events, the execution-level events that the runtime
 * writes itself) or the state is the synthetic resume state.
 */
export function fromEngineEvent(
  event: EngineEvent,
  stateTypes: ReadonlyMap<string, string>,
): { type: string; details: object } | undefined {
  switch (event.type) {
    case "StateEntered":
    case "StateExited": {
      const { name, type, input, output } = event.state;
      if (name === RESUME_STATE) return undefined;
      // A transformed Wait runs as a Task in the engine; history must show the original type.
      const stateType = stateTypes.get(name) ?? type;
      return event.type === "StateEntered"
        ? {
            type: `${stateType}StateEntered`,
            details: { name, input: toJsonText(input), inputDetails: { truncated: false } },
          }
        : {
            type: `${stateType}StateExited`,
            details: { name, output: toJsonText(output), outputDetails: { truncated: false } },
          };
    }
    case "MapIterationStarted":
    case "MapIterationSucceeded":
    case "MapIterationFailed":
      return { type: event.type, details: { name: event.parentState.name, index: event.index } };
    default:
      return undefined;
  }
}

/** JSON text of a value, `null` for undefined (as a Lambda returning nothing gives). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function detailsKey(type: string): string {
  if (type.endsWith("StateEntered")) return "stateEnteredEventDetails";
  if (type.endsWith("StateExited")) return "stateExitedEventDetails";
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}
