import { type FunctionRuntime, InProcessFunctions } from "../../local/lambda/service.js";

/** The runtime setting that loads every function in the runtime's own thread, where a TaskGate can reach it. */
export const IN_PROCESS_FUNCTIONS = { VIGIL_LOCAL_LAMBDA_ISOLATION: "0" } as const;

/**
 * Holds the first task of every case workflow (`ContainIncident`, since containment comes first) while closed, so that a timed
 * window (or a load burst) exercises intake alone. In the local runtime the workflow steps run in
 * the same process as the API; on AWS they run in other Lambda instances. Executions are still
 * started — StartExecution is part of intake — and their first task waits at the gate until it is
 * opened, or until its case is released.
 *
 * It wraps the handlers of the runtime's in-thread function runtime, so it must be installed after
 * `startLocalRuntime`; `passes` proves it took effect.
 * It also counts the invocations of every function in flight, so a caller can wait until nothing
 * but the held tasks is running ({@link TaskGate.quiesce}) — `waitIdle()` would wait for those too.
 */
export class TaskGate {
  private closed = false;
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly released = new Set<string>();
  private inFlight = 0;
  /** How many task invocations went through the gate. */
  passes = 0;

  /**
   * `held`: by default the case workflow's first task (`ContainIncident`, workflows/case.asl.json). The runtime
   * must run its functions in this thread (`VIGIL_LOCAL_LAMBDA_ISOLATION=0`, {@link IN_PROCESS_FUNCTIONS}): a
   * function in a worker thread of its own cannot be wrapped from here.
   */
  static async install(
    runtime: { functions: FunctionRuntime },
    held: string[] = ["contain-incident"],
  ): Promise<TaskGate> {
    if (!(runtime.functions instanceof InProcessFunctions))
      throw new Error("TaskGate needs the functions in this thread: start the runtime with IN_PROCESS_FUNCTIONS");
    const gate = new TaskGate();
    runtime.functions.intercept((name, handler) => async (event, context) => {
      gate.inFlight += 1;
      try {
        if (held.includes(name)) await gate.pass(event);
        return await handler(event, context);
      } finally {
        gate.inFlight -= 1;
      }
    });
    return gate;
  }

  /** Resolves once no invocation is running except the held ones (checked over a few event-loop turns). */
  async quiesce(): Promise<void> {
    let quiet = 0;
    while (quiet < 3) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      quiet = this.inFlight - this.held() === 0 ? quiet + 1 : 0;
    }
  }

  /** From now on, tasks wait (except for released cases). */
  close(): void {
    this.closed = true;
  }

  /** Lets every waiting task go, and every later one. */
  open(): void {
    this.closed = false;
    for (const waiters of this.waiting.values()) for (const go of waiters) go();
    this.waiting.clear();
  }

  /** Lets the tasks of these cases go, now and later, while the gate stays closed for the others. */
  release(caseIds: string[]): void {
    for (const caseId of caseIds) {
      this.released.add(caseId);
      for (const go of this.waiting.get(caseId) ?? []) go();
      this.waiting.delete(caseId);
    }
  }

  /** How many tasks are waiting now. */
  held(): number {
    let count = 0;
    for (const waiters of this.waiting.values()) count += waiters.length;
    return count;
  }

  private async pass(event: unknown): Promise<void> {
    this.passes += 1;
    const caseId = String((event as { caseId?: unknown } | null)?.caseId ?? "");
    if (!this.closed || this.released.has(caseId)) return;
    await new Promise<void>((resolve) => {
      this.waiting.set(caseId, [...(this.waiting.get(caseId) ?? []), resolve]);
    });
  }
}
