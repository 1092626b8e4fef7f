import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildAnchorDeps } from "../src/adapters/anchor/compose.js";
import { ENV } from "../src/config/env-names.js";
import { makeVerifyAudit } from "../src/use-cases/verify-audit.js";

const HELP = `Usage: npm run audit -- <command> [options]

Commands
  verify        Check every case in the table against the signed audit anchors: edits (even with
                recomputed hashes), deleted events, truncation and deleted cases, up to the last anchor.
                Exit code 0 when everything verifies, 1 when something does not, 2 on a usage error.
  public-key    Print the anchor key's public half (PEM), for third parties who verify anchors.

Local runtime (default)
  --data-dir <dir>        the runtime's data dir (default: $VIGIL_DATA_DIR or .vigil). The table is read
                          from the running runtime, or opened directly when it is stopped.

AWS (the provider's credentials, read-only: dynamodb Query/GetItem, s3 List/GetObject, kms GetPublicKey)
  --table <name>          the Vigil table          (or $${ENV.tableName})
  --bucket <name>         the anchor bucket        (or $${ENV.anchorBucket})
  --key-id <arn>          the anchor KMS key       (or $${ENV.anchorKeyId})

Options
  --public-key <file>     verify with this PEM instead of asking the key store (a key obtained out of band)
  --all                   list every case, not only those with findings
  --json                  print the full report as JSON
  -h, --help              this text
`;

const ROOT = fileURLToPath(new URL("..", import.meta.url));

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "data-dir": { type: "string" },
      table: { type: "string" },
      bucket: { type: "string" },
      "key-id": { type: "string" },
      "public-key": { type: "string" },
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (command !== "verify" && command !== "public-key") {
    process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
    return 2;
  }

  const env: Record<string, string | undefined> = { ...process.env };
  const table = values.table ?? env[ENV.tableName];
  let stopLocalTable: (() => Promise<void>) | undefined;
  if (table && (values.bucket ?? env[ENV.anchorBucket]) && (values["key-id"] ?? env[ENV.anchorKeyId])) {
    env[ENV.tableName] = table;
    env[ENV.anchorBucket] = values.bucket ?? env[ENV.anchorBucket];
    env[ENV.anchorKeyId] = values["key-id"] ?? env[ENV.anchorKeyId];
  } else {
    const dataDir = resolve(values["data-dir"] ?? env.VIGIL_DATA_DIR ?? join(ROOT, ".vigil"));
    env[ENV.tableName] = "vigil";
    env[ENV.anchorDir] = join(dataDir, "audit");
    delete env[ENV.anchorBucket];
    delete env[ENV.anchorKeyId];
    // dynalite accepts any credentials; the SDK still wants some.
    process.env.AWS_ACCESS_KEY_ID ??= "local";
    process.env.AWS_SECRET_ACCESS_KEY ??= "local";
    if (command === "verify") stopLocalTable = await localTable(dataDir);
  }

  try {
    const deps = buildAnchorDeps(env);
    const pemFile = values["public-key"];
    const publicKey = pemFile ? { publicKeyPem: async () => readFileSync(pemFile, "utf8") } : deps.publicKey;
    if (command === "public-key") {
      process.stdout.write(await publicKey.publicKeyPem());
      return 0;
    }
    const report = await makeVerifyAudit({ ...deps, publicKey })({ includeOk: values.all });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const last = report.anchors.last;
      const out = [
        `anchors: ${report.anchors.count}${last ? `, last #${last.anchorSeq} at ${last.at}` : ""} — ${report.anchors.valid ? "valid" : "INVALID"}`,
        ...report.anchors.findings.map((f) => `  anchor ${f.anchorSeq}: ${f.kind}: ${f.detail}`),
        `cases: ${report.summary.cases} checked, ${report.summary.ok} ok, ${report.summary.tampered} tampered, ${report.summary.neverAnchored} not anchored yet, ${report.summary.unanchoredEvents} event(s) newer than the last anchor`,
        ...report.cases.map((c) =>
          [
            `  ${c.caseId}: ${c.status} (anchored to ${c.anchoredSeq ?? "-"}, head ${c.headSeq ?? "gone"})`,
            ...c.findings.map((f) => `    ${f.kind}: ${f.detail}`),
          ].join("\n"),
        ),
        report.valid ? "VERIFIED" : "TAMPERING DETECTED",
      ];
      process.stdout.write(`${out.join("\n")}\n`);
    }
    return report.valid ? 0 : 1;
  } finally {
    await stopLocalTable?.();
  }
}

/**
 * Points the SDK at the local table: the running runtime's dynalite (its endpoint is in the data dir), or,
 * when the runtime is stopped, a dynalite of our own on the same files (LevelDB allows one opener).
 */
async function localTable(dataDir: string): Promise<() => Promise<void>> {
  try {
    const { dynamodb } = JSON.parse(readFileSync(join(dataDir, "local-endpoints.json"), "utf8")) as {
      dynamodb: string;
    };
    const reachable = await fetch(dynamodb, { method: "POST" }).then(
      () => true,
      () => false,
    );
    if (reachable) {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb;
      return async () => undefined;
    }
  } catch {
    // No runtime has run here, or it is stopped: open the files ourselves.
  }
  const { default: dynalite } = await import("dynalite");
  const server = dynalite({ path: join(dataDir, "dynamodb") }) as unknown as Server;
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return () => new Promise<void>((done) => server.close(() => done()));
}

process.env.AWS_REGION ??= "eu-west-1";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`audit: ${(error as Error).name}: ${(error as Error).message}\n`);
  return 2;
});
