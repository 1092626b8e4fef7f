import { createWriteStream, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { functionTimeoutSeconds } from "../infra/function-settings.js";
import { setTimeSource } from "../src/adapters/system/system-clock.js";
import { ENV } from "../src/config/env-names.js";
import { type AwsFront, startAwsFront } from "./aws-front.js";
import { type Faults, startAwsSinks, startSes } from "./aws-sinks.js";
import { VirtualClock } from "./clock.js";
import { createGateway, type HttpLambda } from "./gateway.js";
import { loadRolePolicies, type SynthesizedPolicies } from "./iam/policies.js";
import { bundleFunctions } from "./lambda/bundle.js";
import { type FunctionRuntime, InProcessFunctions, IsolatedFunctions } from "./lambda/service.js";
import { Outbox } from "./outbox.js";
import { ProviderSink } from "./provider-sink.js";
import { ROUTES } from "./routes.js";
import { createSfnEmulator, type SfnEmulator } from "./sfn/index.js";
import { OptOutList, smsAllowedCountries } from "./sms-policy.js";
import { localStrictness, type Strictness } from "./strictness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REGION = "eu-west-1";
const ACCOUNT = "000000000000";
export const TABLE_NAME = "vigil";
const SWEEP_MS = 5 * 60_000;
const LOCAL_PROTECT_CONFIGURATION_ID = "protect-local";

/** Development defaults: they work out of the box and are printed at start. Never use them in production. */
export const DEV_DEFAULTS = {
  webhookSecret: "whsec_dmlnaWwtbG9jYWwtd2ViaG9vay1zZWNyZXQtMzJi",
  providerWebhookSecret: "whsec_dmlnaWwtbG9jYWwtcHJvdmlkZXItc2VjcmV0LTMy",
  operatorToken: "vigil-local-operator-token",
  oncallEmail: "oncall@vigil.local",
  verificationPepper: "vigil-local-pepper-0123456789",
};

/** The loopback ports of the parts; a restart in the same process must reuse them (warm handlers keep their endpoints). */
export interface RuntimePorts {
  api: number;
  dynamodb: number;
  ses: number;
  sinks: number;
  sfn: number;
  front: number;
}

export interface LocalRuntimeOptions {
  port?: number;
  /** Fixed ports for every part (tests that restart the runtime in one process); default: random. */
  ports?: RuntimePorts;
  dataDir?: string;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** Test seam: edits the synthesized role policies before they are enforced (to remove one grant, say). */
  iamPolicies?: (synthesized: SynthesizedPolicies) => SynthesizedPolicies;
}

export interface LocalRuntime {
  url: string;
  ports: RuntimePorts;
  clock: VirtualClock;
  sfn: SfnEmulator;
  outbox: Outbox;
  sink: ProviderSink;
  faults: Faults;
  /** The functions' execution environments (faults per function, counters). */
  functions: FunctionRuntime;
  /** Which AWS rules the runtime enforces (see local/README.md). */
  strictness: Strictness;
  /** The front of the AWS emulators (IAM, SES account rules) and the policies it enforces. */
  iam: { front: AwsFront; policies: SynthesizedPolicies | undefined };
  config: { webhookSecrets: string[]; providerWebhookSecret: string; operatorToken: string; dataDir: string };
  close(): Promise<void>;
}

const toKebab = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:vigil-${name}`;

/**
 * Starts the whole system on one machine: dynalite (data under `dataDir`), aws-ses-v2-local, an
 * SMS/EventBridge sink, the Step Functions emulation running the very `workflows/*.asl.json` CDK
 * deploys, and an API gateway in front of the same Lambda handlers. Handlers reach every emulator
 * through the real AWS SDK clients (`AWS_ENDPOINT_URL_*`), and read the virtual clock.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const env = options.env ?? process.env;
  const strictness = localStrictness({ ...process.env, ...env });
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? env.VIGIL_DATA_DIR ?? join(ROOT, ".vigil");
  mkdirSync(dataDir, { recursive: true });
  const clock = new VirtualClock({ offsetFile: join(dataDir, "clock.json") });
  const restoreTime = setTimeSource(() => clock.now());

  const webhookSecrets = (env.VIGIL_WEBHOOK_SECRETS ?? DEV_DEFAULTS.webhookSecret).split(",").map((s) => s.trim());
  const providerWebhookSecret = env.VIGIL_PROVIDER_WEBHOOK_SECRET ?? DEV_DEFAULTS.providerWebhookSecret;
  const operatorToken = env.VIGIL_OPERATOR_TOKEN ?? DEV_DEFAULTS.operatorToken;

  // 1. DynamoDB (dynalite, LevelDB under the data dir so a second start reuses the data).
  const dynamo = dynalite({ path: join(dataDir, "dynamodb"), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(options.ports?.dynamodb ?? 0, "127.0.0.1", resolve));
  const dynamoUrl = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;

  // 2. Email, SMS, EventBridge.
  const outbox = new Outbox(join(dataDir, "messages.jsonl"));
  const faults: Faults = { email: { count: 0, error: "Throttling" }, sms: { count: 0, error: "ThrottlingException" } };
  const ses = await startSes(clock, outbox, faults, options.ports?.ses ?? 0);
  const optOuts = new OptOutList(join(dataDir, "sms-opt-outs.json"));
  const sinks = await startAwsSinks(clock, outbox, faults, options.ports?.sinks ?? 0, {
    allowedCountries: strictness.smsCountryPolicy
      ? smsAllowedCountries(ROOT, env.VIGIL_SMS_ALLOWED_COUNTRIES)
      : undefined,
    optOuts: strictness.smsOptOut ? optOuts : undefined,
  });

  // 3. The API server: bound first so its URL can go into the handlers' configuration.
  // Until every part is up the API answers 503, so an early request never hangs.
  const starting = (_: IncomingMessage, response: ServerResponse) => {
    response.writeHead(503, { "content-type": "application/problem+json", "retry-after": "1" });
    response.end(
      JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "starting" }),
    );
  };
  const api = createServer(starting);
  await new Promise<void>((resolve, reject) => {
    api.once("error", reject);
    api.listen(options.ports?.api ?? options.port ?? 3000, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  // 4. Step Functions: the same ASL files, placeholders mapped to the local functions.
  let functions: FunctionRuntime | undefined;
  const workflows = readdirSync(join(ROOT, "workflows")).filter((file) => file.endsWith(".asl.json"));
  const sfn = createSfnEmulator({
    clock,
    stateDir: join(dataDir, "sfn"),
    region: REGION,
    accountId: ACCOUNT,
    limits: strictness.sfnLimits,
    stateMachines: workflows.map((file) => ({
      name: `vigil-${file.replace(".asl.json", "")}`,
      definition: readFileSync(join(ROOT, "workflows", file), "utf8").replace(
        /\$\{(\w+)FunctionArn\}/g,
        (_, name: string) => functionArn(toKebab(name)),
      ),
    })),
    invoke: async (arn, payload, invokeOptions) => {
      const name = arn.split(":function:")[1]?.replace(/^vigil-/, "") ?? "";
      if (!functions)
        throw Object.assign(new Error("the functions are not loaded yet"), { name: "Lambda.ServiceException" });
      return functions.invoke(name, payload, invokeOptions);
    },
    logger: { info: () => undefined, warn: (m) => log(`sfn: ${m}`), error: (m) => log(`sfn: ${m}`) },
  });
  const sfnUrl = await sfn.listen(options.ports?.sfn ?? 0, "127.0.0.1");

  // 5. Every SDK call goes through the front: IAM against the synthesized role policies, SES account rules.
  const synthesized = strictness.iam ? loadRolePolicies(ROOT, log) : undefined;
  const policies = synthesized && options.iamPolicies ? options.iamPolicies(synthesized) : synthesized;
  const front = await startAwsFront({
    upstreams: { dynamodb: dynamoUrl, ses: ses.url, "sms-voice": sinks.url, events: sinks.url, states: sfnUrl },
    policies,
    stateMachineOfToken: (token) => sfn.stateMachineOfToken(token),
    ses: {
      sandbox: strictness.sesSandbox,
      verified: strictness.sesVerified,
      ratePerSecond: strictness.sesRatePerSecond,
    },
    clock,
    port: options.ports?.front ?? 0,
  });

  // 6. The handlers' environment, exactly the variables CDK sets on AWS (plus SDK endpoints).
  const handlerEnv: Record<string, string> = {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_ENDPOINT_URL_DYNAMODB: front.url,
    AWS_ENDPOINT_URL_SES: front.url,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: front.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: front.url,
    AWS_ENDPOINT_URL_SFN: front.url,
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? "WARN",
    [ENV.tableName]: TABLE_NAME,
    [ENV.caseStateMachineArn]: sfn.stateMachineArn("vigil-case"),
    [ENV.timerStateMachineArn]: sfn.stateMachineArn("vigil-timer"),
    [ENV.webhookSecrets]: webhookSecrets.join(","),
    [ENV.providerWebhookSecret]: providerWebhookSecret,
    [ENV.verificationPepper]: env.VIGIL_VERIFICATION_PEPPER ?? DEV_DEFAULTS.verificationPepper,
    [ENV.providerWebhookUrl]: env.VIGIL_PROVIDER_WEBHOOK_URL ?? `${url}/_local/provider-webhooks/receive`,
    [ENV.eventBusName]: "vigil-events",
    [ENV.publicBaseUrl]: env.VIGIL_PUBLIC_BASE_URL ?? url,
    [ENV.emailFrom]: "Vigil Security <security@vigil.local>",
    [ENV.emailReplyTo]: "replies@vigil.local",
    [ENV.oncallEmail]: env.VIGIL_ONCALL_EMAIL ?? DEV_DEFAULTS.oncallEmail,
    [ENV.helpBaseUrl]: env.VIGIL_HELP_BASE_URL ?? "https://help.wallet.example",
    // As allowSms sets it on AWS: every SendTextMessage names the protect configuration.
    [ENV.smsProtectConfigurationId]: LOCAL_PROTECT_CONFIGURATION_ID,
  };
  if (env.VIGIL_ONCALL_PHONE) handlerEnv[ENV.oncallPhone] = env.VIGIL_ONCALL_PHONE;
  // The runtime's own thread keeps the endpoints too (tests and tools read them from process.env).
  Object.assign(process.env, handlerEnv);
  await ensureTable(dynamoUrl);

  // 7. The functions: each in execution environments of its own (cold start on first use), or all in this
  // thread when isolation is switched off.
  const lambdaLogs = createWriteStream(join(dataDir, "lambda.log"), { flags: "a" });
  functions = strictness.lambdaIsolation
    ? new IsolatedFunctions({
        bundles: await bundleFunctions(ROOT),
        envOf: (name) => ({
          ...handlerEnv,
          // Its own identity, as its role gives it on AWS: the access key id names the function.
          AWS_ACCESS_KEY_ID: name,
          AWS_SECRET_ACCESS_KEY: "local",
          AWS_LAMBDA_FUNCTION_NAME: `vigil-${name}`,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
        }),
        timeoutOf: (name) => (strictness.lambdaTimeout ? functionTimeoutSeconds(name) : undefined),
        clock,
        maxEnvironments: strictness.lambdaMaxEnvironments,
        region: REGION,
        account: ACCOUNT,
        logs: lambdaLogs,
      })
    : new InProcessFunctions(await loadInProcess(), REGION, ACCOUNT);
  const runtimeFunctions = functions;

  // 8. Continue the executions a previous run left in flight, before serving any request.
  await sfn.resumeAll();
  const sink = new ProviderSink(providerWebhookSecret, () => clock.now(), join(dataDir, "provider-webhooks.jsonl"));
  const gateway = createGateway({
    invoke: (name, event) => runtimeFunctions.invoke(name, event) as ReturnType<HttpLambda>,
    operatorToken,
    now: () => clock.now(),
  });
  const { createLocalRoutes } = await import("./local-routes.js");
  const localRoutes = createLocalRoutes({
    clock,
    outbox,
    sink,
    faults,
    sfn,
    events: sinks.events,
    functions: runtimeFunctions,
    optOuts,
    iam: { policies, enforced: strictness.iam, denials: front.denials },
  });
  api.off("request", starting);
  api.on("request", (request, response) => {
    const requestUrl = new URL(request.url ?? "/", url);
    const route = requestUrl.pathname.startsWith("/_local/")
      ? localRoutes(request, response, requestUrl)
      : gateway(request, response, requestUrl);
    route.catch((error: unknown) => {
      log(`request failed: ${(error as Error).name}`);
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/problem+json" });
      response.end(JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500 }));
    });
  });

  // 9. Re-drive deferred workflow starts (an EventBridge rule every minute on AWS). Every 5 virtual
  // minutes here: advancing a week must not run ten thousand sweeps.
  let sweeper = clock.schedule(
    clock.now() + SWEEP_MS,
    function repeat(): Promise<void> {
      sweeper = clock.schedule(clock.now() + SWEEP_MS, repeat, { label: "start-pending-workflows" });
      return runtimeFunctions.invoke("start-pending-workflows", {}).then(
        () => undefined,
        (error: unknown) => log(`start-pending-workflows failed: ${(error as Error).name}`),
      );
    },
    { label: "start-pending-workflows" },
  );

  const portOf = (address: string) => Number(new URL(address).port);
  const ports: RuntimePorts = {
    api: portOf(url),
    dynamodb: portOf(dynamoUrl),
    ses: portOf(ses.url),
    sinks: portOf(sinks.url),
    sfn: portOf(sfnUrl),
    front: portOf(front.url),
  };

  return {
    url,
    ports,
    clock,
    sfn,
    outbox,
    sink,
    faults,
    functions: runtimeFunctions,
    strictness,
    iam: { front, policies },
    config: { webhookSecrets, providerWebhookSecret, operatorToken, dataDir },
    async close() {
      sweeper.cancel();
      await new Promise<void>((resolve) => {
        api.close(() => resolve());
        api.closeAllConnections();
      });
      await sfn.close();
      // A task still running would write to a closed database: let it finish first (a task held
      // on purpose, as the benchmarks do, gets 2 s).
      await runtimeFunctions.close(2000);
      lambdaLogs.end();
      clock.close();
      await Promise.all(
        [front.server, ses.server, sinks.server, dynamo as unknown as Server].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              (server as Server).closeAllConnections?.();
            }),
        ),
      );
      restoreTime();
    },
  };
}

/** Every `functions/<name>.ts` handler imported into this thread (isolation switched off). */
async function loadInProcess(): Promise<Map<string, (event: unknown, context: unknown) => Promise<unknown>>> {
  const handlers = new Map<string, (event: unknown, context: unknown) => Promise<unknown>>();
  for (const file of readdirSync(join(ROOT, "functions")).filter((name) => name.endsWith(".ts"))) {
    const module = (await import(join(ROOT, "functions", file))) as {
      handler: (e: unknown, c: unknown) => Promise<unknown>;
    };
    handlers.set(file.replace(/\.ts$/, ""), module.handler);
  }
  return handlers;
}

/** Creates the single table with both GSIs if it is not there yet (a second start reuses it). */
async function ensureTable(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    return;
  } catch {
    // Absent: create it below.
  }
  const s = (name: string) => ({ AttributeName: name, AttributeType: "S" as const });
  const index = (name: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: "HASH" as const },
      { AttributeName: `${name}sk`, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE_NAME,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [s("pk"), s("sk"), s("gsi1pk"), s("gsi1sk"), s("gsi2pk"), s("gsi2sk")],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [index("gsi1"), index("gsi2")],
    }),
  );
  client.destroy();
}
