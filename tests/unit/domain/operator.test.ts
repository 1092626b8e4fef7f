import { describe, expect, it } from "vitest";
import { openCase } from "../../../src/domain/case.js";
import {
  allowedActions,
  authorizeAssign,
  authorizeUnlock,
  groupsOfClaim,
  isSafeName,
  type Operator,
} from "../../../src/domain/operator.js";
import { DEFAULT_POLICY } from "../../../src/domain/policy.js";
import type { Case } from "../../../src/schemas/case.js";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const AGENT: Operator = { agent: "ana", groups: ["agents"] };
const SUPERVISOR: Operator = { agent: "sam", groups: ["agents", "supervisors"] };
const OTHER_SUPERVISOR: Operator = { agent: "lee", groups: ["supervisors"] };

function simSwapCase(change: (item: Case) => Case = (item) => item): Case {
  const item = openCase({
    caseId: "c_operator",
    webhookId: "msg_1",
    report: {
      accountId: "acct_1",
      incidentType: "sim_swap",
      reporter: { email: "ana@example.com", phone: "+14155550100", locale: "en" },
    },
    now: T0,
    policy: DEFAULT_POLICY,
  });
  return change(item);
}

/** Locked at T0, email and identity (by `checker`) verified an hour later: an unlock after 24 h rests on both. */
const lockedAndProven = (checker: string) =>
  simSwapCase((item) => ({
    ...item,
    lock: { ...item.lock, state: "applied", requestedAt: iso(T0), appliedAt: iso(T0 + 1000) },
    verification: {
      ...item.verification,
      email: "verified",
      emailVerifiedAt: iso(T0 + HOUR),
      identity: "verified",
      identityVerifiedAt: iso(T0 + HOUR),
      identityVerifiedBy: checker,
    },
  }));

describe("isSafeName", () => {
  it.each([
    ["a plain name", "María José", true],
    ["an e-mail as a name", "ana@wallet.example", true],
    ["a right-to-left override", "bob\u202Eeci", false],
    ["a left-to-right mark", "bob\u200E", false],
    ["a bidi isolate", "\u2066bob\u2069", false],
    ["a zero-width space", "b\u200Bob", false],
    ["a zero-width joiner", "b\u200Dob", false],
    ["a byte-order mark", "\uFEFFbob", false],
    ["a soft hyphen (format)", "bo\u00ADb", false],
    ["a control character", "bob\u0007", false],
    ["a line separator", "bob\u2028eve", false],
    ["a Hangul filler", "bob\u3164", false],
    ["surrounding spaces", " bob ", false],
  ])("judges %s", (_label, name, safe) => {
    // Act / Assess
    expect(isSafeName(name)).toBe(safe);
  });
});

describe("groupsOfClaim", () => {
  it.each([
    [
      ["agents", "supervisors"],
      ["agents", "supervisors"],
    ],
    ['["supervisors"]', ["supervisors"]],
    ["[agents supervisors]", ["agents", "supervisors"]],
    ["[admins]", []],
    [undefined, []],
  ])("reads %j as %j", (claim, groups) => {
    // Act / Assess
    expect(groupsOfClaim(claim)).toEqual(groups);
  });
});

describe("authorizeUnlock", () => {
  it("refuses an agent who is not a supervisor", () => {
    // Act
    const decision = authorizeUnlock(lockedAndProven("sam"), AGENT);

    // Assess
    expect(decision).toMatchObject({ allowed: false, reason: "supervisor_required" });
  });

  it("refuses the supervisor whose identity check is one of the unlock's two proofs (four eyes)", () => {
    // Act
    const decision = authorizeUnlock(lockedAndProven("sam"), SUPERVISOR);

    // Assess
    expect(decision).toMatchObject({ allowed: false, reason: "four_eyes" });
  });

  it("allows another supervisor", () => {
    // Act / Assess
    expect(authorizeUnlock(lockedAndProven("sam"), OTHER_SUPERVISOR)).toEqual({ allowed: true });
  });

  it("allows the checker when SMS is trusted, since the identity check is then no proof of the unlock", () => {
    // Prepare
    const item = lockedAndProven("sam");
    const smsTrusted = { ...item, channels: { ...item.channels, sms: true } };

    // Act / Assess
    expect(authorizeUnlock(smsTrusted, SUPERVISOR)).toEqual({ allowed: true });
  });
});

describe("authorizeAssign", () => {
  const assignedTo = (assignee: string | null) => simSwapCase((item) => ({ ...item, assignee }));

  it.each([
    ["an agent takes an unassigned case", assignedTo(null), AGENT, "ana", true],
    ["an agent releases their own case", assignedTo("ana"), AGENT, null, true],
    ["an agent assigns someone else", assignedTo(null), AGENT, "lee", false],
    ["an agent takes a case someone holds", assignedTo("lee"), AGENT, "ana", false],
    ["an agent releases someone else's case", assignedTo("lee"), AGENT, null, false],
    ["a supervisor assigns anyone", assignedTo("lee"), SUPERVISOR, "ana", true],
    ["a supervisor releases anyone's case", assignedTo("lee"), SUPERVISOR, null, true],
  ] as const)("decides when %s", (_label, item, operator, assignee, allowed) => {
    // Act / Assess
    expect(authorizeAssign(item, operator, assignee).allowed).toBe(allowed);
  });
});

describe("allowedActions", () => {
  it("offers what a fresh active case allows, in the contract's order", () => {
    // Prepare
    const item = simSwapCase();

    // Act
    const actions = allowedActions(item, { now: T0, operator: AGENT });

    // Assess
    expect(actions).toEqual([
      "acknowledge",
      "escalate",
      "verify_identity",
      "lock",
      "resolve",
      "close",
      "note",
      "assign",
      "message_reporter",
    ]);
  });

  it("offers unlock only once the cool-down passed and the proofs are in, and only to another supervisor", () => {
    // Prepare
    const item = lockedAndProven("sam");

    // Act
    const early = allowedActions(item, { now: T0 + 2 * HOUR, operator: OTHER_SUPERVISOR });
    const checker = allowedActions(item, { now: T0 + 25 * HOUR, operator: SUPERVISOR });
    const other = allowedActions(item, { now: T0 + 25 * HOUR, operator: OTHER_SUPERVISOR });

    // Assess
    expect(early).not.toContain("unlock");
    expect(checker).not.toContain("unlock");
    expect(other).toContain("unlock");
    expect(other).not.toContain("lock");
    expect(other).not.toContain("verify_identity");
  });

  it("offers reopen and note on a closed case, and no message when the email is no longer trusted", () => {
    // Prepare
    const item = simSwapCase((c) => ({ ...c, status: "closed", channels: { ...c.channels, email: false } }));

    // Act
    const actions = allowedActions(item, { now: T0, operator: SUPERVISOR });

    // Assess
    expect(actions).toEqual(["reopen", "note"]);
  });

  it("offers replay_delivery when a provider delivery failed for good", () => {
    // Prepare
    const item = simSwapCase((c) => ({
      ...c,
      failures: [
        { at: iso(T0), step: "account.lock.requested", error: "delivery exhausted: no 2xx after 10 attempts" },
      ],
    }));

    // Act / Assess
    expect(allowedActions(item, { now: T0 })).toContain("replay_delivery");
  });
});
