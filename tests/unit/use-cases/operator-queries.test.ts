import { describe, expect, it, vi } from "vitest";
import { parseListCasesQuery } from "../../../src/adapters/http/requests.js";
import { NotFoundError, ValidationError } from "../../../src/errors/index.js";
import type { Case } from "../../../src/schemas/case.js";
import { type AuditEntry, makeMutateCase } from "../../../src/use-cases/case-mutation.js";
import { makeRequestVerification } from "../../../src/use-cases/case-steps.js";
import { makeGetCase } from "../../../src/use-cases/get-case.js";
import { makeGetCaseAudit } from "../../../src/use-cases/get-case-audit.js";
import { makeListCases } from "../../../src/use-cases/list-cases.js";
import { makeTestDeps, seedCase, type TestDeps } from "../../fixtures/deps.js";

const T0 = Date.parse("2026-11-25T08:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const EMAIL = "ana@example.com";
const PHONE = "+14155550100";

async function change(deps: TestDeps, caseId: string, patch: Partial<Case>, events: AuditEntry[] = []): Promise<Case> {
  return makeMutateCase(deps)(caseId, (current) => ({ case: { ...current, ...patch }, events }));
}

describe("makeListCases", () => {
  async function queue(deps: TestDeps) {
    const p4 = await seedCase(deps, { incidentType: "other" });
    const p1 = await seedCase(deps, { incidentType: "key_compromise" });
    const p2 = await seedCase(deps, { incidentType: "unauthorized_access" });
    await change(deps, p2.caseId, { status: "awaiting_verification" });
    const verified = await seedCase(deps, { incidentType: "phishing" });
    await change(deps, verified.caseId, { status: "verified" });
    const resolved = await seedCase(deps, { incidentType: "sim_swap" });
    await change(deps, resolved.caseId, { status: "resolved" });
    return { p4, p1, p2, verified, resolved };
  }

  it("lists every non-final case, nearest SLA due first, when no status is given", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { p4, p1, p2, verified } = await queue(deps);

    // Act
    const { cases } = await makeListCases(deps)();

    // Assess: containment 1 min (P1), 15 min (P2), first response 4 h (P3), 24 h (P4).
    expect(cases.map((item) => item.caseId)).toEqual([p1.caseId, p2.caseId, verified.caseId, p4.caseId]);
    expect(cases.map((item) => item.nearestDueAt)).toEqual([at(60), at(900), at(4 * 3600), at(24 * 3600)]);
  });

  it("queries the status index once per status and never scans", async () => {
    // Prepare
    const deps = makeTestDeps();
    await queue(deps);
    const spy = vi.spyOn(deps.cases, "listByStatus");

    // Act
    await makeListCases(deps)({ priority: "P1", limit: 10 });

    // Assess
    // Assess: one more than the page, to know whether another page follows.
    expect(spy.mock.calls).toEqual([
      ["open", { priority: "P1", limit: 11 }],
      ["awaiting_verification", { priority: "P1", limit: 11 }],
      ["verified", { priority: "P1", limit: 11 }],
    ]);
  });

  it("filters by status and priority", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { p1, p2, resolved } = await queue(deps);
    const list = makeListCases(deps);

    // Act
    const finals = await list({ statuses: ["resolved", "closed"] });
    const urgent = await list({ priority: "P1" });
    const waiting = await list({ statuses: ["awaiting_verification"] });

    // Assess
    expect(finals.cases.map((item) => item.caseId)).toEqual([resolved.caseId]);
    expect(finals.cases[0]?.nearestDueAt).toBeNull();
    expect(urgent.cases.map((item) => item.caseId)).toEqual([p1.caseId]);
    expect(waiting.cases.map((item) => item.caseId)).toEqual([p2.caseId]);
  });

  it("returns at most `limit` cases across the merged statuses", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { p1, p2 } = await queue(deps);

    // Act
    const { cases } = await makeListCases(deps)({ limit: 2 });

    // Assess
    expect(cases.map((item) => item.caseId)).toEqual([p1.caseId, p2.caseId]);
  });

  it("pages the whole queue in order through each page's cursor, each case once, the last page without one", async () => {
    // Prepare: 9 active cases over three statuses and four priorities (ties in due time broken by case id).
    const deps = makeTestDeps();
    await queue(deps);
    for (const incidentType of ["phishing", "key_compromise", "malware", "other", "sim_swap"] as const) {
      const item = await seedCase(deps, { incidentType });
      if (incidentType === "malware") await change(deps, item.caseId, { status: "verified" });
    }
    const list = makeListCases(deps);
    const whole = (await list({ limit: 100 })).cases.map((item) => item.caseId);

    // Act: pages of 2, each cursor passed back through the HTTP query parser.
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list(parseListCasesQuery({ limit: "2", ...(cursor ? { cursor } : {}) }));
      pages.push(page.cases.map((item) => item.caseId));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 20);

    // Assess
    expect(whole).toHaveLength(9);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 2, 1]);
    expect(pages.flat()).toEqual(whole);
  });

  it("gives a cursor only when more cases follow", async () => {
    // Prepare: four active cases.
    const deps = makeTestDeps();
    await queue(deps);
    const list = makeListCases(deps);

    // Act
    const exact = await list({ limit: 4 });
    const short = await list({ limit: 3 });
    const found = await list({ q: (await seedCase(deps, { incidentType: "other" })).caseId, limit: 1 });

    // Assess
    expect(exact.cases).toHaveLength(4);
    expect(exact.nextCursor).toBeUndefined();
    expect(short.nextCursor).toEqual(expect.any(String));
    expect(found.cases).toHaveLength(1);
    expect(found.nextCursor).toBeUndefined();
  });

  it("keeps the filters in the cursor and the raw key out of sight", async () => {
    // Prepare
    const deps = makeTestDeps();
    const { p2 } = await queue(deps);
    await seedCase(deps, { incidentType: "unauthorized_access" }).then((item) =>
      change(deps, item.caseId, { status: "awaiting_verification" }),
    );

    // Act
    const first = await makeListCases(deps)({ statuses: ["awaiting_verification"], priority: "P2", limit: 1 });
    const cursor = first.nextCursor ?? "";

    // Assess: opaque (base64url), names neither the case nor its due time in clear text.
    expect(first.cases.map((item) => item.caseId)).toEqual([p2.caseId]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(p2.caseId);
    expect(parseListCasesQuery({ status: "awaiting_verification", priority: "P2", cursor })).toEqual({
      statuses: ["awaiting_verification"],
      priority: "P2",
      after: `${at(900)}#${p2.caseId}`,
    });
  });

  it("summarises each case without contact data", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "key_compromise" });

    // Act
    const { cases } = await makeListCases(deps)();

    // Assess
    expect(cases[0]).toEqual({
      caseId: item.caseId,
      accountId: item.accountId,
      incidentType: "key_compromise",
      incidentTypes: ["key_compromise"],
      assignee: null,
      priority: "P1",
      status: "open",
      lock: { state: "none", scopes: ["login", "withdrawals", "new_addresses", "security_settings"] },
      verification: { email: "pending", sms: "pending", identity: "not_used", denied: false },
      sla: {
        containment: { dueAt: at(60), metAt: null, warnedAt: [], breachedAt: null },
        firstResponse: { dueAt: at(900), metAt: null, warnedAt: [], breachedAt: null },
        resolution: { dueAt: at(4 * 3600), metAt: null, warnedAt: [], breachedAt: null },
      },
      nearestDueAt: at(60),
      acknowledgedAt: null,
      openedAt: at(0),
      escalations: 0,
    });
    expect(JSON.stringify(cases)).not.toContain("example.com");
  });
});

/** A cursor as the API writes it (the queue with no filters, after case `c_1` due at 08:00). */
const CURSOR = { v: 1, after: "2026-11-25T08:00:00.000Z#c_1", s: [], p: null };
const b64 = (text: string) => Buffer.from(text).toString("base64url");

describe("parseListCasesQuery", () => {
  it("decodes a cursor into the place the queue continues after", () => {
    // Prepare / Act
    const input = parseListCasesQuery({ cursor: b64(JSON.stringify(CURSOR)), limit: "50" });

    // Assess
    expect(input).toEqual({ limit: 50, after: "2026-11-25T08:00:00.000Z#c_1" });
  });

  it("accepts a status list, a priority and a limit", () => {
    // Prepare / Act
    const input = parseListCasesQuery({ status: "open, verified,open", priority: "P1", limit: "100" });

    // Assess
    expect(input).toEqual({ statuses: ["open", "verified"], priority: "P1", limit: 100 });
  });

  it("defaults everything when there is no query string", () => {
    // Prepare / Act / Assess
    expect(parseListCasesQuery(null)).toEqual({});
    expect(parseListCasesQuery({ status: undefined })).toEqual({});
  });

  it.each([
    ["an unknown status", { status: "pending" }, "/status/0"],
    ["an unknown priority", { priority: "P5" }, "/priority"],
    ["a zero limit", { limit: "0" }, "/limit"],
    ["a limit over 100", { limit: "101" }, "/limit"],
    ["a fractional limit", { limit: "1.5" }, "/limit"],
    ["a word as limit", { limit: "ten" }, "/limit"],
    ["an unknown parameter", { priorty: "P1" }, ""],
    ["a cursor that is not base64url", { cursor: "not a cursor!" }, "/cursor"],
    ["a cursor that is not JSON", { cursor: b64("2026-11-25T08:00:00.000Z#c_1") }, "/cursor"],
    ["a cursor of another shape", { cursor: b64(JSON.stringify({ v: 1, after: "c_1", s: [], p: null })) }, "/cursor"],
    ["a cursor with an extra field", { cursor: b64(JSON.stringify({ ...CURSOR, pk: "CASE#c_1" })) }, "/cursor"],
    ["a cursor of another version", { cursor: b64(JSON.stringify({ ...CURSOR, v: 2 })) }, "/cursor"],
    ["a cursor given for other filters", { priority: "P1", cursor: b64(JSON.stringify(CURSOR)) }, "/cursor"],
    ["a cursor with a search", { q: "c_1", cursor: b64(JSON.stringify(CURSOR)) }, "/cursor"],
  ])("refuses %s with a 400 naming the parameter", (_label, query, path) => {
    // Prepare / Act
    const act = () => parseListCasesQuery(query);

    // Assess
    expect(act).toThrow(ValidationError);
    try {
      act();
    } catch (error) {
      expect((error as ValidationError).errors.map((entry) => entry.path)).toContain(path);
      expect((error as ValidationError).message).toBe("the query parameters are invalid");
    }
  });
});

describe("makeGetCase", () => {
  it("returns the case in the shape of the contract, reporter masked", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { incidentType: "sim_swap" });

    // Act
    const view = await makeGetCase(deps)(item.caseId);

    // Assess
    expect(view).toMatchObject({
      caseId: item.caseId,
      accountId: item.accountId,
      incidentType: "sim_swap",
      priority: "P1",
      status: "open",
      reporter: { email: "a***@example.com", phone: "+1415*****00", locale: "en" },
      channels: { email: true, sms: false },
      verification: { email: "pending", sms: "not_used", identity: "pending", denied: false },
      lock: {
        state: "none",
        scopes: ["login", "withdrawals", "security_settings"],
        requestedAt: null,
        appliedAt: null,
        releaseRequestedAt: null,
        releasedAt: null,
      },
      sla: {
        containment: { dueAt: at(60), metAt: null, warnedAt: [], breachedAt: null, escalatedAt: [] },
        firstResponse: { dueAt: at(900), metAt: null, warnedAt: [], breachedAt: null, escalatedAt: [] },
        resolution: { dueAt: at(4 * 3600), metAt: null, warnedAt: [], breachedAt: null, pausedSeconds: 0 },
      },
      workflow: { generation: 1, waitingOn: null },
      acknowledgedAt: null,
      acknowledgedBy: null,
      escalations: 0,
      failures: [],
      closeReason: null,
      openedAt: at(0),
      timeline: [
        {
          seq: 1,
          at: at(0),
          type: "case.opened",
          actor: "wallet-app",
          detail: { incidentType: "sim_swap", priority: "P1" },
        },
      ],
    });
  });

  it("never carries the task token, the code, the link or unmasked contact data", async () => {
    // Prepare: the workflow waits on verification; a code went by SMS and a link by email.
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await makeRequestVerification(deps)({ caseId: item.caseId, generation: 1, taskToken: "task-token-secret-1" });
    const code = deps.sms.sent[0]?.text.match(/\d{6,8}/)?.[0];
    const link = deps.email.sent[0]?.text.match(/\/v1\/verify\/([\w-]+)/)?.[1];
    const stored = (await deps.cases.get(item.caseId))?.case;

    // Act
    const view = await makeGetCase(deps)(item.caseId);

    // Assess
    expect(code).toBeDefined();
    expect(link).toBeDefined();
    const text = JSON.stringify(view);
    for (const secret of [
      "task-token-secret-1",
      code as string,
      link as string,
      stored?.verification.code?.hash as string,
      EMAIL,
      PHONE,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(view.workflow).toEqual({ generation: 1, waitingOn: "verification", waitingSince: at(0) });
    expect(view.status).toBe("awaiting_verification");
    expect(view.sla.resolution.pausedAt).toBe(at(0));
  });

  it("scrubs contact data and secret-looking values from the timeline details", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await change(deps, item.caseId, {}, [
      {
        type: "case.note",
        actor: "agent.bob@provider.test",
        detail: {
          note: `called ${EMAIL} and ${PHONE}; other address zoe.x@mail.test, other phone +44 7700 900123, code 483920 read out`,
          verifyUrl: "https://vigil.test/v1/verify/abc",
          nested: { taskToken: "tok", smsCode: "123456" },
          at: at(5),
        },
      },
    ]);

    // Act
    const view = await makeGetCase(deps)(item.caseId);

    // Assess
    expect(view.timeline.at(-1)).toEqual({
      seq: 2,
      at: at(0),
      type: "case.note",
      actor: "agent.bob@provider.test",
      detail: {
        note: "called a***@example.com and +1415*****00; other address z***@mail.test, other phone +4477******23, code [redacted] read out",
        verifyUrl: "[redacted]",
        nested: { taskToken: "[redacted]", smsCode: "[redacted]" },
        at: at(5),
      },
    });
  });

  it("masks contact data the reporter wrote in the description", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps, { description: `write to me at ${EMAIL} or call ${PHONE}` });

    // Act
    const view = await makeGetCase(deps)(item.caseId);

    // Assess
    expect(view.description).toBe("write to me at a***@example.com or call +1415*****00");
  });

  it("includes the events still in the case's outbox and writes them", async () => {
    // Prepare: the last change's audit write was lost (crash between the two writes).
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await change(deps, item.caseId, {}, [{ type: "case.note", actor: "agent", detail: { note: "hello" } }]);
    deps.cases.audit.get(item.caseId)?.pop();

    // Act
    const view = await makeGetCase(deps)(item.caseId);

    // Assess
    expect(view.timeline.map((entry) => entry.type)).toEqual(["case.opened", "case.note"]);
    expect(deps.cases.audit.get(item.caseId)).toHaveLength(2);
  });

  it.each([
    ["an unknown id", "c_nothere"],
    ["a malformed id", "../etc/passwd"],
    ["no id", undefined],
  ])("answers 404 for %s", async (_label, caseId) => {
    // Prepare
    const deps = makeTestDeps();

    // Act
    const act = makeGetCase(deps)(caseId);

    // Assess
    await expect(act).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("makeGetCaseAudit", () => {
  async function withHistory(deps: TestDeps) {
    const item = await seedCase(deps);
    await change(deps, item.caseId, {}, [{ type: "case.note", actor: "agent", detail: { note: "first" } }]);
    await change(deps, item.caseId, {}, [{ type: "case.note", actor: "agent", detail: { note: "second" } }]);
    return item;
  }

  it("returns the events and a valid chain ending at the case's head", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await withHistory(deps);
    const head = (await deps.cases.get(item.caseId))?.case.audit;

    // Act
    const audit = await makeGetCaseAudit(deps)(item.caseId);

    // Assess
    expect(audit.chainValid).toBe(true);
    expect(audit.brokenAt).toBeUndefined();
    expect(audit.events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(audit.events[2]?.hash).toBe(head?.head);
    expect(audit.events[1]?.prevHash).toBe(audit.events[0]?.hash);
    expect(audit.head).toEqual({ seq: 3, hash: head?.head });
  });

  it("reports a broken chain where a stored event was tampered with", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await withHistory(deps);
    const stored = deps.cases.audit.get(item.caseId);
    if (stored?.[1]) stored[1].detail = { note: "rewritten" };

    // Act
    const audit = await makeGetCaseAudit(deps)(item.caseId);

    // Assess
    expect(audit.chainValid).toBe(false);
    expect(audit.brokenAt).toBe(2);
  });

  it("reports a broken chain when the newest event was deleted", async () => {
    // Prepare: drop the newest event and the outbox copy that would restore it.
    const deps = makeTestDeps();
    const item = await withHistory(deps);
    deps.cases.audit.get(item.caseId)?.pop();
    const entry = deps.cases.items.get(item.caseId);
    if (entry) entry.case.pendingEvents = [];

    // Act
    const audit = await makeGetCaseAudit(deps)(item.caseId);

    // Assess
    expect(audit.chainValid).toBe(false);
    expect(audit.brokenAt).toBe(3);
  });

  it("marks events whose detail was scrubbed for display", async () => {
    // Prepare
    const deps = makeTestDeps();
    const item = await seedCase(deps);
    await change(deps, item.caseId, {}, [{ type: "case.note", actor: "agent", detail: { note: `mail ${EMAIL}` } }]);

    // Act
    const audit = await makeGetCaseAudit(deps)(item.caseId);

    // Assess
    expect(audit.chainValid).toBe(true);
    expect(audit.events[0]?.redacted).toBeUndefined();
    expect(audit.events[1]).toMatchObject({ detail: { note: "mail a***@example.com" }, redacted: true });
  });

  it("answers 404 for an unknown case", async () => {
    // Prepare
    const deps = makeTestDeps();

    // Act
    const act = makeGetCaseAudit(deps)("c_nothere");

    // Assess
    await expect(act).rejects.toBeInstanceOf(NotFoundError);
  });
});
