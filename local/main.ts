import { DEV_DEFAULTS, startLocalRuntime } from "./runtime.js";

/**
 * `npm start`: the whole of Vigil on this machine. Prints what a first-time user needs (URLs,
 * dev secrets, a ready-to-paste signed report) and stops cleanly on Ctrl-C.
 */
const started = Date.now();
const runtime = await startLocalRuntime({
  port: Number(process.env.PORT ?? 3000),
  log: (line) => process.stderr.write(`${line}\n`),
});
const { url, config } = runtime;
const usingDevSecret = config.webhookSecrets.includes(DEV_DEFAULTS.webhookSecret);
process.stdout.write(`
Vigil is running (local embedded runtime, ready in ${Date.now() - started} ms)

  API                 ${url}
  Health              ${url}/_local/health
  Inbox (email, SMS)  ${url}/_local/messages?to=ana@example.com
  Provider webhooks   ${url}/_local/provider-webhooks
  Virtual clock       ${url}/_local/clock   (POST ${url}/_local/clock/advance {"seconds":900})
  Data directory      ${config.dataDir}

  Webhook secret      ${usingDevSecret ? DEV_DEFAULTS.webhookSecret : "(from VIGIL_WEBHOOK_SECRETS)"}
  Provider secret     ${config.providerWebhookSecret === DEV_DEFAULTS.providerWebhookSecret ? DEV_DEFAULTS.providerWebhookSecret : "(from VIGIL_PROVIDER_WEBHOOK_SECRET)"}
  Operator token      ${config.operatorToken === DEV_DEFAULTS.operatorToken ? DEV_DEFAULTS.operatorToken : "(from VIGIL_OPERATOR_TOKEN / VIGIL_OPERATORS)"}
  Operators           ${config.operators.map((entry) => `${entry.agent} (${entry.groups.join(", ")})`).join("; ")}

Try it (in another terminal):
  npm run report -- --type sim_swap
  curl -s -H "authorization: Bearer ${config.operatorToken === DEV_DEFAULTS.operatorToken ? DEV_DEFAULTS.operatorToken : "$VIGIL_OPERATOR_TOKEN"}" ${url}/v1/cases | jq

Press Ctrl-C to stop.
`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping…\n`);
  await runtime.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
