import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";
import { DEV_DEFAULTS } from "../local/runtime.js";

/**
 * `npm run report -- --type sim_swap [--account acct_1] [--email ana@example.com] [--phone +14155550100]
 * [--locale es] [--drain] [--url http://127.0.0.1:3000]`: signs an `incident.reported` webhook with a
 * real Standard Webhooks client and sends it, like a wallet app backend would.
 */
const USAGE = `usage: npm run report -- [options]   send a signed incident report, as the wallet app backend does

  --type <t>          phishing | malware | unauthorized_access | sim_swap | key_compromise | other
                      (default unauthorized_access)
  --account <id>      account id (default: a new random one, so each report opens its own case)
  --email <address>   reporter's email (default ana@example.com)
  --phone <E.164>     reporter's phone (default +14155550100)
  --locale <l>        en | es (default en)
  --description <t>   the reporter's words
  --drain             signals: funds at risk and a drain observed (raises the priority)
  --url <url>         the local API (default http://127.0.0.1:$PORT, PORT default 3000)
  --secret <whsec_…>  the signing secret (default: the first of VIGIL_WEBHOOK_SECRETS, or the dev secret)
  -h, --help          this help
`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      help: { type: "boolean", short: "h", default: false },
      type: { type: "string", default: "unauthorized_access" },
      account: { type: "string", default: `acct_${randomUUID().slice(0, 8)}` },
      email: { type: "string", default: "ana@example.com" },
      phone: { type: "string", default: "+14155550100" },
      locale: { type: "string", default: "en" },
      description: { type: "string", default: "I see a login from a device I do not own" },
      drain: { type: "boolean", default: false },
      url: { type: "string", default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
      secret: {
        type: "string",
        default: process.env.VIGIL_WEBHOOK_SECRETS?.split(",")[0] ?? DEV_DEFAULTS.webhookSecret,
      },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

/** The server's virtual time; a server that is starting gets a few seconds, one that is not there one line. */
async function serverClock(): Promise<{ now: string }> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${values.url}/_local/clock`);
    } catch {
      process.stderr.write(
        `No Vigil server answers at ${values.url}. Start it with "npm start" (in another terminal), or point to it: PORT=<its port> npm run report\n`,
      );
      process.exit(1);
    }
    if (response.status === 503 && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    const body = (await response.json().catch(() => null)) as { now?: string } | null;
    if (!response.ok || typeof body?.now !== "string") {
      process.stderr.write(
        `The server at ${values.url} is not a local Vigil runtime (GET /_local/clock answered ${response.status}).\n`,
      );
      process.exit(1);
    }
    return { now: body.now };
  }
}

const clock = await serverClock();
const now = new Date(clock.now);
const body = JSON.stringify({
  type: "incident.reported",
  timestamp: now.toISOString(),
  data: {
    accountId: values.account,
    incidentType: values.type,
    reporter: { email: values.email, phone: values.phone, locale: values.locale },
    description: values.description,
    signals: { fundsAtRisk: values.drain, drainObserved: values.drain },
  },
});
const id = `msg_${randomUUID()}`;
const signature = new Webhook(values.secret as string).sign(id, now, body);
const response = await fetch(`${values.url}/v1/reports`, {
  method: "POST",
  headers: {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signature,
  },
  body,
});
process.stdout.write(`${response.status} ${await response.text()}\n`);
