import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createOutbox, type Outbox } from "../../src/outbox/create-outbox.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { createWorkspace } from "../../src/workspace/create-workspace.ts";
import { REQUIREMENTS } from "../../src/workspace/databases.ts";
import type { Workspace } from "../../src/workspace/workspace.ts";
import { captureLogs } from "../helpers/capture-logs.ts";
import { connect } from "../helpers/fake-appflowy/connect.ts";
import { startFakeAppFlowy, type FakeAppFlowy, type FakeAppFlowyOptions } from "../helpers/fake-appflowy/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function store(): Db {
  const dir = tempDir();
  const db = openStore(join(dir.path, "store.sqlite"));
  cleanups.push(() => {
    db.close();
    dir.remove();
  });
  return db;
}

async function onDouble(fakeOptions: FakeAppFlowyOptions = {}, outboxOptions: { baseDelayMs?: number; maxDelayMs?: number } = {}) {
  const fake = await startFakeAppFlowy(fakeOptions);
  const logs = captureLogs();
  const workspace = connect(fake, { logger: logs.logger });
  await workspace.ensureDatabase(REQUIREMENTS);
  const db = store();
  const outbox = createOutbox({ db, workspace, logger: logs.logger, baseDelayMs: outboxOptions.baseDelayMs ?? 20, maxDelayMs: outboxOptions.maxDelayMs ?? 200 });
  cleanups.push(async () => {
    await outbox.stop();
    await workspace.close();
    await fake.stop();
  });
  return { fake, workspace, outbox, db, logs };
}

/** An outbox over the embedded workspace (Hocuspocus and SQLite in a temp dir), started. */
async function onLocal() {
  const dir = tempDir();
  const { workspace } = await createWorkspace({ config: { kind: "local", port: 0, host: "127.0.0.1" }, dataDir: dir.path, mode: "serve", logger: silentLogger() });
  cleanups.push(async () => {
    await workspace.close();
    dir.remove();
  });
  await workspace.ensureDatabase(REQUIREMENTS);
  const outbox = createOutbox({ db: store(), workspace: workspace as Workspace, logger: silentLogger() });
  outbox.start();
  return { workspace, outbox };
}

const req = (i: number) => `FR-${String(i).padStart(4, "0")}`;

function queue(outbox: Outbox, n: number, status = "Verified"): void {
  for (let i = 0; i < n; i++) outbox.upsert("Requirements", req(i), { seed: { Title: `requirement ${i}` }, set: { Status: status, Evidence: `run ${i}` } });
}

function expectExactlyOnce(fake: FakeAppFlowy, n: number, status = "Verified"): void {
  const rows = fake.gridRows("Requirements");
  const keys = rows.map((r) => r.cells.ID);
  expect(rows).toHaveLength(n);
  expect(new Set(keys).size).toBe(n);
  for (let i = 0; i < n; i++) {
    const row = rows.find((r) => r.cells.ID === req(i));
    expect(row?.cells).toMatchObject({ Title: `requirement ${i}`, Status: status, Evidence: `run ${i}` });
  }
}

describe("createOutbox()", () => {
  it("upsert() commits before sending and coalesces writes to one row: set cells newest, seed from the first", async () => {
    const { fake, outbox } = await onDouble();
    outbox.upsert("Requirements", "FR-001", { seed: { Title: "first title", Owner: "ann" }, set: { Status: "Unverified" } });
    outbox.upsert("Requirements", "FR-001", { seed: { Title: "second title" }, set: { Evidence: "e" } });
    outbox.upsert("Requirements", "FR-001", { set: { Status: "Verified" } });
    expect(outbox.stats()).toMatchObject({ pending: 1, inFlight: 0 });
    outbox.start();
    await outbox.flush();
    const rows = fake.gridRows("Requirements");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cells).toMatchObject({ ID: "FR-001", Title: "first title", Owner: "ann", Status: "Verified", Evidence: "e" });
    expect(fake.count("PUT", /\/row$/)).toBe(1);
    expect(outbox.stats()).toMatchObject({ pending: 0, parked: 0, sent: 1 });
  });

  it("upsert() refuses a write that does not fit the database alone, keeping it and the row's other writes", async () => {
    const { fake, outbox, logs } = await onDouble();
    outbox.upsert("Requirements", "FR-001", { set: { Status: "Great" } });
    outbox.upsert("Requirements", "FR-001", { set: { Status: "Verified" } });
    outbox.start();
    await outbox.flush();
    expect(fake.gridRows("Requirements").map((r) => r.cells.Status)).toEqual(["Verified"]);
    expect(outbox.stats()).toMatchObject({ rejected: 1, parked: 0, pending: 0 });
    expect(outbox.parkedRecords()[0]!.last_error).toMatch(/Requirements\.Status/);
    expect(logs.entries.some((e) => e.msg === "record refused: it does not fit the database" && e.database === "Requirements" && e.field === "Status")).toBe(true);
  });

  it("sends every record exactly once after the workspace was down for a while", async () => {
    const { fake, outbox } = await onDouble();
    fake.setFault({ mode: "down" });
    outbox.start();
    queue(outbox, 150);
    await expect.poll(() => outbox.stats().retries, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(outbox.stats().pending).toBe(150);
    fake.clearFault();
    await outbox.flush();
    expectExactlyOnce(fake, 150);
    expect(outbox.stats()).toMatchObject({ pending: 0, parked: 0 });
  });

  it("flushWithin() answers false when the workspace does not take the records in time, true once it does", async () => {
    const { fake, outbox } = await onDouble();
    fake.setFault({ mode: "down" });
    outbox.start();
    queue(outbox, 3);
    expect(await outbox.flushWithin(100)).toBe(false);
    fake.clearFault();
    expect(await outbox.flushWithin(10_000)).toBe(true);
    expectExactlyOnce(fake, 3);
  });

  it("delivers what was queued when AppFlowy was already down at start, creating the grid once it is back", async () => {
    const fake = await startFakeAppFlowy();
    const workspace = connect(fake);
    const outbox = createOutbox({ db: store(), workspace, logger: silentLogger(), baseDelayMs: 20, maxDelayMs: 200 });
    cleanups.push(async () => {
      await outbox.stop();
      await workspace.close();
      await fake.stop();
    });
    fake.setFault({ mode: "down" });
    await expect(workspace.ensureDatabase(REQUIREMENTS)).rejects.toMatchObject({ retryable: true });
    outbox.start();
    queue(outbox, 25);
    await expect.poll(() => outbox.stats().retries, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    fake.clearFault();
    await outbox.flush();
    expectExactlyOnce(fake, 25);
  });

  it("waits out Retry-After during a 429 storm before sending again", async () => {
    const { fake, outbox } = await onDouble({}, { baseDelayMs: 10, maxDelayMs: 50 });
    fake.setFault({ mode: "429", count: 3, retryAfterS: 1 });
    outbox.start();
    queue(outbox, 20);
    await outbox.flush();
    expectExactlyOnce(fake, 20);
    const limited = fake.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    const last = limited[limited.length - 1]!;
    // Requests already on their way when the 429 came may land just after it; nothing new may start before Retry-After.
    const early = fake.requests.filter((r) => r.at > last.at + 100 && r.at < last.at + 950);
    expect(early).toEqual([]);
    expect(fake.requests.some((r) => r.at >= last.at + 950)).toBe(true);
  });

  it.each([
    { name: "a burst of 5xx", fault: { mode: "5xx" as const, count: 6 } },
    { name: "answers that are not JSON", fault: { mode: "garbage" as const, count: 4 } },
    { name: "a retryable app code (1017) on HTTP 200", fault: { mode: "code" as const, code: 1017, count: 4 } },
  ])("retries through $name and delivers everything once", async ({ fault }) => {
    const { fake, outbox } = await onDouble();
    fake.setFault(fault);
    outbox.start();
    queue(outbox, 30);
    await outbox.flush();
    expectExactlyOnce(fake, 30);
    expect(outbox.stats().retries).toBeGreaterThan(0);
  });

  it("parks a record the server refuses as too large (413), naming database and field, and sends the rest", async () => {
    const { fake, outbox, logs } = await onDouble({ maxBodyBytes: 8 * 1024 });
    outbox.upsert("Requirements", "FR-BIG", { seed: { Description: "x".repeat(20_000) }, set: { Status: "Verified" } });
    queue(outbox, 5);
    outbox.start();
    await outbox.flush();
    expect(fake.gridRows("Requirements")).toHaveLength(5);
    expect(outbox.stats()).toMatchObject({ parked: 1, pending: 0 });
    const parked = outbox.parkedRecords()[0]!;
    expect(parked.key).toBe("FR-BIG");
    expect(parked.last_error).toMatch(/Requirements\.Description: the row is too large/);
    expect(logs.entries.some((e) => e.msg?.toString().startsWith("record parked") && e.database === "Requirements" && e.field === "Description")).toBe(true);
  });

  it("parks writes to a grid whose field a person retyped, then sends them once it is changed back", async () => {
    const { fake, workspace, logs } = await onDouble();
    fake.retypeField("Requirements", "Status", "RichText");
    // A fresh adapter reads the fields anew (a running one re-reads them every poll interval).
    const fresh = connect(fake, { logger: logs.logger });
    cleanups.push(() => fresh.close());
    const db = store();
    const box = createOutbox({ db, workspace: fresh, logger: logs.logger, baseDelayMs: 20, maxDelayMs: 100 });
    cleanups.push(() => box.stop());
    box.start();
    queue(box, 3);
    await box.flush();
    expect(box.stats()).toMatchObject({ parked: 3, pending: 0 });
    expect(box.parkedRecords()[0]!.last_error).toMatch(/Requirements\.Status: is RichText in AppFlowy, the tracker needs SingleSelect/);
    expect(fake.gridRows("Requirements")).toHaveLength(0);
    fake.retypeField("Requirements", "Status", "SingleSelect");
    // The adapter remembers a broken grid for a poll interval; parked records are retried until it is fixed.
    await expect
      .poll(
        async () => {
          box.retryParked();
          await box.flush();
          return box.stats().parked;
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(0);
    expectExactlyOnce(fake, 3);
    await workspace.close();
  });

  it.each([
    { name: "wrong credentials", config: { password: "wrong" }, error: /login as bot@example\.com refused/ },
    { name: "an unknown workspace", config: { workspace: "Nope" }, error: /no workspace "Nope"/ },
  ])("parks every record on $name, drops nothing and asks the server once, not once per record", async ({ config, error }) => {
    const fake = await startFakeAppFlowy();
    const logs = captureLogs();
    const workspace = connect(fake, { logger: logs.logger, config });
    const box = createOutbox({ db: store(), workspace, logger: logs.logger, baseDelayMs: 20, maxDelayMs: 100 });
    cleanups.push(async () => {
      await box.stop();
      await workspace.close();
      await fake.stop();
    });
    box.start();
    queue(box, 20);
    await box.flush();
    expect(box.stats()).toMatchObject({ parked: 20, pending: 0, rejected: 0 });
    expect(box.parkedRecords().every((r) => error.test(r.last_error ?? ""))).toBe(true);
    expect(fake.count("POST", /^\/gotrue\/token$/)).toBe(1);
    expect(fake.count("GET", /^\/api\/workspace$/)).toBeLessThanOrEqual(1);
    expect(fake.databases.size).toBe(0);
  });

  it("works over the local (embedded) workspace too", async () => {
    const { workspace, outbox } = await onLocal();
    queue(outbox, 10);
    outbox.page({ key: "report", title: "Report", markdown: "# hi" });
    await outbox.flush();
    const rows = await workspace.readRows("Requirements");
    expect(rows.map((r) => r.key)).toEqual(Array.from({ length: 10 }, (_, i) => req(i)));
    expect((await workspace.readPages()).map((p) => p.key)).toEqual(["report"]);
    await outbox.close();
  });
});

type Op = { op: "upsert"; status: string; title?: string } | { op: "delete" };
const up = (status: string, title?: string): Op => ({ op: "upsert", status, title });
const del: Op = { op: "delete" };

function apply(outbox: Outbox, ops: Op[]): void {
  for (const o of ops) {
    if (o.op === "delete") outbox.delete("Requirements", "FR-001");
    else outbox.upsert("Requirements", "FR-001", { ...(o.title ? { seed: { Title: o.title } } : {}), set: { Status: o.status } });
  }
}

describe("createOutbox() deletes", () => {
  it.each<{ name: string; existing: boolean; ops: Op[]; expected: Record<string, unknown> | undefined; puts: number }>([
    { name: "a delete replaces a queued upsert, so nothing is created", existing: false, ops: [up("Verified", "t"), del], expected: undefined, puts: 0 },
    { name: "a delete removes a row written earlier", existing: true, ops: [del], expected: undefined, puts: 0 },
    { name: "an upsert after a queued delete leaves the row present, written anew", existing: true, ops: [del, up("Failing", "new title")], expected: { Title: "new title", Owner: "", Status: "Failing", Evidence: "" }, puts: 1 },
    { name: "upserts after a queued delete merge, seed from the first of them", existing: true, ops: [up("Degraded"), del, up("Failing", "second"), up("Verified", "third")], expected: { Title: "second", Status: "Verified" }, puts: 1 },
    { name: "a delete after delete-then-upsert wins", existing: true, ops: [del, up("Failing", "t"), del], expected: undefined, puts: 0 },
  ])("$name", async ({ existing, ops, expected, puts }) => {
    const { fake, workspace, outbox } = await onDouble();
    if (existing) await workspace.upsertRow("Requirements", "FR-001", { seed: { Title: "old", Owner: "ann" }, set: { Status: "Verified", Evidence: "old evidence" } });
    const before = fake.count("PUT", /\/row$/);
    apply(outbox, ops);
    expect(outbox.stats()).toMatchObject({ pending: 1 });
    outbox.start();
    await outbox.flush();
    const row = fake.gridRows("Requirements").find((r) => r.cells.ID === "FR-001");
    if (expected === undefined) expect(row).toBeUndefined();
    else expect(row?.cells).toMatchObject(expected);
    expect(fake.gridRows("Requirements")).toHaveLength(expected === undefined ? 0 : 1);
    expect(fake.count("PUT", /\/row$/) - before).toBe(puts);
    expect(outbox.stats()).toMatchObject({ pending: 0, parked: 0 });
  });

  it.each<{ name: string; first: Op[]; second: Op[]; present: boolean }>([
    { name: "an upsert queued while its row's delete is in flight is sent after it", first: [del], second: [up("Failing", "again")], present: true },
    { name: "a delete queued while its row's upsert is in flight is sent after it", first: [up("Failing")], second: [del], present: false },
  ])("$name", async ({ first, second, present }) => {
    const { fake, workspace, outbox } = await onDouble({ latencyMs: 40 });
    await workspace.upsertRow("Requirements", "FR-001", { seed: { Title: "old" }, set: { Status: "Verified" } });
    apply(outbox, first);
    outbox.start();
    await expect.poll(() => outbox.stats().inFlight, { timeout: 10_000, interval: 2 }).toBe(1);
    apply(outbox, second);
    await outbox.flush();
    const rows = fake.gridRows("Requirements");
    expect(rows.map((r) => r.cells.ID)).toEqual(present ? ["FR-001"] : []);
    if (present) expect(rows[0]!.cells).toMatchObject({ Title: "again", Status: "Failing" });
    expect(outbox.stats()).toMatchObject({ pending: 0, parked: 0 });
  });

  it("retries a delete through a burst of 5xx and removes the row once", async () => {
    const { fake, workspace, outbox } = await onDouble();
    await workspace.upsertRow("Requirements", "FR-001", { set: { Status: "Verified" } });
    await workspace.upsertRow("Requirements", "FR-002", { set: { Status: "Verified" } });
    fake.setFault({ mode: "5xx", count: 3 });
    outbox.delete("Requirements", "FR-001");
    outbox.start();
    await outbox.flush();
    expect(fake.gridRows("Requirements").map((r) => r.cells.ID)).toEqual(["FR-002"]);
    expect(outbox.stats()).toMatchObject({ pending: 0, parked: 0, sent: 1 });
    expect(outbox.stats().retries).toBeGreaterThan(0);
  });

  it("a delete queued before a restart is sent by the next outbox on the same store", async () => {
    const { fake, workspace, db } = await onDouble();
    await workspace.upsertRow("Requirements", "FR-001", { set: { Status: "Verified" } });
    const first = createOutbox({ db, workspace, logger: silentLogger() });
    first.delete("Requirements", "FR-001");
    await first.stop();
    const second = createOutbox({ db, workspace, logger: silentLogger() });
    cleanups.push(() => second.stop());
    second.start();
    await second.flush();
    expect(fake.gridRows("Requirements")).toEqual([]);
  });

  it("a delete in place of a parked upsert is sent, not left parked", async () => {
    const { fake, outbox } = await onDouble({ maxBodyBytes: 8 * 1024 });
    outbox.upsert("Requirements", "FR-BIG", { seed: { Description: "x".repeat(20_000) }, set: { Status: "Verified" } });
    outbox.start();
    await outbox.flush();
    expect(outbox.stats()).toMatchObject({ parked: 1 });
    outbox.delete("Requirements", "FR-BIG");
    await outbox.flush();
    expect(outbox.stats()).toMatchObject({ parked: 0, pending: 0 });
    expect(fake.gridRows("Requirements")).toEqual([]);
  });

  it("deletes over the local (embedded) workspace too", async () => {
    const { workspace, outbox } = await onLocal();
    queue(outbox, 3);
    await outbox.flush();
    outbox.delete("Requirements", req(1));
    outbox.delete("Requirements", req(2));
    outbox.upsert("Requirements", req(2), { seed: { Title: "back" }, set: { Status: "Failing" } });
    await outbox.flush();
    const rows = await workspace.readRows("Requirements");
    expect(rows.map((r) => r.key)).toEqual([req(0), req(2)]);
    expect(rows[1]!.cells).toMatchObject({ Title: "back", Status: "Failing" });
    await outbox.close();
  });
});
