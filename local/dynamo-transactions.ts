/**
 * dynalite as the local runtime runs it: with `TransactWriteItems` (ADR 0015), and its table descriptions
 * kept in memory (`cacheTableDescriptions`). dynalite 4 answers `TransactWriteItems` `UnknownOperationException`. The
 * runtime's dynalite gets a request listener in front of its own that serves that one operation on
 * dynalite's own store, with dynalite's own validation, condition evaluation and index maintenance; every
 * other request goes to dynalite unchanged.
 *
 * Semantics kept: all-or-nothing (every condition is checked before anything is written), at most 100
 * actions, no two on one item, `TransactionCanceledException` with one `CancellationReasons` entry per
 * action (`ConditionalCheckFailed`, with the old item when `ReturnValuesOnConditionCheckFailure` is
 * `ALL_OLD`, else `None`). The items are locked with the very locks dynalite's `PutItem`, `UpdateItem` and
 * `DeleteItem` take, so no single-item write interleaves with a transaction.
 * Differences from AWS: a plain read (`GetItem`, `Query`) takes no lock in dynalite, so it can see the
 * first actions of a transaction before its last ones (the actions are applied in their order: a writer
 * lists first what a reader must find first); `Update` actions are refused (no caller needs them);
 * `ClientRequestToken` is not remembered.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { crc32 } from "node:zlib";
import dynalite from "dynalite";

type AttributeMap = Record<string, unknown>;
type Callback<T> = (error: DynaliteError | null, value?: T) => void;
interface DynaliteError extends Error {
  statusCode?: number;
  body?: Record<string, unknown>;
}
interface ItemDb {
  lock(keys: string | string[], exec: (release: (done: () => void) => () => void) => void): void;
  get(key: string, callback: Callback<AttributeMap>): void;
  put(key: string, item: AttributeMap, callback: Callback<void>): void;
  del(key: string, callback: Callback<void>): void;
}
interface Table {
  TableName: string;
}
interface Store {
  tableDb: {
    get(key: string, callback: Callback<Table>): void;
    put(key: string, value: Table, callback: Callback<void>): void;
    del(key: string, callback: Callback<void>): void;
  };
  getTable(name: string, callback: Callback<Table>): void;
  getItemDb(name: string): ItemDb;
}
interface Rules {
  types: Record<string, unknown>;
  custom?: (data: AttributeMap, store: Store) => string | undefined;
}

const require = createRequire(import.meta.url);
const db = require("dynalite/db") as {
  create(options: unknown): Store;
  validateItem(item: unknown, table: Table): DynaliteError | null;
  validateKey(key: unknown, table: Table): DynaliteError | null;
  createKey(item: unknown, table: Table): string;
  checkConditional(data: AttributeMap, existing: AttributeMap | undefined): DynaliteError | null;
  updateIndexes(store: Store, table: Table, existing: unknown, item: unknown, callback: Callback<void>): void;
};
const validations = require("dynalite/validations") as {
  checkTypes(data: AttributeMap, types: unknown): AttributeMap;
  checkValidations(data: AttributeMap, types: unknown, custom: unknown, store: Store): void;
};
/** Each action is validated as the single-item operation it stands for (a ConditionCheck has a delete's shape). */
const RULES: Record<string, Rules> = {
  Put: require("dynalite/validations/putItem") as Rules,
  Delete: require("dynalite/validations/deleteItem") as Rules,
  ConditionCheck: require("dynalite/validations/deleteItem") as Rules,
};
const MAX_ACTIONS = 100;
const MAX_BODY = 16 * 1024 * 1024;

/** Options of {@link createDynalite}: dynalite's own. */
export type DynaliteOptions = Parameters<typeof dynalite>[0];

/** A dynalite server that also serves `TransactWriteItems` (see the module comment). */
export function createDynalite(options: DynaliteOptions): Server {
  // dynalite builds its store inside its factory and keeps it private: capture it as it is created.
  let store: Store | undefined;
  const create = db.create;
  db.create = (storeOptions: unknown) => {
    store = create(storeOptions);
    return store;
  };
  let server: Server;
  try {
    server = dynalite(options);
  } finally {
    db.create = create;
  }
  if (!store) throw new Error("dynalite did not create its store through dynalite/db");
  const captured = store;
  cacheTableDescriptions(captured);
  const [own] = server.listeners("request") as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  if (!own) throw new Error("dynalite has no request listener");
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    if (request.method === "POST" && target === "DynamoDB_20120810.TransactWriteItems") {
      transactWriteItems(captured, request, response).catch((error: unknown) =>
        send(response, 500, { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: String(error) }),
      );
      return;
    }
    own.call(server, request, response);
  });
  return server;
}

/**
 * dynalite reads the table's description from LevelDB on every request (`getTable`: one `get` per
 * `GetItem`, `PutItem`, `Query`…, 7 % of the runtime's main thread in the end-to-end bench). The
 * descriptions change only through dynalite's own `put`/`del` on the same table store, so they are
 * kept in memory here, written through, and handed out on a later tick, as LevelDB would. The object
 * itself is handed out: only `UpdateTable` and `DeleteTable` change a description, before they put it.
 * Only what is surely the newest is cached: a write's value if no later write began, a read's only if
 * no write was under way or began meanwhile (a `get` racing `CreateTable`'s second put would otherwise
 * keep the table `CREATING` for good).
 */
export function cacheTableDescriptions(store: Pick<Store, "tableDb">): void {
  const tables = store.tableDb;
  const cached = new Map<string, Table>();
  /** Per table: writes begun, and writes not yet answered. */
  const begun = new Map<string, number>();
  const pending = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.get(key) ?? 0;
  const write = (key: string, run: (done: (error: DynaliteError | null) => boolean) => void) => {
    const seq = count(begun, key) + 1;
    begun.set(key, seq);
    pending.set(key, count(pending, key) + 1);
    cached.delete(key);
    run((error) => {
      pending.set(key, count(pending, key) - 1);
      return !error && count(begun, key) === seq;
    });
  };
  const { get, put, del } = tables;
  tables.get = (key, callback) => {
    const table = cached.get(key);
    if (table) return void process.nextTick(callback, null, table);
    const quiet = count(pending, key) === 0;
    const seq = count(begun, key);
    get.call(tables, key, (error, value) => {
      const newest = quiet && count(begun, key) === seq;
      if (!error && newest && value && typeof value === "object") cached.set(key, value);
      callback(error, value);
    });
  };
  tables.put = (key, value, callback) =>
    write(key, (done) =>
      put.call(tables, key, value, (error) => {
        if (done(error)) cached.set(key, value);
        callback(error);
      }),
    );
  tables.del = (key, callback) =>
    write(key, (done) =>
      del.call(tables, key, (error) => {
        done(error);
        callback(error);
      }),
    );
}

interface Action {
  kind: "Put" | "Delete" | "ConditionCheck";
  data: AttributeMap;
  table: Table;
  key: string;
  returnOld: boolean;
}

async function transactWriteItems(store: Store, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body: { TransactItems?: Array<Record<string, AttributeMap>> };
  try {
    body = JSON.parse(await readBody(request));
  } catch {
    return send(response, 400, { __type: "com.amazon.coral.service#SerializationException" });
  }
  const items = body.TransactItems ?? [];
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ACTIONS) {
    return invalid(response, `TransactItems must have between 1 and ${MAX_ACTIONS} actions`);
  }
  const actions: Action[] = [];
  for (const entry of items) {
    const kinds = Object.keys(entry ?? {});
    const kind = kinds[0] as Action["kind"] | "Update" | undefined;
    if (kinds.length !== 1 || !kind) return invalid(response, "each TransactItem must have exactly one action");
    if (kind === "Update") return invalid(response, "the local DynamoDB does not support Update in TransactWriteItems");
    const rules = RULES[kind];
    if (!rules) return invalid(response, `unknown transaction action ${kind}`);
    const { ReturnValuesOnConditionCheckFailure: returnValues, ...raw } = entry[kind] as AttributeMap;
    let data: AttributeMap;
    let table: Table;
    try {
      data = validations.checkTypes({ ...raw }, rules.types);
      validations.checkValidations(data, rules.types, rules.custom, store);
      table = await new Promise<Table>((resolve, reject) =>
        store.getTable(String(data.TableName), (error, found) => (error || !found ? reject(error) : resolve(found))),
      );
    } catch (error) {
      const failure = error as DynaliteError;
      if (failure?.statusCode && failure.body) return send(response, failure.statusCode, failure.body);
      throw error;
    }
    const shapeError = kind === "Put" ? db.validateItem(data.Item, table) : db.validateKey(data.Key, table);
    if (shapeError?.body) return send(response, shapeError.statusCode ?? 400, shapeError.body);
    const key = db.createKey(kind === "Put" ? data.Item : data.Key, table);
    if (actions.some((other) => other.table.TableName === table.TableName && other.key === key)) {
      return invalid(response, "Transaction request cannot include multiple operations on one item");
    }
    actions.push({ kind, data, table, key, returnOld: returnValues === "ALL_OLD" });
  }

  const release = await lockAll(store, actions);
  try {
    const existing = await Promise.all(
      actions.map(
        (action) =>
          new Promise<AttributeMap | undefined>((resolve, reject) =>
            store.getItemDb(action.table.TableName).get(action.key, (error, item) => {
              if (error && error.name !== "NotFoundError") return reject(error);
              resolve(error ? undefined : item);
            }),
          ),
      ),
    );
    const failed = actions.map((action, i) => db.checkConditional(action.data, existing[i]) !== null);
    if (failed.some(Boolean)) {
      const reasons = actions.map((action, i) =>
        failed[i]
          ? {
              Code: "ConditionalCheckFailed",
              Message: "The conditional request failed",
              ...(action.returnOld && existing[i] ? { Item: existing[i] } : {}),
            }
          : { Code: "None" },
      );
      return send(response, 400, {
        __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
        CancellationReasons: reasons,
      });
    }
    // Applied in their order, each with its index entries first (as dynalite's PutItem does).
    for (const [i, action] of actions.entries()) {
      if (action.kind === "ConditionCheck") continue;
      const item = action.kind === "Put" ? (action.data.Item as AttributeMap) : null;
      await new Promise<void>((resolve, reject) =>
        db.updateIndexes(store, action.table, existing[i], item, (error) => (error ? reject(error) : resolve())),
      );
      const itemDb = store.getItemDb(action.table.TableName);
      await new Promise<void>((resolve, reject) => {
        const done: Callback<void> = (error) => (error ? reject(error) : resolve());
        if (item) itemDb.put(action.key, item, done);
        else itemDb.del(action.key, done);
      });
    }
    send(response, 200, {});
  } finally {
    release();
  }
}

/**
 * Takes every action's item lock, all in one synchronous pass (so two transactions queue in the same order
 * on every item they share and cannot deadlock); resolves once all are held, with the function releasing them.
 */
function lockAll(store: Store, actions: Action[]): Promise<() => void> {
  const byTable = new Map<string, string[]>();
  for (const action of actions) {
    byTable.set(action.table.TableName, [...(byTable.get(action.table.TableName) ?? []), action.key]);
  }
  const releases = [...byTable.entries()].map(
    ([table, keys]) =>
      new Promise<() => void>((resolve) => store.getItemDb(table).lock(keys, (release) => resolve(release(() => {})))),
  );
  return Promise.all(releases).then((all) => () => {
    for (const release of all) release();
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("request too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function invalid(response: ServerResponse, message: string): void {
  send(response, 400, { __type: "com.amazon.coral.validate#ValidationException", message });
}

function send(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (response.headersSent) return void response.end();
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
    "x-amz-crc32": String(crc32(text)),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(text);
}
