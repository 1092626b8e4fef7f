import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

/** What the meter counted since the last reset. */
export interface DynamoUsage {
  /** Requests per operation (`PutItem`, `GetItem`, …). */
  requests: Record<string, number>;
  /** Write request units on the table (as dynalite reports them through `ReturnConsumedCapacity`, plus failed conditional writes). */
  tableWru: number;
  /** Write request units on the global secondary indexes (estimated, see {@link DynamoMeter}). */
  indexWru: number;
  /** Read request units (as dynalite reports them). */
  rru: number;
  /** Conditional writes that failed (they still consume write units on DynamoDB). */
  conditionalFailures: number;
  /** Requests excluded from the usage by the `exclude` predicate (e.g. the scheduled sweeper's query). */
  excluded: number;
  /**
   * Units by partition: `table <pk>` or `<index> <gsiNpk>` → write and read units that landed on
   * that partition key (what DynamoDB's per-partition limits of 1,000 WCU/s and 3,000 RCU/s apply to).
   */
  byKey: Record<string, { wcu: number; rcu: number }>;
}

/**
 * The table's global secondary indexes and what each projects (as infra/stacks/stateful-stack.ts):
 * an ALL index rewrites the whole item on every change; a KEYS_ONLY or INCLUDE index entry is well
 * under 1 KB and is only written when its key or its projected attributes change.
 */
export const INDEX_PROJECTIONS: Record<string, { type: "ALL" | "KEYS_ONLY" | "INCLUDE"; attributes?: string[] }> = {
  gsi1: { type: "ALL" },
  gsi2: { type: "ALL" },
  gsi3: { type: "KEYS_ONLY" },
  gsi4: { type: "KEYS_ONLY" },
  gsi5: { type: "INCLUDE", attributes: ["auditSeq", "auditHead"] },
};
/**
 * What-if: `BENCH_PROJECTIONS=gsi1=INCLUDE,gsi2=KEYS_ONLY` books the index writes as if those
 * indexes projected less (the data written is the same; only the units booked change).
 */
for (const pair of (process.env.BENCH_PROJECTIONS ?? "").split(",").filter(Boolean)) {
  const [index, type] = pair.split("=");
  if (index && (type === "ALL" || type === "KEYS_ONLY" || type === "INCLUDE")) INDEX_PROJECTIONS[index] = { type };
}
const INDEXES = Object.keys(INDEX_PROJECTIONS);

/**
 * A counting HTTP proxy in front of dynalite. Every request passes through unchanged except that
 * `ReturnConsumedCapacity: "TOTAL"` is added, so the units come from the emulator's own accounting
 * of item sizes (1 WRU per started KB written; 1 RRU per started 4 KB read strongly consistent,
 * half that eventually consistent) — the on-demand rules. Two things dynalite does not report are
 * added by the meter, following the DynamoDB pricing rules:
 * - a failed conditional write consumes the write units of the item it tried to write;
 * - a write to an item that carries a GSI key also writes the index when the entry changes: one put
 *   of the projected size (the item's size for projection ALL, ≤ 1 KB otherwise), plus one delete of
 *   the old entry when the index key changed.
 * Every unit is also booked on the partition key it lands on (`byKey`), table or index.
 */
export class DynamoMeter {
  private usage: DynamoUsage = emptyUsage();
  /** Item sizes and index keys by primary key, learned from the writes that pass through. */
  private readonly items = new Map<
    string,
    { size: number; index: Record<string, { key: string; projected: string }> }
  >();
  private server: Server | undefined;

  constructor(
    private readonly target: string,
    private readonly exclude: (operation: string, input: Record<string, unknown>) => boolean = () => false,
  ) {}

  /** Starts the proxy; resolves with its URL (for `AWS_ENDPOINT_URL_DYNAMODB`). */
  async listen(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "Unknown";
        let input: Record<string, unknown> = {};
        try {
          input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        } catch {
          // Forwarded as is; dynalite answers the error.
        }
        const metered = !this.exclude(operation, input);
        if (metered && operation !== "DescribeTable" && operation !== "CreateTable")
          input.ReturnConsumedCapacity = "TOTAL";
        const body = Buffer.from(JSON.stringify(input));
        const headers = { ...req.headers, "content-length": String(body.length), host: target.host };
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on("data", (chunk: Buffer) => parts.push(chunk));
            answer.on("end", () => {
              const raw = Buffer.concat(parts);
              if (metered) this.record(operation, input, answer.statusCode ?? 0, raw.toString("utf8"));
              else this.usage.excluded += 1;
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(raw);
            });
          },
        );
        upstream.on("error", () => {
          res.writeHead(502);
          res.end();
        });
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The usage since the last reset, and starts a new window. */
  take(): DynamoUsage {
    const usage = this.usage;
    this.usage = emptyUsage();
    return usage;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private record(operation: string, input: Record<string, unknown>, status: number, text: string): void {
    const usage = this.usage;
    usage.requests[operation] = (usage.requests[operation] ?? 0) + 1;
    const tableKey = `table ${pkOf((input.Key as Item | undefined) ?? (input.Item as Item | undefined) ?? {})}`;
    let output: Record<string, unknown> = {};
    try {
      output = JSON.parse(text || "{}");
    } catch {
      return;
    }
    if (operation === "TransactWriteItems") {
      this.transaction(input, status);
      return;
    }
    if (status >= 400) {
      if (String(output.__type ?? "").endsWith("ConditionalCheckFailedException")) {
        usage.conditionalFailures += 1;
        const item = input.Item as Item | undefined;
        const known = this.items.get(keyOf((input.Key as Item | undefined) ?? item ?? {}));
        const units = writeUnits(item ? itemSize(item) : (known?.size ?? 1));
        usage.tableWru += units;
        this.book(tableKey, units, 0);
      }
      return;
    }
    const consumed = output.ConsumedCapacity as
      | { CapacityUnits?: number }
      | Array<{ CapacityUnits?: number }>
      | undefined;
    const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
      (sum, c) => sum + (c.CapacityUnits ?? 0),
      0,
    );
    const isWrite = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"].includes(operation);
    if (isWrite) usage.tableWru += units;
    else usage.rru += units;
    if (operation === "PutItem" || operation === "UpdateItem" || operation === "DeleteItem")
      this.book(tableKey, units, 0);
    if (operation === "GetItem") this.book(tableKey, 0, units);
    if (operation === "Query") this.book(queryPartition(input), 0, units);

    if (operation === "PutItem") this.trackWrite(input.Item as Item);
    if (operation === "DeleteItem") this.trackDelete(input.Key as Item);
    if (operation === "UpdateItem") {
      // Not used by Vigil's data layer; charge the index write when the item is known to be indexed.
      const known = this.items.get(keyOf(input.Key as Item));
      for (const index of INDEXES) {
        const entry = known?.index[index];
        if (entry) this.indexWrite(index, entry.key, projectedUnits(index, known.size));
      }
    }
    if (operation === "BatchWriteItem") {
      for (const requests of Object.values(
        (input.RequestItems ?? {}) as Record<string, Array<Record<string, { Item?: Item; Key?: Item }>>>,
      )) {
        for (const request of requests) {
          if (request.PutRequest?.Item) this.trackWrite(request.PutRequest.Item);
          if (request.DeleteRequest?.Key) this.trackDelete(request.DeleteRequest.Key);
        }
      }
    }
  }

  /**
   * A `TransactWriteItems` (ADR 0015): each action's item costs twice its write units on the table (the
   * transaction's prepare and commit); index entries are booked as for a single write. A cancelled
   * transaction is booked at the same units (conservatively, as a failed conditional write is).
   */
  private transaction(input: Record<string, unknown>, status: number): void {
    const actions = (input.TransactItems ?? []) as Array<Record<string, { Item?: Item; Key?: Item }>>;
    if (status >= 400) this.usage.conditionalFailures += 1;
    for (const entry of actions) {
      for (const [kind, action] of Object.entries(entry)) {
        const item = action.Item;
        const keyItem = item ?? action.Key ?? {};
        const size = item ? itemSize(item) : (this.items.get(keyOf(keyItem))?.size ?? 1);
        const units = 2 * writeUnits(size);
        this.usage.tableWru += units;
        this.book(`table ${pkOf(keyItem)}`, units, 0);
        if (status >= 400) continue;
        if (kind === "Put" && item) this.trackWrite(item);
        if (kind === "Delete" && action.Key) this.trackDelete(action.Key);
      }
    }
  }

  private trackWrite(item: Item): void {
    const key = keyOf(item);
    const size = itemSize(item);
    const before = this.items.get(key);
    const index: Record<string, { key: string; projected: string }> = {};
    for (const name of INDEXES) {
      const pk = (item[`${name}pk`] as { S?: string } | undefined)?.S;
      const sk = (item[`${name}sk`] as { S?: string } | undefined)?.S;
      const old = before?.index[name];
      if (pk !== undefined) {
        const entry = { key: `${pk}|${sk ?? ""}`, projected: projectedSignature(name, item) };
        index[name] = entry;
        if (!old || old.key !== entry.key || old.projected !== entry.projected)
          this.indexWrite(name, entry.key, projectedUnits(name, size));
      }
      if (old && old.key !== index[name]?.key) this.indexWrite(name, old.key, projectedUnits(name, before?.size ?? 1));
    }
    this.items.set(key, { size, index });
  }

  private trackDelete(keyItem: Item): void {
    const key = keyOf(keyItem);
    const before = this.items.get(key);
    for (const name of INDEXES) {
      const entry = before?.index[name];
      if (entry) this.indexWrite(name, entry.key, projectedUnits(name, before?.size ?? 1));
    }
    this.items.delete(key);
  }

  private indexWrite(index: string, entryKey: string, units: number): void {
    this.usage.indexWru += units;
    this.book(`${index} ${entryKey.split("|")[0]}`, units, 0);
  }

  private book(partition: string, wcu: number, rcu: number): void {
    const entry = this.usage.byKey[partition] ?? { wcu: 0, rcu: 0 };
    entry.wcu += wcu;
    entry.rcu += rcu;
    this.usage.byKey[partition] = entry;
  }
}

/** The index entry's content: every attribute for ALL, the listed ones for INCLUDE, none for KEYS_ONLY. */
function projectedSignature(index: string, item: Item): string {
  const projection = INDEX_PROJECTIONS[index];
  if (projection?.type === "ALL") return JSON.stringify(item);
  if (projection?.type === "INCLUDE") return JSON.stringify((projection.attributes ?? []).map((name) => item[name]));
  return "";
}

/** Write units of one index entry: the item's for ALL, one (an entry under 1 KB) otherwise. */
function projectedUnits(index: string, itemBytes: number): number {
  return INDEX_PROJECTIONS[index]?.type === "ALL" ? writeUnits(itemBytes) : 1;
}

/** The partition a query reads: `table <pk>` or `<index> <gsiNpk>`, from `<attr> = :value` in the key condition. */
function queryPartition(input: Record<string, unknown>): string {
  const condition = String(input.KeyConditionExpression ?? "");
  const match = /^\s*#?(\w+)\s*=\s*(:\w+)/.exec(condition);
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, { S?: string }>;
  const value = match?.[2] ? (values[match[2]]?.S ?? "?") : "?";
  return `${typeof input.IndexName === "string" ? input.IndexName : "table"} ${value}`;
}

function pkOf(item: Item): string {
  return (item.pk as { S?: string } | undefined)?.S ?? "?";
}

function emptyUsage(): DynamoUsage {
  return { requests: {}, tableWru: 0, indexWru: 0, rru: 0, conditionalFailures: 0, excluded: 0, byKey: {} };
}

function keyOf(item: Item): string {
  return `${(item.pk as { S?: string } | undefined)?.S ?? ""}|${(item.sk as { S?: string } | undefined)?.S ?? ""}`;
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** An item's size by the DynamoDB rules: attribute names plus values (UTF-8 strings, numbers ≈ digits/2 + 1, …). */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  const [type, raw] = Object.entries(value)[0] ?? ["NULL", true];
  switch (type) {
    case "S":
      return Buffer.byteLength(String(raw));
    case "N":
      return Math.ceil(String(raw).replace(/^-|\.|^0+/g, "").length / 2) + 1;
    case "B":
      return Buffer.from(String(raw), "base64").length;
    case "BOOL":
    case "NULL":
      return 1;
    case "SS":
    case "NS":
    case "BS":
      return (raw as unknown[]).reduce<number>((sum, v) => sum + valueSize({ [type.slice(0, 1)]: v }), 0);
    case "L":
      return 3 + (raw as AttributeValue[]).reduce<number>((sum, v) => sum + 1 + valueSize(v), 0);
    case "M":
      return 3 + Object.entries(raw as Item).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueSize(v), 0);
    default:
      return 0;
  }
}
