import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportData, startHarness } from "./harness.js";

describe("probe", () => {
  it("probes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vigil-lk-"));
    const h = await startHarness({ dataDir });
    await fetch(`${h.url}/_local/provider-webhooks/fail`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ count: 3, status: 503 }) });
    const r2 = await h.report(reportData({ incidentType: "sim_swap" }));
    await h.advance(6);
    console.log(h.runtime.sfn.stats());
    await h.stop({ keepData: true });
    const h2 = await startHarness({ dataDir });
    console.log("restarted", h2.runtime.sfn.stats());
    for (const s of [300, 1800]) { await h2.advance(s); }
    const sink2 = await (await fetch(`${h2.url}/_local/provider-webhooks`)).json();
    console.log(JSON.stringify(sink2.deliveries.map((d: any) => [d.id, d.type, d.receivedAt, d.status, d.signatureValid])));
    const r3 = await h2.report(reportData({ incidentType: "key_compromise" }));
    console.log(r3.status, r3.body);
    await h2.stop();
    expect(1).toBe(1);
  });
});
