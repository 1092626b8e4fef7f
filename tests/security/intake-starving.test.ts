import { beforeAll, describe, expect, it } from "vitest";
import { CASE_TASK_FUNCTIONS, ROUTES, TIMER_TASK_FUNCTIONS } from "../../infra/stacks/service-stack.js";
import { functionLogicalId, type SynthesizedVigil, synthesizeVigil } from "../infra/fixtures.js";

/**
 * Attack (issue 11, "Intake cannot be starved"): one stage throttle shared by every route let ~100 rps of
 * anonymous `GET /v1/verify/x` make the wallet app's reports answer 429 while an account was drained.
 * Asserted in the synthesized template: intake and each public verify route have their own route throttle,
 * and intake and the workflow tasks have reserved Lambda concurrency that verify traffic cannot take.
 */
describe("attack: starving intake with public verify traffic", () => {
  let vigil: SynthesizedVigil;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  beforeAll(() => {
    vigil = synthesizeVigil({ verifyRateLimit: 5, verifyBurstLimit: 10, intakeRateLimit: 40, intakeBurstLimit: 80 });
    resources = vigil.serviceTemplate.toJSON().Resources;
  });

  it("gives POST /v1/reports its own throttle and each public verify route a separate one", () => {
    // Prepare
    const [stage] = Object.values(resources).filter((resource) => resource.Type === "AWS::ApiGatewayV2::Stage");

    // Act
    const settings = stage?.Properties.RouteSettings as Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
    >;

    // Assess
    expect(settings["POST /v1/reports"]).toEqual({ ThrottlingRateLimit: 40, ThrottlingBurstLimit: 80 });
    const verifyRoutes = ROUTES.filter((route) => route.fn === "verify-reporter").map(
      (route) => `${route.method} ${route.path}`,
    );
    expect(verifyRoutes).toHaveLength(3);
    for (const key of verifyRoutes) expect(settings[key]).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
  });

  it("reserves Lambda concurrency for intake and every workflow task, and caps the reply parser", () => {
    // Prepare
    const reserved = (name: string) =>
      resources[functionLogicalId(vigil.service, name)]?.Properties.ReservedConcurrentExecutions;

    // Act
    const tasks = [...CASE_TASK_FUNCTIONS, ...TIMER_TASK_FUNCTIONS].map((name) => [name, reserved(name)]);

    // Assess
    expect(reserved("receive-report")).toBe(20);
    expect(tasks).toEqual([...CASE_TASK_FUNCTIONS, ...TIMER_TASK_FUNCTIONS].map((name) => [name, 10]));
    expect(reserved("receive-email-reply")).toBe(2);
    expect(reserved("verify-reporter")).toBeUndefined();
  });

  it("keeps a failed reply: an on-failure SQS destination that is alarmed", () => {
    // Prepare
    const replyFn = functionLogicalId(vigil.service, "receive-email-reply");

    // Act
    const [invokeConfig] = Object.values(resources).filter(
      (resource) =>
        resource.Type === "AWS::Lambda::EventInvokeConfig" &&
        JSON.stringify(resource.Properties.FunctionName).includes(replyFn),
    );
    const queueArn = JSON.stringify(
      (invokeConfig?.Properties.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)?.OnFailure
        ?.Destination,
    );
    const queueId = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(queueArn)?.[1] ?? "";
    const alarms = Object.values(resources).filter((resource) => resource.Type === "AWS::CloudWatch::Alarm");

    // Assess
    expect(resources[queueId]?.Type).toBe("AWS::SQS::Queue");
    expect(
      alarms.some(
        (alarm) =>
          alarm.Properties.MetricName === "ApproximateNumberOfMessagesVisible" &&
          JSON.stringify(alarm.Properties.Dimensions).includes(queueId),
      ),
    ).toBe(true);
  });
});
