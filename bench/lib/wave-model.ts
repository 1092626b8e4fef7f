import { AUDIT_HEAD_SHARDS, CASE_QUEUE_SHARDS, OUTBOUND_SHARDS } from "../../src/adapters/dynamodb/keys.js";

/**
 * The mass-incident model: per-stage usage recorded from real cases on the local runtime
 * (bench/phases/mass-incident.ts), scaled to a wave of reports and set against AWS's documented
 * quotas. Pure arithmetic, no I/O: every figure it prints follows from the recorded usage and
 * {@link DEFAULT_WAVE}.
 */

export const STAGES = ["report", "merge", "verify", "wait", "agent"] as const;
export type Stage = (typeof STAGES)[number];

/** What one stage of one sampled case caused. */
export interface StageUsage {
  stage: Stage;
  scenario: string;
  priority: string;
  caseId: string;
  executionsStarted: number;
  transitions: number;
  taskInvocations: number;
  taskMs: number;
  apiRequests: number;
  apiMs: number;
  emails: number;
  sms: number;
  /** Of the emails and SMS, those to staff (agents, on-call) rather than to the reporter. */
  toStaff: number;
  /** Recipients of the stage's messages (the phase's own bookkeeping; removed before the model). */
  recipients?: string[];
  dynamo: { requests: Record<string, number>; byKey: Record<string, { wcu: number; rcu: number }> };
}

/** The wave. */
export interface Wave {
  reports: number;
  minutes: number;
  /** Distinct accounts: the other reports merge into an open case. */
  accounts: number;
  /** Arrivals rise linearly to a peak at mid-wave and fall back (a triangle): peak = 2 × mean. */
  peakToMean: number;
  /** Reporters confirm this long after their report (the verify stage). */
  verifyAfterSeconds: number;
  /** Cases wait this long for an agent; the SLA timers' work (the wait stage) spreads over it. */
  waitSeconds: number;
  /** Agents on shift and the time one takes per case (bounds the agent stage). */
  agents: number;
  agentSecondsPerCase: number;
  /** Billed duration assumed per Lambda invocation when the measured one is shorter (as the cost figures). */
  assumedInvocationMs: number;
}

export const DEFAULT_WAVE: Wave = {
  reports: 50_000,
  minutes: 30,
  accounts: 40_000,
  peakToMean: 2,
  verifyAfterSeconds: 300,
  waitSeconds: 3600,
  agents: 50,
  agentSecondsPerCase: 180,
  assumedInvocationMs: 100,
};

/** AWS quotas the wave meets, as documented (defaults; most can be raised on request). */
export const QUOTAS = {
  dynamoPartitionWcu: {
    limit: 1000,
    what: "DynamoDB write units per second on one partition (table or GSI)",
    url: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html",
  },
  dynamoPartitionRcu: {
    limit: 3000,
    what: "DynamoDB read units per second on one partition (table or GSI)",
    url: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html",
  },
  dynamoNewOnDemandTableWcu: {
    limit: 4000,
    what: "DynamoDB write units per second a new on-demand table serves at once (then up to double its previous peak)",
    url: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html",
  },
  dynamoOnDemandTableWcu: {
    limit: 40_000,
    what: "DynamoDB write units per second per on-demand table (default table quota)",
    url: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html",
  },
  sfnStartExecution: {
    limit: 300,
    what: "Step Functions StartExecution refill per second (bucket 1,300; us-east-1, us-west-2, eu-west-1; 150/s elsewhere)",
    url: "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html",
  },
  sfnTransitions: {
    limit: 5000,
    what: "Step Functions Standard state transitions refill per second (bucket 5,000; us-east-1, us-west-2, eu-west-1; 800/s elsewhere; lower for new accounts)",
    url: "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html",
  },
  lambdaConcurrency: {
    limit: 1000,
    what: "Lambda concurrent executions per account and Region (default; new accounts can start lower)",
    url: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html",
  },
  sesRate: {
    limit: 14,
    what: "SES maximum send rate of a new production account (messages per second)",
    url: "https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html",
  },
  smsTollFreeMps: {
    limit: 3,
    what: "End User Messaging SMS, US toll-free number: messages per second",
    url: "https://docs.aws.amazon.com/sms-voice/latest/userguide/sms-limitations-mps.html",
  },
} as const;

type QuotaName = keyof typeof QUOTAS;

/** Raised sending rates the model also drains at (per second): SES after a quota increase; SMS from a short code. */
const EMAIL_RATES = [50, 200];
const SMS_RATES = [20, 100];

/** A segment of a partition key that names one entity (case, account, link, hash), not a shared bucket. */
const isEntity = (segment: string) => /\d/.test(segment) && (segment.includes("_") || segment.length >= 12);

/** `table CASE#c_01J…` → `table CASE#<id>`; shared keys (`gsi1 STATUS#open#3`) stay as they are. */
export function partitionShape(partition: string): string {
  const [where, key = ""] = partition.split(" ");
  return `${where} ${key
    .split("#")
    .map((segment) => (isEntity(segment) ? "<id>" : segment))
    .join("#")}`;
}

/** A shared key's shard group (`gsi1 STATUS#open#3` → `gsi1 STATUS#open#*`): the load one unsharded key would take. */
const shardGroup = (partition: string) => partition.replace(/#\d+$/, "#*");

/** How many keys each sharded group has (keys.ts): the expected load of one shard is the group's over this. */
function shardsOf(group: string): number {
  if (group.startsWith("gsi1 STATUS#")) return CASE_QUEUE_SHARDS;
  if (group.startsWith("gsi5 AUDITED#")) return AUDIT_HEAD_SHARDS;
  if (group.startsWith("table OUTBOUND#")) return OUTBOUND_SHARDS;
  return 1;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The peak rate (per second) at which each stage happens during the wave. */
export function stageRates(wave: Wave): Record<Stage, number> {
  const meanReports = wave.reports / (wave.minutes * 60);
  const peakReports = meanReports * wave.peakToMean;
  const newShare = wave.accounts / wave.reports;
  const newCases = peakReports * newShare;
  return {
    report: newCases,
    merge: peakReports * (1 - newShare),
    // Conservative: the reporters' confirmations and the timers' work peak with the arrivals.
    verify: newCases,
    wait: newCases,
    agent: Math.min(newCases, wave.agents / wave.agentSecondsPerCase),
  };
}

/** Averages a per-usage figure over the samples of one stage (each sampled case weighs the same). */
function perStage(usages: StageUsage[], pick: (usage: StageUsage) => number): Record<Stage, number> {
  const result = {} as Record<Stage, number>;
  for (const stage of STAGES) {
    const of = usages.filter((usage) => usage.stage === stage);
    result[stage] = of.length ? of.reduce((sum, usage) => sum + pick(usage), 0) / of.length : 0;
  }
  return result;
}

const atPeak = (rates: Record<Stage, number>, per: Record<Stage, number>) =>
  STAGES.reduce((sum, stage) => sum + rates[stage] * per[stage], 0);

/** One queue served at `rate` messages per second: its largest backlog and the second its last message leaves. */
function drain(demand: Array<{ p1: number; other: number }>, rate: number) {
  let backlog = 0;
  let maxBacklog = 0;
  let lastSent = 0;
  for (let t = 0; t < demand.length || backlog > 1e-9; t++) {
    const now = demand[t] ?? { p1: 0, other: 0 };
    backlog += now.p1 + now.other;
    const send = Math.min(rate, backlog);
    backlog -= send;
    maxBacklog = Math.max(maxBacklog, backlog);
    if (send > 1e-9) lastSent = t;
  }
  return { maxBacklog, lastSentSecond: lastSent };
}

/** Scales the recorded usage to the wave; the headroom of each quota is `limit / demand` (≥ 1: fits). */
export function modelWave(usages: StageUsage[], wave: Wave) {
  const rates = stageRates(wave);
  const samples = perStage(usages, () => 1);

  // DynamoDB, by partition.
  const shared = new Map<string, { wcu: number; rcu: number }>();
  const entityWorst = new Map<string, { wcu: number; rcu: number; stage: Stage }>();
  for (const stage of STAGES) {
    const of = usages.filter((usage) => usage.stage === stage);
    if (!of.length) continue;
    for (const usage of of) {
      for (const [partition, units] of Object.entries(usage.dynamo.byKey)) {
        const shape = partitionShape(partition);
        if (shape === partition) {
          const entry = shared.get(partition) ?? { wcu: 0, rcu: 0 };
          entry.wcu += (rates[stage] * units.wcu) / of.length;
          entry.rcu += (rates[stage] * units.rcu) / of.length;
          shared.set(partition, entry);
        } else {
          const worst = entityWorst.get(shape);
          if (!worst || units.wcu > worst.wcu) entityWorst.set(shape, { ...units, stage });
        }
      }
    }
  }
  const groups = new Map<string, { wcu: number; rcu: number; shards: number }>();
  for (const [partition, units] of shared) {
    const group = shardGroup(partition);
    const entry = groups.get(group) ?? { wcu: 0, rcu: 0, shards: 0 };
    entry.wcu += units.wcu;
    entry.rcu += units.rcu;
    entry.shards += 1;
    groups.set(group, entry);
  }
  const hottest = [...shared.entries()]
    .map(([partition, units]) => ({ partition, wcuPerSecond: round(units.wcu), rcuPerSecond: round(units.rcu) }))
    .sort((a, b) => b.wcuPerSecond - a.wcuPerSecond)
    .slice(0, 8);
  const hottestRead = [...shared.entries()]
    .map(([partition, units]) => ({ partition, rcuPerSecond: round(units.rcu) }))
    .sort((a, b) => b.rcuPerSecond - a.rcuPerSecond)
    .slice(0, 3);
  const sharedGroups = [...groups.entries()]
    .filter(([, entry]) => entry.shards > 1)
    .map(([group, entry]) => ({
      group,
      shards: shardsOf(group),
      shardsSeen: entry.shards,
      wcuPerSecondAllShards: round(entry.wcu),
      rcuPerSecondAllShards: round(entry.rcu),
      wcuPerSecondPerShard: round(entry.wcu / shardsOf(group)),
    }));
  // The busiest partition at the wave's scale: an unsharded shared key, or a shard's expected share
  // of its group (thousands of cases per shard even out the hash; a few samples do not).
  const busiest = (pick: (units: { wcu: number; rcu: number }) => number) =>
    Math.max(
      0,
      ...[...shared.entries()].filter(([p]) => shardGroup(p) === p).map(([, units]) => pick(units)),
      ...[...groups.entries()].map(([group, entry]) => pick(entry) / shardsOf(group)),
    );
  const perEntity = [...entityWorst.entries()]
    .map(([shape, worst]) => ({
      partition: shape,
      worstStage: worst.stage,
      wcuInOneStage: worst.wcu,
      rcuInOneStage: worst.rcu,
    }))
    .sort((a, b) => b.wcuInOneStage - a.wcuInOneStage)
    .slice(0, 6);
  const tableWcu = atPeak(
    rates,
    perStage(usages, (u) => Object.values(u.dynamo.byKey).reduce((sum, units) => sum + units.wcu, 0)),
  );
  const tableRcu = atPeak(
    rates,
    perStage(usages, (u) => Object.values(u.dynamo.byKey).reduce((sum, units) => sum + units.rcu, 0)),
  );

  // Step Functions and Lambda.
  const starts = atPeak(
    rates,
    perStage(usages, (u) => u.executionsStarted),
  );
  const transitions = atPeak(
    rates,
    perStage(usages, (u) => u.transitions),
  );
  const invocations = atPeak(
    rates,
    perStage(usages, (u) => u.taskInvocations + u.apiRequests),
  );
  const busySeconds = atPeak(
    rates,
    perStage(
      usages,
      (u) => Math.max(u.taskMs + u.apiMs, (u.taskInvocations + u.apiRequests) * wave.assumedInvocationMs) / 1000,
    ),
  );

  // Messages: demand per second at the peak, totals over the wave, and the queue at each rate.
  const emailsPer = perStage(usages, (u) => u.emails);
  const smsPer = perStage(usages, (u) => u.sms);
  const toStaffPer = perStage(usages, (u) => u.toStaff);
  const p1Share = perStage(usages, (u) => (u.priority === "P1" ? 1 : 0));
  const newCases = wave.accounts;
  const totals: Record<Stage, number> = {
    report: newCases,
    merge: wave.reports - wave.accounts,
    verify: newCases,
    wait: newCases,
    agent: newCases,
  };
  const totalEmails = STAGES.reduce((sum, stage) => sum + totals[stage] * emailsPer[stage], 0);
  const totalSms = STAGES.reduce((sum, stage) => sum + totals[stage] * smsPer[stage], 0);
  const timeline = messageTimeline(wave, { emails: emailsPer, sms: smsPer, p1Share });
  const emailQueue = queue(timeline.emails, QUOTAS.sesRate.limit);
  const smsQueue = queue(timeline.sms, QUOTAS.smsTollFreeMps.limit);
  // The pacing queue's own writes: a message over the rate is put and later deleted (≤ 1 KB: 1 WCU each),
  // spread over OUTBOUND_SHARDS keys per channel.
  const emailsQueuedPerSecond = Math.max(0, atPeak(rates, emailsPer) - QUOTAS.sesRate.limit);
  const smsQueuedPerSecond = Math.max(0, atPeak(rates, smsPer) - QUOTAS.smsTollFreeMps.limit);
  const queuedPerSecond = emailsQueuedPerSecond + smsQueuedPerSecond;

  const demand: Record<QuotaName, number> = {
    dynamoPartitionWcu: busiest((units) => units.wcu),
    dynamoPartitionRcu: busiest((units) => units.rcu),
    dynamoNewOnDemandTableWcu: tableWcu,
    dynamoOnDemandTableWcu: tableWcu,
    sfnStartExecution: starts,
    sfnTransitions: transitions,
    lambdaConcurrency: busySeconds,
    sesRate: atPeak(rates, emailsPer),
    smsTollFreeMps: atPeak(rates, smsPer),
  };
  const headroom = (Object.keys(QUOTAS) as QuotaName[]).map((name) => ({
    quota: name,
    what: QUOTAS[name].what,
    limit: QUOTAS[name].limit,
    demandAtPeak: round(demand[name], 1),
    headroom: demand[name] > 0 ? round(QUOTAS[name].limit / demand[name], 2) : null,
    fits: demand[name] <= QUOTAS[name].limit,
    url: QUOTAS[name].url,
  }));

  return {
    wave,
    samplesPerStage: samples,
    peakRatesPerSecond: Object.fromEntries(STAGES.map((stage) => [stage, round(rates[stage], 2)])),
    perCase: {
      emails: Object.fromEntries(STAGES.map((stage) => [stage, round(emailsPer[stage], 2)])),
      sms: Object.fromEntries(STAGES.map((stage) => [stage, round(smsPer[stage], 2)])),
      executionsStarted: perStage(usages, (u) => u.executionsStarted),
      transitions: perStage(usages, (u) => u.transitions),
      lambdaInvocations: perStage(usages, (u) => u.taskInvocations + u.apiRequests),
      wcu: perStage(usages, (u) => Object.values(u.dynamo.byKey).reduce((sum, units) => sum + units.wcu, 0)),
    },
    dynamo: {
      hottestSharedPartitions: hottest,
      hottestReadPartitions: hottestRead,
      shardedGroups: sharedGroups,
      worstSingleEntityPartitions: perEntity,
      tableWcuPerSecond: round(tableWcu),
      tableRcuPerSecond: round(tableRcu),
    },
    stepFunctions: { startsPerSecond: round(starts), transitionsPerSecond: round(transitions) },
    lambda: { invocationsPerSecond: round(invocations), concurrency: round(busySeconds) },
    messages: {
      emailsPerSecondAtPeak: round(demand.sesRate),
      smsPerSecondAtPeak: round(demand.smsTollFreeMps),
      totalEmails: Math.round(totalEmails),
      totalSms: Math.round(totalSms),
      totalToStaff: Math.round(STAGES.reduce((sum, stage) => sum + totals[stage] * toStaffPer[stage], 0)),
      toStaffPerCase: Object.fromEntries(STAGES.map((stage) => [stage, round(toStaffPer[stage], 2)])),
      email: emailQueue,
      sms: smsQueue,
      /** The outbound queue's table writes at the peak (puts now, deletes as it drains). */
      pacingQueue: {
        queuedPerSecondAtPeak: round(queuedPerSecond),
        wcuPerSecondAtPeak: round(2 * queuedPerSecond),
        shardsPerChannel: OUTBOUND_SHARDS,
        wcuPerShardAtPeak: round((2 * Math.max(emailsQueuedPerSecond, smsQueuedPerSecond)) / OUTBOUND_SHARDS),
      },
      /** The same queues at raised rates: an SES quota increase, a short code (100 MPS). */
      raised: {
        email: EMAIL_RATES.map((rate) => queue(timeline.emails, rate)),
        sms: SMS_RATES.map((rate) => queue(timeline.sms, rate)),
      },
    },
    headroom,
  };
}

/** Messages demanded each second of the wave and after it (P1 and the rest), from the per-stage counts. */
function messageTimeline(
  wave: Wave,
  per: { emails: Record<Stage, number>; sms: Record<Stage, number>; p1Share: Record<Stage, number> },
) {
  const seconds = wave.minutes * 60;
  const peak = (wave.reports / seconds) * wave.peakToMean;
  const arrivals = (t: number) => (t < 0 || t >= seconds ? 0 : peak * (1 - Math.abs(t - seconds / 2) / (seconds / 2)));
  const newShare = wave.accounts / wave.reports;
  const agentRate = wave.agents / wave.agentSecondsPerCase;
  const horizon = seconds + wave.verifyAfterSeconds + wave.waitSeconds + 1;
  const emails: Array<{ p1: number; other: number }> = [];
  const sms: Array<{ p1: number; other: number }> = [];
  for (let t = 0; t < horizon; t++) {
    const stageAt: Record<Stage, number> = {
      report: arrivals(t) * newShare,
      merge: arrivals(t) * (1 - newShare),
      verify: arrivals(t - wave.verifyAfterSeconds) * newShare,
      // The timers' messages spread evenly over the wait.
      wait: 0,
      agent: 0,
    };
    emails.push(split(stageAt, per.emails, per.p1Share));
    sms.push(split(stageAt, per.sms, per.p1Share));
  }
  // The wait stage's messages: spread evenly over the wave and the wait; the agent stage's: at the agents' pace.
  const cases = wave.accounts;
  const agentSeconds = Math.ceil(cases / agentRate);
  const waitPerSecond = cases / (seconds + wave.waitSeconds);
  for (let t = 0; t < seconds + wave.waitSeconds; t++) {
    addAt(emails, t, { wait: waitPerSecond }, per.emails, per.p1Share);
    addAt(sms, t, { wait: waitPerSecond }, per.sms, per.p1Share);
  }
  for (let t = 0; t < agentSeconds; t++) {
    addAt(emails, t + wave.verifyAfterSeconds, { agent: agentRate }, per.emails, per.p1Share);
    addAt(sms, t + wave.verifyAfterSeconds, { agent: agentRate }, per.sms, per.p1Share);
  }
  return { emails, sms };
}

function split(stageAt: Partial<Record<Stage, number>>, per: Record<Stage, number>, p1Share: Record<Stage, number>) {
  let p1 = 0;
  let other = 0;
  for (const [stage, rate] of Object.entries(stageAt) as Array<[Stage, number]>) {
    p1 += rate * per[stage] * p1Share[stage];
    other += rate * per[stage] * (1 - p1Share[stage]);
  }
  return { p1, other };
}

function addAt(
  timeline: Array<{ p1: number; other: number }>,
  t: number,
  stageAt: Partial<Record<Stage, number>>,
  per: Record<Stage, number>,
  p1Share: Record<Stage, number>,
) {
  const add = split(stageAt, per, p1Share);
  const slot = timeline[t] ?? { p1: 0, other: 0 };
  slot.p1 += add.p1;
  slot.other += add.other;
  timeline[t] = slot;
}

/**
 * A queue drained at `rate` messages per second, P1 first (message pacing, ADR 0014: drain-outbound
 * sends the outbound queue in rank order at the configured rate): the largest backlog (queue depth),
 * when the last message leaves, and per class (P1, the rest) the deepest backlog, the longest wait and
 * when its backlog is gone for good (drain time, from the wave's start; messages keep arriving at
 * their own pace after that, sent at once). `lost` is what arrived and was
 * never sent: pacing keeps every message until it goes (or waits past the 24 h maximum age, which no
 * message here reaches unless `longestWaitHours` says so).
 */
function queue(demand: Array<{ p1: number; other: number }>, rate: number) {
  const result = drain(demand, rate);
  const waits = fifoWaits(demand, rate);
  return {
    ratePerSecond: rate,
    maxBacklog: Math.round(result.maxBacklog),
    lastSentAfterHours: round(result.lastSentSecond / 3600, 2),
    p1MaxWaitMinutes: round(waits.p1 / 60, 1),
    otherMaxWaitMinutes: round(waits.other / 60, 1),
    p1MaxBacklog: Math.round(waits.p1MaxBacklog),
    otherMaxBacklog: Math.round(waits.otherMaxBacklog),
    p1BacklogClearedAfterMinutes: round(waits.p1DrainedSecond / 60, 1),
    otherBacklogClearedAfterMinutes: round(waits.otherDrainedSecond / 60, 1),
    longestWaitHours: round(Math.max(waits.p1, waits.other) / 3600, 2),
    lost: Math.round(waits.lost),
  };
}

/** Longest wait per class with P1 served first, from the cumulative arrival and departure curves. */
function fifoWaits(demand: Array<{ p1: number; other: number }>, rate: number) {
  const arrivedP1: number[] = [];
  const arrivedOther: number[] = [];
  let a1 = 0;
  let a2 = 0;
  for (const slot of demand) {
    a1 += slot.p1;
    a2 += slot.other;
    arrivedP1.push(a1);
    arrivedOther.push(a2);
  }
  let sent1 = 0;
  let sent2 = 0;
  let wait1 = 0;
  let wait2 = 0;
  let i1 = 0;
  let i2 = 0;
  let p1MaxBacklog = 0;
  let otherMaxBacklog = 0;
  let p1DrainedSecond = 0;
  let otherDrainedSecond = 0;
  for (let t = 0; t < 14 * 24 * 3600; t++) {
    const in1 = arrivedP1[Math.min(t, arrivedP1.length - 1)] ?? 0;
    const in2 = arrivedOther[Math.min(t, arrivedOther.length - 1)] ?? 0;
    const s1 = Math.min(rate, in1 - sent1);
    const s2 = Math.min(rate - s1, in2 - sent2);
    sent1 += s1;
    sent2 += s2;
    // The message sent last arrived at the first second whose cumulative arrivals reach `sent`.
    while (i1 < arrivedP1.length - 1 && (arrivedP1[i1] ?? 0) < sent1 - 1e-9) i1++;
    while (i2 < arrivedOther.length - 1 && (arrivedOther[i2] ?? 0) < sent2 - 1e-9) i2++;
    if (s1 > 0) wait1 = Math.max(wait1, t - i1);
    if (s2 > 0) wait2 = Math.max(wait2, t - i2);
    p1MaxBacklog = Math.max(p1MaxBacklog, in1 - sent1);
    otherMaxBacklog = Math.max(otherMaxBacklog, in2 - sent2);
    // The class's queue is empty for good from the second after its last backlog (of a whole message).
    if (in1 - sent1 > 0.5) p1DrainedSecond = t + 1;
    if (in2 - sent2 > 0.5) otherDrainedSecond = t + 1;
    if (t >= demand.length && in1 - sent1 < 1e-9 && in2 - sent2 < 1e-9) break;
  }
  const lost = a1 + a2 - sent1 - sent2;
  return { p1: wait1, other: wait2, p1MaxBacklog, otherMaxBacklog, p1DrainedSecond, otherDrainedSecond, lost };
}
