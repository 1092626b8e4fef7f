import type { LocalRuntime } from "../../local/runtime.js";
import { type Exchange, jsonOf, type LoadClient, type Outgoing, reportData, signReport } from "./load-client.js";

const LINK = /\/v1\/verify\/([A-Za-z0-9_-]{20,})/;
const CODE = /\b(\d{6,8})\b/;

/** One incident scenario: the report's type and signals. */
export interface Scenario {
  incidentType: string;
  signals: Record<string, boolean | number>;
  label: string;
}

/** Every incident type, plus the signals that raise a type to P1 (as in tests/integration/transitions.test.ts). */
export const SCENARIOS: Scenario[] = [
  { label: "unauthorized_access", incidentType: "unauthorized_access", signals: {} },
  { label: "unauthorized_access + drain", incidentType: "unauthorized_access", signals: { drainObserved: true } },
  { label: "key_compromise", incidentType: "key_compromise", signals: {} },
  { label: "sim_swap", incidentType: "sim_swap", signals: {} },
  { label: "malware", incidentType: "malware", signals: {} },
  { label: "malware + drain", incidentType: "malware", signals: { drainObserved: true } },
  { label: "phishing", incidentType: "phishing", signals: {} },
  { label: "other", incidentType: "other", signals: {} },
];

/** A case being driven through its life, and what its requests cost. */
export interface DrivenCase {
  scenario: Scenario;
  caseId: string;
  priority: string;
  email: string;
  phone: string;
  /** Wall time of each lifecycle request to the HTTP API, in ms (each is one API Gateway request and one Lambda invocation on AWS). */
  apiMs: number[];
  /** `verified`, or `email_verified` when an agent must still check the identity (no SMS after a SIM swap). */
  verdict?: string;
  finalStatus?: string;
}

/**
 * Drives cases through their life over real HTTP, as their people would, one step at a time (so
 * a benchmark can run a step for many cases, then move the virtual clock): the wallet app reports;
 * the reporter opens the emailed link and submits the texted code (no SMS after a SIM swap); an
 * agent opens the case, checks the identity where SMS is not trusted, acknowledges and resolves it.
 * The reporter's link and code are read from the local outbox.
 */
export class CaseDriver {
  private readonly operatorHeaders: Record<string, string>;

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly client: LoadClient,
  ) {
    this.operatorHeaders = {
      authorization: `Bearer ${runtime.config.operatorToken}`,
      "content-type": "application/json",
    };
  }

  /** `overrides`: fields of the report to set (e.g. the `accountId` of a report that must merge). */
  async report(scenario: Scenario, overrides: Record<string, unknown> = {}): Promise<DrivenCase> {
    const data = reportData({ incidentType: scenario.incidentType, signals: scenario.signals, ...overrides }) as {
      reporter: { email: string; phone: string };
    };
    const apiMs: number[] = [];
    const request = signReport(this.runtime.config.webhookSecrets[0] as string, { data, at: this.runtime.clock.now() });
    const accepted = jsonOf<{ caseId: string; priority: string }>(await this.call(apiMs, request, [202]));
    if (!accepted) throw new Error("intake answered no JSON");
    return {
      scenario,
      caseId: accepted.caseId,
      priority: accepted.priority,
      email: data.reporter.email,
      phone: data.reporter.phone,
      apiMs,
    };
  }

  async verify(driven: DrivenCase): Promise<void> {
    const token = this.runtime.outbox
      .list(driven.email)
      .map((message) => LINK.exec(message.text)?.[1])
      .find(Boolean);
    if (!token) throw new Error(`no verification link was emailed for ${driven.caseId}`);
    const code = this.runtime.outbox
      .list(driven.phone)
      .map((message) => CODE.exec(message.text)?.[1])
      .find(Boolean);
    await this.call(driven.apiMs, { method: "GET", path: `/v1/verify/${token}` }, [200]);
    const usesSms = driven.scenario.incidentType !== "sim_swap";
    const answer = await this.call(
      driven.apiMs,
      {
        method: "POST",
        path: `/v1/verify/${token}`,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ decision: "confirm", ...(usesSms && code ? { code } : {}) }),
      },
      [200],
    );
    driven.verdict = jsonOf<{ status: string }>(answer)?.status;
    if (driven.verdict !== "verified" && driven.verdict !== "email_verified") {
      throw new Error(`verification of ${driven.caseId} answered ${driven.verdict}`);
    }
  }

  async resolve(driven: DrivenCase): Promise<void> {
    await this.call(
      driven.apiMs,
      { method: "GET", path: `/v1/cases/${driven.caseId}`, headers: this.operatorHeaders },
      [200],
    );
    if (driven.verdict === "email_verified") await this.act(driven, "verify_identity");
    await this.act(driven, "acknowledge");
    await this.act(driven, "resolve");
  }

  /** The case's status now (the bench's own check: not counted in the case's requests). */
  async status(driven: DrivenCase): Promise<string> {
    const view = await this.client.send({
      method: "GET",
      path: `/v1/cases/${driven.caseId}`,
      headers: this.operatorHeaders,
    });
    driven.finalStatus = jsonOf<{ status: string }>(view)?.status ?? `HTTP ${view.status}`;
    return driven.finalStatus;
  }

  private act(driven: DrivenCase, action: string): Promise<Exchange> {
    const body = JSON.stringify({ action, agent: "bench-agent" });
    return this.call(
      driven.apiMs,
      { method: "POST", path: `/v1/cases/${driven.caseId}/actions`, headers: this.operatorHeaders, body },
      [200],
    );
  }

  private async call(apiMs: number[], outgoing: Outgoing, expected: number[]): Promise<Exchange> {
    const exchange = await this.client.send(outgoing);
    apiMs.push(exchange.ms);
    if (!expected.includes(exchange.status)) {
      const path = outgoing.path.replace(LINK, "/v1/verify/…");
      throw new Error(`${outgoing.method} ${path}: ${exchange.status} ${exchange.body.slice(0, 300)}`);
    }
    return exchange;
  }
}

/**
 * One case, report to resolution; the workflows settle between the steps and, with `pauseSeconds`,
 * the virtual clock moves on that much before each person acts.
 */
export async function runLifecycle(
  runtime: LocalRuntime,
  driver: CaseDriver,
  scenario: Scenario,
  options: { pauseSeconds?: number } = {},
): Promise<DrivenCase> {
  const pause = async () => {
    await runtime.sfn.waitIdle();
    if (options.pauseSeconds) await runtime.clock.advance(options.pauseSeconds);
    await runtime.sfn.waitIdle();
  };
  const driven = await driver.report(scenario);
  await pause();
  await driver.verify(driven);
  await pause();
  await driver.resolve(driven);
  await runtime.sfn.waitIdle();
  await driver.status(driven);
  return driven;
}
