import { beforeEach, describe, expect, it, vi } from "vitest";
import { GENESIS_HASH, verifyChain } from "../../../src/domain/audit-chain.js";
import { openCase } from "../../../src/domain/case.js";
import { DEFAULT_POLICY } from "../../../src/domain/policy.js";
import { ConflictError, NotFoundError } from "../../../src/errors/index.js";
import type { Case } from "../../../src/schemas/case.js";
import { makeCreateCase, makeMutateCase, makeReadAudit } from "../../../src/use-cases/case-mutation.js";
import { makeTestDeps, type TestDeps } from "../../fixtures/deps.js";

const CASE_ID = "c_mutation";

function newCase(deps: TestDeps): Case {
  return openCase({
    caseId: CASE_ID,
    webhookId: "msg_1",
    now: deps.clock.now(),
    policy: DEFAULT_POLICY,
    report: {
      accountId: "acct_1",
      incidentType: "phishing",
      reporter: { email: "ana@example.com", phone: "+14155550100" },
    },
  });
}

/** One more escalation, explained by one audit event. */
const escalate = (current: Case) => ({
  case: { ...current, escalations: current.escalations + 1 },
  events: [{ type: "case.escalated", actor: "test", detail: { n: current.escalations + 1 } }],
});

function head(item: Case) {
  return { seq: item.audit.seq, hash: item.audit.head };
}

describe("makeCreateCase", () => {
  it("writes the case with its opening event sealed onto the genesis hash", async () => {
    // Prepare
    const deps = makeTestDeps();
    const create = makeCreateCase(deps);

    // Act
    const created = await create(newCase(deps), [{ type: "case.opened", actor: "wallet-app" }]);

    // Assess
    // One write: the event rides in the item's outbox; the first read of the audit writes it out.
    expect(await deps.cases.listAudit(CASE_ID)).toEqual([]);
    expect(created.pendingEvents.map((event) => event.type)).toEqual(["case.opened"]);
    const events = await makeReadAudit(deps)(CASE_ID);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      seq: 1,
      type: "case.opened",
      actor: "wallet-app",
      detail: {},
      prevHash: GENESIS_HASH,
    });
    expect(created.audit).toEqual({ seq: 1, head: events[0]?.hash });
    expect(deps.cases.items.get(CASE_ID)?.version).toBe(1);
    expect(verifyChain(events, head(created))).toEqual({ valid: true });
  });

  it("throws ConflictError when the case id exists already", async () => {
    // Prepare
    const deps = makeTestDeps();
    const create = makeCreateCase(deps);
    await create(newCase(deps), [{ type: "case.opened", actor: "wallet-app" }]);

    // Act
    const attempt = create(newCase(deps), [{ type: "case.opened", actor: "wallet-app" }]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("makeMutateCase", () => {
  let deps: TestDeps;
  let mutate: ReturnType<typeof makeMutateCase>;

  beforeEach(async () => {
    deps = makeTestDeps();
    mutate = makeMutateCase(deps);
    await makeCreateCase(deps)(newCase(deps), [{ type: "case.opened", actor: "wallet-app" }]);
    await makeReadAudit(deps)(CASE_ID); // writes the opening event out of the outbox
  });

  it("extends a hash chain that verifies against the head kept on the case when changes follow each other", async () => {
    // Prepare
    deps.clock.advance(10);

    // Act
    await mutate(CASE_ID, escalate);
    deps.clock.advance(10);
    await mutate(CASE_ID, (current) => ({
      case: { ...current, escalations: current.escalations + 1 },
      events: [
        { type: "note.added", actor: "agent-1", detail: { note: "called the reporter" } },
        { type: "case.escalated", actor: "agent-1" },
      ],
    }));
    const last = await mutate(CASE_ID, escalate);

    // Assess
    const events = await deps.cases.listAudit(CASE_ID);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((event) => event.type)).toEqual([
      "case.opened",
      "case.escalated",
      "note.added",
      "case.escalated",
      "case.escalated",
    ]);
    expect(events[1]?.at).toBe(new Date(deps.clock.now() - 10_000).toISOString());
    expect(verifyChain(events, head(last))).toEqual({ valid: true });
    expect(last.escalations).toBe(3);
    expect(deps.cases.items.get(CASE_ID)?.version).toBe(4);
    expect(last.updatedAt).toBe(new Date(deps.clock.now()).toISOString());
  });

  it("produces a chain that no longer verifies when a stored event is edited", async () => {
    // Prepare
    const last = await mutate(CASE_ID, escalate);
    const events = await deps.cases.listAudit(CASE_ID);
    const tampered = events.map((event) => (event.seq === 2 ? { ...event, actor: "someone-else" } : event));

    // Act
    const verdict = verifyChain(tampered, head(last));

    // Assess
    expect(verdict).toEqual({ valid: false, brokenAt: 2 });
  });

  it("retries on a fresh read when another writer updates the case between the read and the write", async () => {
    // Prepare
    let calls = 0;
    const change = vi.fn((current: Case) => {
      calls += 1;
      if (calls === 1) {
        // A concurrent writer wins the race after our read.
        const stored = deps.cases.items.get(CASE_ID);
        if (stored)
          deps.cases.items.set(CASE_ID, { case: { ...stored.case, escalations: 10 }, version: stored.version + 1 });
      }
      return escalate(current);
    });

    // Act
    const result = await mutate(CASE_ID, change);

    // Assess
    expect(change).toHaveBeenCalledTimes(2);
    expect(result.escalations).toBe(11);
    expect(deps.cases.items.get(CASE_ID)).toMatchObject({ version: 3, case: { escalations: 11 } });
    const events = await deps.cases.listAudit(CASE_ID);
    expect(events.map((event) => event.detail)).toEqual([{}, { n: 11 }]);
    expect(verifyChain(events, head(result))).toEqual({ valid: true });
  });

  it("gives up with ConflictError after ten lost races (backing off between them)", async () => {
    // Prepare
    const change = vi.fn((current: Case) => {
      const stored = deps.cases.items.get(CASE_ID);
      if (stored) deps.cases.items.set(CASE_ID, { ...stored, version: stored.version + 1 });
      return escalate(current);
    });

    // Act
    const attempt = mutate(CASE_ID, change);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    expect(change).toHaveBeenCalledTimes(10);
    expect(deps.cases.audit.get(CASE_ID)).toHaveLength(1);
    // Nine back-offs on the clock, each a full jitter below 5 ms × 2^attempt.
    expect(deps.clock.slept).toHaveLength(9);
    deps.clock.slept.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(5 * 2 ** (i + 1));
    });
  });

  it("returns the result of the run that was written when a change answers its caller (deciding)", async () => {
    // Prepare: the first run loses a race, the second is written.
    let runs = 0;

    // Act
    const { case: written, result } = await mutate.deciding(CASE_ID, (current) => {
      runs += 1;
      const stored = deps.cases.items.get(CASE_ID);
      if (runs === 1 && stored) deps.cases.items.set(CASE_ID, { ...stored, version: stored.version + 1 });
      return { change: escalate(current), result: `run ${runs}` };
    });

    // Assess
    expect(result).toBe("run 2");
    expect(written.escalations).toBe(1);
    expect(deps.clock.slept).toHaveLength(1);
  });

  it("returns the result with the case unchanged when the decision changes nothing (deciding)", async () => {
    // Act
    const { case: current, result } = await mutate.deciding(CASE_ID, () => ({ change: null, result: 42 }));

    // Assess
    expect(result).toBe(42);
    expect(current).toEqual(deps.cases.items.get(CASE_ID)?.case);
  });

  it("writes the outbox events on the next change when the audit write of a change was lost", async () => {
    // Prepare
    const lost = await mutate(CASE_ID, escalate);
    deps.cases.audit.set(
      CASE_ID,
      (deps.cases.audit.get(CASE_ID) ?? []).filter((event) => event.seq !== lost.audit.seq),
    );
    expect(verifyChain(await deps.cases.listAudit(CASE_ID), head(lost)).valid).toBe(false);

    // Act
    const next = await mutate(CASE_ID, escalate);

    // Assess
    const events = await deps.cases.listAudit(CASE_ID);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(verifyChain(events, head(next))).toEqual({ valid: true });
  });

  it("writes the outbox events when a crash hit between the case write and the event write", async () => {
    // Prepare
    // The previous outbox is already stored (no rewrite); the write of the new event crashes.
    vi.spyOn(deps.cases, "appendAudit").mockRejectedValueOnce(new Error("crashed"));
    await expect(mutate(CASE_ID, escalate)).rejects.toThrow("crashed");
    expect(deps.cases.items.get(CASE_ID)?.case.pendingEvents.map((event) => event.seq)).toEqual([2]);

    // Act
    const unchanged = await mutate(CASE_ID, () => null);

    // Assess
    const events = await deps.cases.listAudit(CASE_ID);
    expect(events.map((event) => event.type)).toEqual(["case.opened", "case.escalated"]);
    expect(verifyChain(events, head(unchanged))).toEqual({ valid: true });
  });

  it("writes nothing and returns the current case when the change is null", async () => {
    // Prepare
    const before = structuredClone(deps.cases.items.get(CASE_ID));
    const auditBefore = await deps.cases.listAudit(CASE_ID);
    deps.clock.advance(60);

    // Act
    const result = await mutate(CASE_ID, () => null);

    // Assess
    expect(result).toEqual(before?.case);
    expect(deps.cases.items.get(CASE_ID)).toEqual(before);
    expect(await deps.cases.listAudit(CASE_ID)).toEqual(auditBefore);
  });

  it("passes the clock's time to the change", async () => {
    // Prepare
    deps.clock.advance(42);
    const seen: number[] = [];

    // Act
    await mutate(CASE_ID, (_, now) => {
      seen.push(now);
      return null;
    });

    // Assess
    expect(seen).toEqual([deps.clock.now()]);
  });

  it("throws NotFoundError when the case does not exist", async () => {
    // Act
    const attempt = mutate("c_missing", escalate);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lets an error thrown by the change through without writing", async () => {
    // Prepare
    const before = structuredClone(deps.cases.items.get(CASE_ID));

    // Act
    const attempt = mutate(CASE_ID, () => {
      throw new Error("not allowed");
    });

    // Assess
    await expect(attempt).rejects.toThrow("not allowed");
    expect(deps.cases.items.get(CASE_ID)).toEqual(before);
  });
});

describe("makeReadAudit", () => {
  it("writes the outbox before listing when the last audit write was lost", async () => {
    // Prepare
    const deps = makeTestDeps();
    await makeCreateCase(deps)(newCase(deps), [{ type: "case.opened", actor: "wallet-app" }]);
    const changed = await makeMutateCase(deps)(CASE_ID, escalate);
    deps.cases.audit.set(CASE_ID, (deps.cases.audit.get(CASE_ID) ?? []).slice(0, 1));

    // Act
    const events = await makeReadAudit(deps)(CASE_ID);

    // Assess
    expect(events.map((event) => event.seq)).toEqual([1, 2]);
    expect(verifyChain(events, head(changed))).toEqual({ valid: true });
  });

  it("throws NotFoundError when the case does not exist", async () => {
    // Act
    const attempt = makeReadAudit(makeTestDeps())("c_missing");

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
  });
});
