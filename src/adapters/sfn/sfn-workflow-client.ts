import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ENV } from "../../config/env-names.js";
import { ConfigError, TransientError } from "../../errors/index.js";
import type { TimerInput, WorkflowClient } from "../../ports/workflow-client.js";

const GONE = new Set(["TaskDoesNotExist", "TaskTimedOut", "InvalidToken", "ExecutionDoesNotExist"]);

/** `WorkflowClient` on Step Functions Standard. */
export class SfnWorkflowClient implements WorkflowClient {
  constructor(
    private readonly client: SFNClient,
    private readonly arns: { caseStateMachineArn?: string; timerStateMachineArn?: string },
  ) {}

  /** A function only has the ARNs of the workflows it drives (checked at its cold start, `FUNCTION_NEEDS`). */
  private arn(which: "caseStateMachineArn" | "timerStateMachineArn"): string {
    const arn = this.arns[which];
    if (!arn) throw new ConfigError(`missing configuration ${ENV[which]}: this function does not drive that workflow`);
    return arn;
  }

  async startCase(name: string, input: { caseId: string; generation: number }): Promise<"started" | "existed"> {
    return this.start(this.arn("caseStateMachineArn"), name, input);
  }

  async startTimer(name: string, input: TimerInput): Promise<void> {
    await this.start(this.arn("timerStateMachineArn"), name, input);
  }

  async stopTimer(name: string): Promise<void> {
    const executionArn = `${this.arn("timerStateMachineArn").replace(":stateMachine:", ":execution:")}:${name}`;
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause: "superseded" }));
    } catch (error) {
      if (!GONE.has((error as Error).name)) throw this.transient(error, "StopExecution");
    }
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<boolean> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) }));
      return true;
    } catch (error) {
      if (GONE.has((error as Error).name)) return false;
      throw this.transient(error, "SendTaskSuccess");
    }
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<boolean> {
    try {
      await this.client.send(new SendTaskFailureCommand({ taskToken, error, cause }));
      return true;
    } catch (failure) {
      if (GONE.has((failure as Error).name)) return false;
      throw this.transient(failure, "SendTaskFailure");
    }
  }

  private async start(stateMachineArn: string, name: string, input: unknown): Promise<"started" | "existed"> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return "started";
    } catch (error) {
      // The name is the idempotency key: an execution that exists already is the one we wanted.
      if ((error as Error).name === "ExecutionAlreadyExists") return "existed";
      throw this.transient(error, "StartExecution");
    }
  }

  private transient(error: unknown, what: string): TransientError {
    return new TransientError(`Step Functions ${what} failed: ${(error as Error).name}`, { cause: error });
  }
}
