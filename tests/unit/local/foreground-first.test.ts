import { describe, expect, it } from "vitest";
import { ForegroundFirst } from "../../../local/foreground-first.js";

/** A call that runs until `finish()` is called, recording when it started. */
function pending(log: string[], name: string) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    call: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("ForegroundFirst", () => {
  it("runs background work at once while no request is being answered", async () => {
    // Prepare
    const priority = new ForegroundFirst({ backgroundWhileBusy: 1 });
    const log: string[] = [];
    const tasks = ["a", "b", "c"].map((name) => pending(log, name));

    // Act
    const runs = tasks.map((task, i) => priority.backgroundCall(`task-${i}`, task.call));
    await turn();

    // Assess
    expect(log).toEqual(["start a", "start b", "start c"]);
    for (const task of tasks) task.finish();
    expect(await Promise.all(runs)).toEqual(["a", "b", "c"]);
  });

  it("runs one background task at a time while a request is answered, then the rest at once", async () => {
    // Prepare: a request in flight, then three tasks due.
    const priority = new ForegroundFirst({ backgroundWhileBusy: 1 });
    const log: string[] = [];
    const request = pending(log, "request");
    const tasks = ["a", "b", "c"].map((name) => pending(log, name));
    const answered = priority.foregroundCall(request.call);

    // Act
    const runs = tasks.map((task, i) => priority.backgroundCall(`task-${i}`, task.call));
    await turn();
    const whileBusy = [...log];
    tasks[0]?.finish();
    await turn();
    const afterOne = [...log];
    request.finish();
    await answered;
    await turn();

    // Assess
    expect(whileBusy).toEqual(["start request", "start a"]);
    expect(afterOne).toEqual(["start request", "start a", "start b"]);
    expect(log).toEqual(["start request", "start a", "start b", "start c"]);
    for (const task of tasks) task.finish();
    expect(await Promise.all(runs)).toEqual(["a", "b", "c"]);
  });

  it("never holds exempt work, and releases the held work when a request fails", async () => {
    // Prepare
    const priority = new ForegroundFirst({ backgroundWhileBusy: 1, exempt: new Set(["contain"]) });
    const log: string[] = [];
    const [first, held, contain] = ["first", "held", "contain"].map((name) => pending(log, name));
    let fail: () => void = () => {};
    const failing = priority.foregroundCall(
      () =>
        new Promise((_, reject) => {
          fail = () => reject(new Error("boom"));
        }),
    );

    // Act
    const runs = [
      priority.backgroundCall("first", first?.call ?? turn),
      priority.backgroundCall("held", held?.call ?? turn),
      priority.backgroundCall("contain", contain?.call ?? turn),
    ];
    await turn();
    const whileBusy = [...log];
    fail();
    await expect(failing).rejects.toThrow("boom");
    await turn();

    // Assess
    expect(whileBusy).toEqual(["start first", "start contain"]);
    expect(log).toEqual(["start first", "start contain", "start held"]);
    for (const task of [first, held, contain]) task?.finish();
    await Promise.all(runs);
  });

  it("holds nothing when switched off (Infinity)", async () => {
    // Prepare
    const priority = new ForegroundFirst({ backgroundWhileBusy: Number.POSITIVE_INFINITY });
    const log: string[] = [];
    const request = pending(log, "request");
    const tasks = ["a", "b"].map((name) => pending(log, name));
    const answered = priority.foregroundCall(request.call);

    // Act
    const runs = tasks.map((task, i) => priority.backgroundCall(`task-${i}`, task.call));
    await turn();

    // Assess
    expect(log).toEqual(["start request", "start a", "start b"]);
    request.finish();
    for (const task of tasks) task.finish();
    await Promise.all([answered, ...runs]);
  });
});
