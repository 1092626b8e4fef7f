import { describe, expect, it } from "vitest";
import { cacheTableDescriptions } from "../../../local/dynamo-transactions.js";

type Done = (error: null, value?: unknown) => void;

/** A table store whose reads and writes the test answers by hand (LevelDB answers later, in any order). */
function slowTableStore() {
  const stored = new Map<string, unknown>();
  const waiting: Array<() => void> = [];
  const reads: string[] = [];
  const tableDb = {
    get(key: string, callback: Done) {
      reads.push(key);
      const value = stored.get(key);
      waiting.push(() => callback(null, value));
    },
    put(key: string, value: unknown, callback: Done) {
      waiting.push(() => {
        stored.set(key, value);
        callback(null);
      });
    },
    del(key: string, callback: Done) {
      waiting.push(() => {
        stored.delete(key);
        callback(null);
      });
    },
  };
  const answerAll = () => {
    for (const answer of waiting.splice(0)) answer();
  };
  return { tableDb, stored, reads, answerAll };
}

const read = (tableDb: { get(key: string, callback: Done): void }, key: string) =>
  new Promise<unknown>((resolve) => tableDb.get(key, (_, value) => resolve(value)));

describe("the local DynamoDB's table descriptions in memory", () => {
  it("serves a description it wrote without reading it again", async () => {
    // Prepare
    const store = slowTableStore();
    cacheTableDescriptions(store as never);
    store.tableDb.put("vigil", { TableStatus: "ACTIVE" }, () => undefined);
    store.answerAll();

    // Act
    const description = await read(store.tableDb, "vigil");

    // Assess
    expect(description).toEqual({ TableStatus: "ACTIVE" });
    expect(store.reads).toEqual([]);
  });

  it("does not keep what a read found while a write was under way (CreateTable's second put)", async () => {
    // Prepare: the table is CREATING on disk, the put of ACTIVE is under way when a read starts.
    const store = slowTableStore();
    store.stored.set("vigil", { TableStatus: "CREATING" });
    cacheTableDescriptions(store as never);
    store.tableDb.put("vigil", { TableStatus: "ACTIVE" }, () => undefined);
    const racing = read(store.tableDb, "vigil");

    // Act: the read answers with the old value, then the put lands.
    store.answerAll();
    await racing;
    const after = await new Promise<unknown>((resolve) => {
      store.tableDb.get("vigil", (_, value) => resolve(value));
      store.answerAll();
    });

    // Assess
    expect(after).toEqual({ TableStatus: "ACTIVE" });
  });

  it("keeps a read's answer only when no write began meanwhile", async () => {
    // Prepare
    const store = slowTableStore();
    store.stored.set("vigil", { TableStatus: "ACTIVE" });
    cacheTableDescriptions(store as never);
    const first = read(store.tableDb, "vigil");
    store.tableDb.del("vigil", () => undefined);

    // Act
    store.answerAll();
    await first;
    const gone = new Promise<unknown>((resolve) => store.tableDb.get("vigil", (_, value) => resolve(value)));
    store.answerAll();

    // Assess: the deletion is seen, not the description read before it.
    expect(await gone).toBeUndefined();
  });
});
