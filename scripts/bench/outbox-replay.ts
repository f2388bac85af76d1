// Replay of the durable outbox after an AppFlowy outage: queue N records while the AppFlowy Cloud double is down,
// bring it back, and measure how fast the outbox empties into it; then check the double holds exactly one row per
// queued record. Usage: node --import tsx scripts/bench/outbox-replay.ts [records=12000] [concurrency=8]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOutbox } from "../../src/outbox/create-outbox.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { openStore } from "../../src/store/open-store.ts";
import { BENCHMARKS, EVIDENCE, HEALTH } from "../../src/workspace/databases.ts";
import { connect } from "../../test/helpers/fake-appflowy/connect.ts";
import { startFakeAppFlowy } from "../../test/helpers/fake-appflowy/index.ts";

const RECORDS = Number(process.argv[2] ?? 12_000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const GRIDS = [HEALTH, BENCHMARKS, EVIDENCE];
const T0 = Date.parse("2026-11-25T00:00:00Z");

function record(i: number): { database: string; key: string; set: Record<string, string | number> } {
  const spec = GRIDS[i % GRIDS.length]!;
  const n = Math.floor(i / GRIDS.length);
  const at = new Date(T0 + n * 300_000).toISOString();
  if (spec === HEALTH) return { database: spec.name, key: `ollama@${at}`, set: { Key: `ollama@${at}`, Service: "ollama", Window: at, Checks: 10, Failures: n % 3, "Availability %": 100 - (n % 3) * 10, "Latency p50 ms": 12 + (n % 7), "Latency p95 ms": 40 + (n % 11), "Worst detail": "" } };
  if (spec === BENCHMARKS) return { database: spec.name, key: `run-${n}/tokens_per_s`, set: { Key: `run-${n}/tokens_per_s`, Service: "mlx", Model: "Llama-3.2-3B-Instruct-4bit", Metric: "tokens_per_s", Value: 40 + (n % 13), Unit: "tok/s", Time: at, Conditions: "64 tokens" } };
  return { database: spec.name, key: `FR-001/${n}/${at}`, set: { Key: `FR-001/${n}/${at}`, Requirement: "FR-001", Criterion: "router.overhead.p95 < 2ms over 1h", Measured: `${(n % 20) / 10}ms`, Threshold: "2ms", Result: n % 20 < 20 ? "pass" : "fail", Source: "router", Time: at } };
}

const dir = mkdtempSync(join(tmpdir(), "outbox-replay-"));
const fake = await startFakeAppFlowy();
const workspace = connect(fake, { updateConcurrency: CONCURRENCY });
const db = openStore(join(dir, "store.sqlite"));
try {
  for (const spec of GRIDS) await workspace.ensureDatabase(spec);
  const outbox = createOutbox({ db, workspace, logger: silentLogger(), concurrency: CONCURRENCY, baseDelayMs: 100, maxDelayMs: 1000 });
  fake.setFault({ mode: "down" });
  outbox.start();

  const queueStart = performance.now();
  for (let i = 0; i < RECORDS; i++) {
    const r = record(i);
    outbox.upsert(r.database, r.key, { set: r.set });
  }
  const queueMs = performance.now() - queueStart;
  while (outbox.stats().retries < 3) await new Promise((r) => setTimeout(r, 50));
  const during = outbox.stats();

  const requestsBefore = fake.requests.length;
  fake.clearFault();
  const back = performance.now();
  let firstRowMs: number | undefined;
  const watchFirst = setInterval(() => {
    if (firstRowMs === undefined && outbox.stats().sent > 0) firstRowMs = performance.now() - back;
  }, 5);
  await outbox.flush();
  clearInterval(watchFirst);
  const replayMs = performance.now() - back;
  const after = outbox.stats();

  const counts = GRIDS.map((g) => ({ name: g.name, rows: fake.gridRows(g.name).length, keys: new Set(fake.gridRows(g.name).map((r) => r.cells.Key)).size }));
  const total = counts.reduce((s, c) => s + c.rows, 0);
  const distinct = counts.reduce((s, c) => s + c.keys, 0);
  const put = fake.requests.slice(requestsBefore).filter((r) => r.method === "PUT").length;

  console.log(`outbox replay: ${RECORDS} records queued while AppFlowy (double) was down, concurrency ${CONCURRENCY}`);
  console.log(`  queue:   ${queueMs.toFixed(0)} ms to commit ${RECORDS} records (${Math.round(RECORDS / (queueMs / 1000))} records/s); during the outage: ${during.pending} pending, ${during.retries} retries`);
  console.log(`  replay:  ${(replayMs / 1000).toFixed(2)} s from the double coming back (first row after ${firstRowMs?.toFixed(0) ?? "?"} ms): ${Math.round(RECORDS / (replayMs / 1000))} rows/s`);
  console.log(`  double:  ${total} rows (${distinct} distinct keys) for ${RECORDS} queued: ${counts.map((c) => `${c.name} ${c.rows}`).join(", ")}`);
  console.log(`  requests: ${put} PUT row after recovery, ${fake.lostRowOrders} rows lost from views by concurrent creation`);
  console.log(`  outbox after: pending ${after.pending}, parked ${after.parked}, rejected ${after.rejected}, sent ${after.sent}`);
  console.log(total === RECORDS && distinct === RECORDS && after.pending === 0 && after.parked === 0 ? "  check:   OK, exact row count" : "  check:   MISMATCH");
  await outbox.stop();
  process.exitCode = total === RECORDS && distinct === RECORDS ? 0 : 1;
} finally {
  await workspace.close();
  await fake.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
