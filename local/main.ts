import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEV_DEFAULTS, type LocalRuntime, startLocalRuntime } from "./runtime.js";

/**
 * `npm start`: the whole of Vigil on this machine. Prints what a first-time user needs (URLs,
 * dev secrets, a ready-to-paste signed report) and stops cleanly on Ctrl-C. A start that cannot
 * happen (port taken, data directory in use, bad configuration) says so in one line.
 */
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(`usage: npm start            run Vigil locally (API, operator console, local inbox, emulators)

environment (all optional; defaults work out of the box):
  PORT                   API port on 127.0.0.1 (default 3000)
  VIGIL_DATA_DIR         where local data lives (default .vigil/; delete it to start afresh)
  VIGIL_OPERATOR_TOKEN   the operator token (agent local-operator, agents + supervisors)
  VIGIL_OPERATORS        JSON [{"token","agent","groups":["agents"|"supervisors"]}]
  VIGIL_POLICY           JSON overrides of SLA targets and thresholds (see README, "Configuration")
  VIGIL_WEBHOOK_SECRETS, VIGIL_PROVIDER_WEBHOOK_SECRET, VIGIL_ONCALL_EMAIL, VIGIL_ONCALL_PHONE, ...
                         (every variable: README.md, "Configuration (local runtime)")
`);
  process.exit(0);
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a whole number from 0 to 65535 (got "${process.env.PORT}").\n`);
  process.exit(1);
}

/** One line for the failures a newcomer meets; anything else keeps its stack. */
function whyNotStarted(error: unknown): string | null {
  const failure = error as NodeJS.ErrnoException;
  if (failure?.code === "EADDRINUSE")
    return `Port ${port} is already in use (another Vigil, or another server). Stop it, or start on another port: PORT=${port + 1} npm start`;
  if (failure?.code === "EACCES")
    return `Port ${port} needs privileges this user lacks. Use another: PORT=3000 npm start`;
  if (/LOCK|lock/.test(failure?.message ?? "") && /dynamodb|leveldb|LevelDB|IO error/i.test(failure?.message ?? ""))
    return `The data directory is in use by another Vigil process. Stop it, or use another one: VIGIL_DATA_DIR=.vigil-2 PORT=${port + 1} npm start`;
  if (failure?.name === "ConfigError") return `Configuration error: ${failure.message}`;
  return null;
}

// One Vigil per data directory: a second would find the database locked. Say so before trying.
const dataDir = resolve(process.env.VIGIL_DATA_DIR ?? fileURLToPath(new URL("../.vigil", import.meta.url)));
const pidFile = join(dataDir, "vigil.pid");
const running = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
if (running && running !== process.pid && isAlive(running)) {
  process.stderr.write(
    `Another Vigil (pid ${running}) is using the data directory ${dataDir}. Stop it, or use another one: VIGIL_DATA_DIR=.vigil-2 PORT=${port + 1} npm start\n`,
  );
  process.exit(1);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const started = Date.now();
let runtime: LocalRuntime;
try {
  runtime = await startLocalRuntime({ port, log: (line) => process.stderr.write(`${line}\n`) });
} catch (error) {
  const line = whyNotStarted(error);
  if (line === null) throw error;
  process.stderr.write(`${line}\n`);
  process.exit(1);
}
mkdirSync(dataDir, { recursive: true });
writeFileSync(pidFile, String(process.pid));
const { url, config } = runtime;
const usingDevSecret = config.webhookSecrets.includes(DEV_DEFAULTS.webhookSecret);
process.stdout.write(`
Vigil is running (local embedded runtime, ready in ${Date.now() - started} ms)

  Operator console    ${url}/console/   (sign in with the operator token below)
  Local inbox         ${url}/_local/inbox   (every email and SMS Vigil sent, per recipient)
  API                 ${url}
  Health              ${url}/_local/health
  Provider webhooks   ${url}/_local/provider-webhooks
  Virtual clock       ${url}/_local/clock   (POST ${url}/_local/clock/advance {"seconds":900})
  Data directory      ${config.dataDir}

  Webhook secret      ${usingDevSecret ? DEV_DEFAULTS.webhookSecret : "(from VIGIL_WEBHOOK_SECRETS)"}
  Provider secret     ${config.providerWebhookSecret === DEV_DEFAULTS.providerWebhookSecret ? DEV_DEFAULTS.providerWebhookSecret : "(from VIGIL_PROVIDER_WEBHOOK_SECRET)"}
  Operator token      ${config.operatorToken === DEV_DEFAULTS.operatorToken ? DEV_DEFAULTS.operatorToken : "(from VIGIL_OPERATOR_TOKEN / VIGIL_OPERATORS)"}
  Operators           ${config.operators.map((entry) => `${entry.agent} (${entry.groups.join(", ")})`).join("; ")}

Try it (in another terminal):
  ${port === 3000 ? "" : `PORT=${port} `}npm run report -- --type sim_swap
  then open ${url}/console/ and ${url}/_local/inbox?to=ana@example.com
  curl -s -H "authorization: Bearer ${config.operatorToken === DEV_DEFAULTS.operatorToken ? DEV_DEFAULTS.operatorToken : "$VIGIL_OPERATOR_TOKEN"}" ${url}/v1/cases

Press Ctrl-C to stop.
`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping…\n`);
  await runtime.close();
  rmSync(pidFile, { force: true });
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
