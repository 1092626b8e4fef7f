import { resolveMx } from "node:dns/promises";
import { parseArgs } from "node:util";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { PinpointSMSVoiceV2Client } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESClient } from "@aws-sdk/client-ses";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { STSClient } from "@aws-sdk/client-sts";
import { type CheckResult, type DoctorClients, exitCodeOf, isMissingCredentials, runDoctor } from "./doctor/checks.js";

const HELP = `npm run doctor -- [--stage dev] [--region eu-west-1] [--profile name] [--json]

Checks, read-only, that an AWS account and region are ready for a first Vigil deployment and a first report:
CDK bootstrap, the Vigil stacks, SES production access, identities, DKIM, configuration set, receipt rule set and
the reply domain's MX, End User Messaging SMS sandbox, origination identity, spend limit and protect configuration,
the secrets, the operators, and the provider's webhook endpoint (an HTTPS HEAD). Prints what to do for each miss.

Credentials: the AWS SDK default chain (environment, SSO, shared config/credentials files, instance roles),
or --profile. Region: --region, else AWS_REGION / the profile's region, else eu-west-1.

Exit code: 0 when a report could flow end to end (warnings are limits such as a sandbox), 1 when something must
be fixed first, 2 when no credentials were found.`;

const { values } = parseArgs({
  options: {
    stage: { type: "string", default: "dev" },
    region: { type: "string" },
    profile: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

// The SDK's Node 20 notice is for maintainers (see notes in README), not for someone checking an account.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "eu-west-1";
// `profile` is a client option of the SDK's default credential chain: no extra credential package needed.
const config = { region, ...(values.profile === undefined ? {} : { profile: values.profile }), maxAttempts: 2 };
const clients: DoctorClients = {
  sts: new STSClient(config),
  cloudformation: new CloudFormationClient(config),
  ses: new SESClient(config),
  sesv2: new SESv2Client(config),
  sms: new PinpointSMSVoiceV2Client(config),
  secrets: new SecretsManagerClient(config),
  cognito: new CognitoIdentityProviderClient(config),
};
const net = {
  resolveMx,
  head: async (url: string) =>
    (await fetch(url, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(10_000) })).status,
};

const MARK: Record<CheckResult["status"], string> = { ok: "✓", warn: "!", fail: "✗", skip: "-" };

try {
  const { account, results } = await runDoctor(clients, net, { stage: values.stage, region });
  const exitCode = exitCodeOf(results);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ account, region, stage: values.stage, ready: exitCode === 0, checks: results }, null, 2)}\n`,
    );
  } else {
    const lines = [`Vigil doctor: stage ${values.stage}, account ${account}, region ${region}`, ""];
    for (const result of results) {
      lines.push(`${MARK[result.status]} ${result.title}: ${result.detail}`);
      if (result.fix !== undefined) lines.push(`    fix: ${result.fix}`);
    }
    const counts = (status: CheckResult["status"]) => results.filter((result) => result.status === status).length;
    lines.push(
      "",
      exitCode === 0
        ? `Ready: a report can flow end to end (${counts("warn")} warning(s)).`
        : `Not ready: ${counts("fail")} check(s) to fix, ${counts("warn")} warning(s).`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  process.exit(exitCode);
} catch (error) {
  if (isMissingCredentials(error)) {
    const line = "No AWS credentials found: run `aws configure` or `aws sso login`, or pass --profile <name>.";
    process.stdout.write(values.json ? `${JSON.stringify({ ready: false, error: line })}\n` : `${line}\n`);
    process.exit(2);
  }
  throw error;
}
