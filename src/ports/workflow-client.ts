/** Step Functions, as the use cases need it. */
export interface WorkflowClient {
  /** Starts the case workflow; `existed` when an execution of that name already ran or runs. */
  startCase(name: string, input: { caseId: string; generation: number }): Promise<"started" | "existed">;
  /** Starts a timer execution (SLA clocks, webhook deliveries). */
  startTimer(name: string, input: TimerInput): Promise<void>;
  stopTimer(name: string): Promise<void>;
  /** Resumes a waiting callback task. Returns false when the token is no longer valid. */
  sendTaskSuccess(taskToken: string, output: unknown): Promise<boolean>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<boolean>;
}

/** Input and output of the timer workflow's `FireTimer` task. */
export interface TimerInput {
  kind: "sla" | "delivery";
  /** The case id (sla) or delivery id (delivery). */
  ref: string;
  generation: number;
  /** ISO time to fire at. */
  at: string;
  done?: boolean;
  /** Fires so far in this execution, failed ones included (the workflow hands over at a bound). */
  wakes?: number;
  /** Failed fires in a row (the workflow gives up at a bound). */
  failures?: number;
  /** Which execution of this timer this is: 0 for the one the application started, then one per hand-over. */
  segment?: number;
}
