import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { functionTimeoutSeconds } from "../infra/function-settings.js";
import { keys } from "../src/adapters/dynamodb/keys.js";
import { setTimeSource } from "../src/adapters/system/system-clock.js";
import { ENV } from "../src/config/env-names.js";
import { type AwsFront, startAwsFront } from "./aws-front.js";
import { type Faults, startAwsSinks, startSes } from "./aws-sinks.js";
import { type ScheduledItem, VirtualClock } from "./clock.js";
import { coalesce } from "./coalesce.js";
import { createConsoleServer } from "./console-server.js";
import { createDynalite } from "./dynamo-transactions.js";
import { ForegroundFirst } from "./foreground-first.js";
import { createGateway, type HttpLambda, keepConnections } from "./gateway.js";
import { loadRolePolicies, type SynthesizedPolicies } from "./iam/policies.js";
import { bundleFunctions } from "./lambda/bundle.js";
import { secretsByNeed } from "./lambda/secrets.js";
import { type FunctionRuntime, InProcessFunctions, IsolatedFunctions } from "./lambda/service.js";
import { localOperators, SHORTHAND_AGENT } from "./operators.js";
import { Outbox } from "./outbox.js";
import { ProviderSink } from "./provider-sink.js";
import { createSfnEmulator, type SfnEmulator } from "./sfn/index.js";
import { OptOutList, smsAllowedCountries } from "./sms-policy.js";
import { localStrictness, type Strictness } from "./strictness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REGION = "eu-west-1";
const ACCOUNT = "000000000000";
export const TABLE_NAME = "vigil";
const SWEEP_MS = 5 * 60_000;
const LOCAL_PROTECT_CONFIGURATION_ID = "protect-local";
const ANCHOR_MS = 5 * 60_000;
/** A pass of the pacing drain runs this long after a message is queued (virtual time). */
const DRAIN_STEP_MS = 1000;

/** Development defaults: they work out of the box and are printed at start. Never use them in production. */
export const DEV_DEFAULTS = {
  webhookSecret: "whsec_dmlnaWwtbG9jYWwtd2ViaG9vay1zZWNyZXQtMzJi",
  providerWebhookSecret: "whsec_dmlnaWwtbG9jYWwtcHJvdmlkZXItc2VjcmV0LTMy",
  operatorToken: "vigil-local-operator-token",
  oncallEmail: "oncall@vigil.local",
  oncallEscalationEmail: "oncall-lead@vigil.local",
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
  /**
   * Benchmark seam: puts a proxy between the functions (through the AWS front) and DynamoDB; gets the
   * emulator's URL, returns the proxy's (the mass-incident scenario counts units per partition key there).
   */
  dynamoProxy?: (dynamoUrl: string) => Promise<string>;
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
  config: {
    webhookSecrets: string[];
    providerWebhookSecret: string;
    operatorToken: string;
    /** Who may call the operator API (tokens left out). */
    operators: Array<{ agent: string; groups: string[] }>;
    dataDir: string;
  };
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
  // VIGIL_LOCAL_STARTUP_TIMING=1 prints what each step of the start took (stderr), to see where a start goes.
  const timing = /^(1|true|on|yes)$/i.test(env.VIGIL_LOCAL_STARTUP_TIMING ?? "");
  let lastMark = performance.now();
  if (timing) log(`startup: process start to runtime code (node, tsx, imports) ${Math.round(lastMark)} ms`);
  const mark = (step: string): void => {
    if (!timing) return;
    const now = performance.now();
    log(`startup: ${step} ${Math.round(now - lastMark)} ms`);
    lastMark = now;
  };
  const dataDir = options.dataDir ?? env.VIGIL_DATA_DIR ?? join(ROOT, ".vigil");
  mkdirSync(dataDir, { recursive: true });
  const clock = new VirtualClock({ offsetFile: join(dataDir, "clock.json") });
  const restoreTime = setTimeSource(() => clock.now());

  const webhookSecrets = (env.VIGIL_WEBHOOK_SECRETS ?? DEV_DEFAULTS.webhookSecret).split(",").map((s) => s.trim());
  const providerWebhookSecret = env.VIGIL_PROVIDER_WEBHOOK_SECRET ?? DEV_DEFAULTS.providerWebhookSecret;
  const operators = localOperators(
    { operators: env.VIGIL_OPERATORS, operatorToken: env.VIGIL_OPERATOR_TOKEN },
    DEV_DEFAULTS.operatorToken,
  );
  // The shorthand token when it is accepted, else the first configured operator's.
  const operatorToken =
    operators.find((entry) => entry.agent === SHORTHAND_AGENT)?.token ?? (operators[0]?.token as string);

  mark("settings");
  // 1. DynamoDB (dynalite, LevelDB under the data dir so a second start reuses the data).
  const dynamo = createDynalite({
    path: join(dataDir, "dynamodb"),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve) => dynamo.listen(options.ports?.dynamodb ?? 0, "127.0.0.1", resolve));
  const dynamoUrl = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;

  mark("dynalite");
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

  mark("ses and sinks");
  // 3. The API server: bound first so its URL can go into the handlers' configuration.
  // Until every part is up the API answers 503, so an early request never hangs.
  const starting = (_: IncomingMessage, response: ServerResponse) => {
    response.writeHead(503, { "content-type": "application/problem+json", "retry-after": "1" });
    response.end(
      JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "starting" }),
    );
  };
  const api = createServer(starting);
  keepConnections(api);
  await new Promise<void>((resolve, reject) => {
    api.once("error", reject);
    api.listen(options.ports?.api ?? options.port ?? 3000, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  mark("api server");
  // 4. Step Functions: the same ASL files, placeholders mapped to the local functions.
  let functions: FunctionRuntime | undefined;
  const workflows = readdirSync(join(ROOT, "workflows")).filter((file) => file.endsWith(".asl.json"));
  // Foreground first (VIGIL_LOCAL_FOREGROUND_FIRST): while API requests are answered, workflow tasks run one
  // at a time, except containment and the clocks, which never wait (BENCHMARKS.md §1, "Fourth session").
  const priority = new ForegroundFirst({
    backgroundWhileBusy: strictness.foregroundFirst ? 1 : Number.POSITIVE_INFINITY,
    exempt: new Set(["contain-incident", "fire-timer", "hand-over-timer"]),
  });
  const sfn = createSfnEmulator({
    clock,
    stateDir: join(dataDir, "sfn"),
    region: REGION,
    accountId: ACCOUNT,
    limits: strictness.sfnLimits,
    retryTiming: strictness.sfnRetryTiming,
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
      const loaded = functions;
      return priority.backgroundCall(name, () => loaded.invoke(name, payload, invokeOptions));
    },
    logger: { info: () => undefined, warn: (m) => log(`sfn: ${m}`), error: (m) => log(`sfn: ${m}`) },
    // A case workflow that ends is a case concluded: anchor its audit head at once (an EventBridge rule on AWS).
    onExecutionEnd: ({ stateMachineName }) => (stateMachineName === "vigil-case" ? runAnchor() : undefined),
  });
  const sfnUrl = await sfn.listen(options.ports?.sfn ?? 0, "127.0.0.1");

  mark("step functions");
  // The audit anchor (`functions/anchor-audit.ts`), run on the schedule and at case closure, one run at a
  // time as on AWS (reserved concurrency 1), and a burst of closures costs two runs, not one each (each run
  // anchors every head changed since the last anchor). Resolves whether the run anchored anything.
  const runAnchor = coalesce((): Promise<boolean> => {
    if (!functions) return Promise.resolve(false);
    return functions.invoke("anchor-audit", {}).then(
      (result) => (result as { anchored?: boolean } | undefined)?.anchored === true,
      (error: unknown) => {
        log(`anchor-audit failed: ${(error as Error).name}`);
        return false;
      },
    );
  });

  // 5. Every SDK call goes through the front: IAM against the synthesized role policies, SES account rules.
  const synthesized = strictness.iam ? loadRolePolicies(ROOT, log) : undefined;
  const policies = synthesized && options.iamPolicies ? options.iamPolicies(synthesized) : synthesized;
  const front = await startAwsFront({
    upstreams: {
      dynamodb: options.dynamoProxy ? await options.dynamoProxy(dynamoUrl) : dynamoUrl,
      ses: ses.url,
      "sms-voice": sinks.url,
      events: sinks.url,
      states: sfnUrl,
    },
    // dynalite runs in this thread: its calls skip the loopback hop (a bench's proxy keeps it).
    ...(!options.dynamoProxy && {
      inProcess: { dynamodb: (request, response) => dynamo.emit("request", request, response) },
    }),
    policies,
    stateMachineOfToken: (token) => sfn.stateMachineOfToken(token),
    ses: {
      sandbox: strictness.sesSandbox,
      verified: strictness.sesVerified,
      ratePerSecond: strictness.sesRatePerSecond,
    },
    clock,
    faults,
    onOutboundWrite: () => scheduleDrain(),
    port: options.ports?.front ?? 0,
  });

  mark("iam policies and aws front");
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
    [ENV.consoleUrl]: env.VIGIL_CONSOLE_URL ?? `${url}/console`,
    // Audit anchors: an Ed25519 key and an append-only folder under the data dir (KMS and S3 on AWS).
    [ENV.anchorDir]: join(dataDir, "audit"),
    // As allowSms sets it on AWS: every SendTextMessage names the protect configuration.
    [ENV.smsProtectConfigurationId]: LOCAL_PROTECT_CONFIGURATION_ID,
    // The second contact (escalation exhausted) has a local default so the flow shows in the inbox; "" switches it off.
    [ENV.oncallEscalationEmail]: env.VIGIL_ONCALL_ESCALATION_EMAIL ?? DEV_DEFAULTS.oncallEscalationEmail,
  };
  for (const name of [ENV.brandName, ENV.supportUrl] as const) {
    const value = env[name];
    if (value) handlerEnv[name] = value;
  }
  // The pacing drain sends at the local SES's rate when one is set (VIGIL_LOCAL_SES_RATE), as a deployment
  // sets sesMaxSendRate to its account's; either can be given explicitly.
  const sesRate = env.VIGIL_SES_MAX_SEND_RATE ?? strictness.sesRatePerSecond?.toString();
  if (sesRate) handlerEnv[ENV.sesMaxSendRate] = sesRate;
  if (env.VIGIL_SMS_MAX_MPS) handlerEnv[ENV.smsMaxMps] = env.VIGIL_SMS_MAX_MPS;
  if (env.VIGIL_ONCALL_PHONE) handlerEnv[ENV.oncallPhone] = env.VIGIL_ONCALL_PHONE;
  if (env.VIGIL_ONCALL_ESCALATION_PHONE) handlerEnv[ENV.oncallEscalationPhone] = env.VIGIL_ONCALL_ESCALATION_PHONE;
  if (env.VIGIL_POLICY) handlerEnv[ENV.policyOverrides] = env.VIGIL_POLICY;
  // The runtime's own thread keeps the endpoints too (tests and tools read them from process.env); the AWS
  // anchor settings would send its anchors to KMS and S3.
  delete process.env[ENV.anchorKeyId];
  delete process.env[ENV.anchorBucket];
  Object.assign(process.env, handlerEnv);
  await ensureTable(dynamoUrl);

  mark("ensure table");
  // 7. The functions: each in execution environments of its own (cold start on first use), or all in this
  // thread when isolation is switched off.
  const lambdaLogs = createWriteStream(join(dataDir, "lambda.log"), { flags: "a" });
  functions = strictness.lambdaIsolation
    ? new IsolatedFunctions({
        bundles: await bundleFunctions(ROOT),
        envOf: (name) => ({
          // Secret values only where the role grants the secret (local/lambda/secrets.ts).
          ...secretsByNeed(handlerEnv, policies?.functions[name]?.statements),
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

  mark("functions (bundles)");
  // 8. Continue the executions a previous run left in flight, before serving any request.
  await sfn.resumeAll();
  mark("resume executions");
  const sink = new ProviderSink(providerWebhookSecret, () => clock.now(), join(dataDir, "provider-webhooks.jsonl"));
  const gateway = createGateway({
    invoke: (name, event) =>
      priority.foregroundCall(() => runtimeFunctions.invoke(name, event)) as ReturnType<HttpLambda>,
    operators,
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
  const consoleServer = createConsoleServer({
    identify: (token) => {
      const operator = operators.find((entry) => entry.token === token);
      return operator ? { agent: operator.agent, groups: [...operator.groups] } : null;
    },
  });
  mark("routes");
  api.off("request", starting);
  api.on("request", (request, response) => {
    const requestUrl = new URL(request.url ?? "/", url);
    const path = requestUrl.pathname;
    if (path === "/" && request.method === "GET") {
      response.writeHead(302, { location: "/console/" });
      return void response.end();
    }
    // A POST (a report, an action, a verification) may leave a workflow start to re-drive.
    if (request.method === "POST" && !path.startsWith("/_local/")) {
      scheduleSweep();
      scheduleAnchor();
    }
    const route =
      path.startsWith("/_local/") || path === "/openapi.json"
        ? localRoutes(request, response, requestUrl)
        : path === "/console" || path.startsWith("/console/")
          ? consoleServer(request, response, requestUrl)
          : gateway(request, response, requestUrl);
    route.catch((error: unknown) => {
      log(`request failed: ${(error as Error).name}`);
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/problem+json" });
      response.end(JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500 }));
    });
  });

  // 9. Re-drive deferred workflow starts (an EventBridge rule every minute on AWS). Here a sweep runs
  // 5 virtual minutes after a start of the runtime or a POST to the API (what can leave a start
  // behind), and again while it still finds cases pending: a sweep every 5 virtual minutes would run
  // 17,280 sweeps, minutes of real time, while a test advances the clock 60 days.
  let sweeper: ScheduledItem | undefined;
  function scheduleSweep(): void {
    if (sweeper) return;
    sweeper = clock.schedule(
      clock.now() + SWEEP_MS,
      async () => {
        sweeper = undefined;
        const result = (await runtimeFunctions.invoke("start-pending-workflows", {}).catch((error: unknown) => {
          log(`start-pending-workflows failed: ${(error as Error).name}`);
          return undefined;
        })) as { attempted?: number } | undefined;
        if ((result?.attempted ?? 0) > 0) scheduleSweep();
      },
      { label: "start-pending-workflows" },
    );
  }
  scheduleSweep();

  // 10. Anchor the audit trail (an EventBridge schedule every 5 minutes on AWS). Here an anchor runs 5
  // virtual minutes after API activity (what changes cases) and again while it still finds changed
  // heads, besides the one at each case end: a run every 5 virtual minutes would be 17,280 runs while a
  // test advances the clock 60 days.
  let anchorer: ScheduledItem | undefined;
  function scheduleAnchor(): void {
    if (anchorer) return;
    anchorer = clock.schedule(
      clock.now() + ANCHOR_MS,
      async () => {
        anchorer = undefined;
        if (await runAnchor()) scheduleAnchor();
      },
      { label: "anchor-audit" },
    );
  }
  scheduleAnchor();

  // 11. Message pacing (ADR 0014; an EventBridge schedule every minute on AWS, each run sending for 50 s). Here
  // one pass of the drain runs a virtual second after a message is queued, and again when it says the next
  // token or back-off is due, while messages wait: an advance of the clock drains on virtual time, at the
  // configured rates, and an idle runtime runs no drain at all.
  let drainer: ScheduledItem | undefined;
  // A message queued while a pass runs may have come after the pass read the queue: look again.
  let queuedMeanwhile = false;
  function scheduleDrain(atMs = clock.now() + DRAIN_STEP_MS): void {
    if (drainer) queuedMeanwhile = true;
    if (drainer || !functions) return;
    drainer = clock.schedule(
      atMs,
      async () => {
        const result = (await runtimeFunctions.invoke("drain-outbound", { runForMs: 0 }).catch((error: unknown) => {
          log(`drain-outbound failed: ${(error as Error).name}`);
          return { nextAt: clock.now() + DRAIN_STEP_MS };
        })) as { nextAt?: number | null } | undefined;
        drainer = undefined;
        const again = queuedMeanwhile;
        queuedMeanwhile = false;
        if (typeof result?.nextAt === "number") scheduleDrain(Math.max(result.nextAt, clock.now() + 1));
        else if (again) scheduleDrain();
      },
      { label: "drain-outbound" },
    );
  }
  // A previous run may have left messages waiting: its backlog flags say so.
  if (await backlogLeft(dynamoUrl)) scheduleDrain();

  // Where tools such as `npm run audit -- verify` find the running runtime's table.
  writeFileSync(join(dataDir, "local-endpoints.json"), `${JSON.stringify({ api: url, dynamodb: dynamoUrl })}\n`);

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
    config: {
      webhookSecrets,
      providerWebhookSecret,
      operatorToken,
      operators: operators.map(({ agent, groups }) => ({ agent, groups: [...groups] })),
      dataDir,
    },
    async close() {
      sweeper?.cancel();
      anchorer?.cancel();
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

/** Whether a pacing queue's backlog flag is up in the table (messages a previous run left waiting). */
async function backlogLeft(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    const flags = await Promise.all(
      ["email", "sms"].map((channel) =>
        client.send(
          new GetItemCommand({
            TableName: TABLE_NAME,
            Key: Object.fromEntries(Object.entries(keys.outboundBacklog(channel)).map(([k, v]) => [k, { S: v }])),
          }),
        ),
      ),
    );
    return flags.some((found) => found.Item !== undefined);
  } finally {
    client.destroy();
  }
}

/**
 * Creates the single table with its GSIs if it is not there yet (a second start reuses it, adding the
 * indexes a data dir made before them lacks).
 */
async function ensureTable(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const s = (name: string) => ({ AttributeName: name, AttributeType: "S" as const });
  // As infra/stacks/stateful-stack.ts: the search indexes hold keys only (no clear-text email); the
  // audit-head index projects only what the anchor reads.
  const projections: Record<string, { ProjectionType: "ALL" | "KEYS_ONLY" | "INCLUDE"; NonKeyAttributes?: string[] }> =
    {
      gsi1: { ProjectionType: "ALL" },
      gsi2: { ProjectionType: "ALL" },
      gsi3: { ProjectionType: "KEYS_ONLY" },
      gsi4: { ProjectionType: "KEYS_ONLY" },
      gsi5: { ProjectionType: "INCLUDE", NonKeyAttributes: ["auditSeq", "auditHead"] },
    };
  const index = (name: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: "HASH" as const },
      { AttributeName: `${name}sk`, KeyType: "RANGE" as const },
    ],
    Projection: projections[name],
  });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName));
    for (const name of Object.keys(projections).filter((gsi) => !present.has(gsi))) {
      await client.send(
        new UpdateTableCommand({
          TableName: TABLE_NAME,
          AttributeDefinitions: [s(`${name}pk`), s(`${name}sk`)],
          GlobalSecondaryIndexUpdates: [{ Create: index(name) }],
        }),
      );
    }
    await untilActive(client);
    client.destroy();
    return;
  } catch (error) {
    if ((error as Error).name !== "ResourceNotFoundException") throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: TABLE_NAME,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        s("pk"),
        s("sk"),
        ...Object.keys(projections).flatMap((name) => [s(`${name}pk`), s(`${name}sk`)]),
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: Object.keys(projections).map(index),
    }),
  );
  // dynalite makes the table ACTIVE on a later tick: the first read must not find it CREATING (not found).
  await untilActive(client);
  client.destroy();
}

/** Waits until the table and every index are ACTIVE (dynalite switches them after a timer, even at 0 ms). */
async function untilActive(client: DynamoDBClient): Promise<void> {
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === "ACTIVE" && indexes.every((gsi) => gsi.IndexStatus === "ACTIVE")) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
