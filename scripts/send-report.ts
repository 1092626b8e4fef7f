import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";
import { DEV_DEFAULTS } from "../local/runtime.js";

/**
 * `npm run report -- --type sim_swap [--account acct_1] [--email ana@example.com] [--phone +14155550100]
 * [--locale es] [--drain] [--url http://127.0.0.1:3000]`: signs an `incident.reported` webhook with a
 * real Standard Webhooks client and sends it, like a wallet app backend would.
 */
const { values } = parseArgs({
  options: {
    type: { type: "string", default: "unauthorized_access" },
    account: { type: "string", default: `acct_${randomUUID().slice(0, 8)}` },
    email: { type: "string", default: "ana@example.com" },
    phone: { type: "string", default: "+14155550100" },
    locale: { type: "string", default: "en" },
    description: { type: "string", default: "I see a login from a device I do not own" },
    drain: { type: "boolean", default: false },
    url: { type: "string", default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    secret: { type: "string", default: process.env.VIGIL_WEBHOOK_SECRETS?.split(",")[0] ?? DEV_DEFAULTS.webhookSecret },
  },
});

const clock = await fetch(`${values.url}/_local/clock`)
  .then((response) => response.json() as Promise<{ now: string }>)
  .catch(() => ({ now: new Date().toISOString() }));
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
