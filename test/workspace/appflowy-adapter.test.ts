import { afterEach, describe, expect, it } from "vitest";
import { AppFlowyError } from "../../src/workspace/appflowy-cloud/appflowy-error.ts";
import type { AppFlowyWorkspace } from "../../src/workspace/appflowy-cloud/index.ts";
import { DATABASES, REQUIREMENTS } from "../../src/workspace/databases.ts";
import type { DatabaseSpec } from "../../src/workspace/workspace.ts";
import { WorkspaceWriteError } from "../../src/workspace/workspace-error.ts";
import { connect } from "../helpers/fake-appflowy/connect.ts";
import { startFakeAppFlowy, type FakeAppFlowy, type FakeAppFlowyOptions } from "../helpers/fake-appflowy/index.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: FakeAppFlowyOptions = {}, config: NonNullable<Parameters<typeof connect>[1]>["config"] = {}): Promise<{ fake: FakeAppFlowy; ws: AppFlowyWorkspace }> {
  const fake = await startFakeAppFlowy(options);
  const ws = connect(fake, { config });
  cleanups.push(async () => {
    await ws.close();
    await fake.stop();
  });
  return { fake, ws };
}

describe("AppFlowyWorkspace", () => {
  it("ensureDatabase() builds one folder page holding a grid per database, with typed fields and select options", async () => {
    const { fake, ws } = await setup();
    for (const spec of DATABASES) await ws.ensureDatabase(spec);
    const grids = fake.pagesUnder("AI Tracker");
    expect(grids.map((g) => [g.name, g.layout])).toEqual(DATABASES.map((d) => [d.name, 1]));
    const fields = fake.fields("Requirements");
    for (const f of REQUIREMENTS.fields) expect(fields.some((x) => x.name === f.name)).toBe(true);
    const status = fields.find((f) => f.name === "Status")!;
    expect(status.ty).toBe(3);
    expect(typeof status.typeOption.content).toBe("string");
    expect((JSON.parse(String(status.typeOption.content)) as { options: { name: string }[] }).options.map((o) => o.name)).toEqual(["Verified", "Degraded", "Failing", "Unverified", "Invalid"]);
    expect(fake.gridRows("Requirements")).toEqual([]);
  });

  it("ensureDatabase() adds a select option the grid lacks through the database collab", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    const grown: DatabaseSpec = { ...REQUIREMENTS, fields: REQUIREMENTS.fields.map((f) => (f.name === "Priority" ? { ...f, options: [...f.options!, "P4"] } : f)) };
    await ws.ensureDatabase(grown);
    await ws.upsertRow("Requirements", "FR-001", { seed: { Priority: "P4" } });
    expect(fake.gridRows("Requirements")[0]!.cells.Priority).toBe("P4");
    expect(fake.count("POST", /\/web-update$/)).toBeGreaterThanOrEqual(1);
  });

  it("upsertRow() creates rows one at a time per database, so concurrent creations all stay in the grid", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    await Promise.all(Array.from({ length: 40 }, (_, i) => ws.upsertRow("Requirements", `FR-${i}`, { set: { Status: "Verified" } })));
    expect(fake.gridRows("Requirements")).toHaveLength(40);
    expect(fake.lostRowOrders).toBe(0);
  });

  it("the double loses rows created concurrently over raw REST, as the server does (the quirk serialisation avoids)", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    const token = JSON.parse(await (await fetch(`${fake.url}/gotrue/token?grant_type=password`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "bot@example.com", password: "bot-password" }) })).text()).access_token as string;
    const db = fake.databaseIdOf("Requirements");
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${fake.url}/api/workspace/${fake.workspaceId}/database/${db}/row`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ pre_hash: `raw-${i}`, cells: {} }) }),
      ),
    );
    expect(fake.lostRowOrders).toBeGreaterThan(0);
  });

  it("deleteRow() takes the row out of every view through the database collab, and its row collab stays, as on the server", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    for (const key of ["FR-1", "FR-2", "FR-3"]) await ws.upsertRow("Requirements", key, { set: { Status: "Verified" } });
    fake.addViewAsPerson("Requirements");
    const gone = fake.gridRows("Requirements").find((r) => r.cells.ID === "FR-2")!.id;
    const db = fake.databaseIdOf("Requirements");
    const updates = fake.count("POST", new RegExp(`/collab/${db}/web-update$`));
    await ws.deleteRow("Requirements", "FR-2");
    expect(fake.gridRows("Requirements").map((r) => r.cells.ID)).toEqual(["FR-1", "FR-3"]);
    const views = Object.values(fake.viewRowIds("Requirements"));
    expect(views).toHaveLength(2);
    for (const ids of views) expect(ids).not.toContain(gone);
    expect(fake.count("POST", new RegExp(`/collab/${db}/web-update$`))).toBe(updates + 1);
    expect(fake.rows.has(gone)).toBe(true);
    expect((await ws.readRows("Requirements")).map((r) => r.key)).toEqual(["FR-1", "FR-3"]);
  });

  it.each([
    { name: "a key that never had a row", key: "FR-404" },
    { name: "a key deleted already", key: "FR-1" },
  ])("deleteRow() of $name sends nothing", async ({ key }) => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    await ws.upsertRow("Requirements", "FR-1", { set: { Status: "Verified" } });
    await ws.upsertRow("Requirements", "FR-2", { set: { Status: "Verified" } });
    await ws.deleteRow("Requirements", "FR-1");
    const before = fake.requests.length;
    await ws.deleteRow("Requirements", key);
    expect(fake.requests.slice(before)).toEqual([]);
    expect(fake.gridRows("Requirements").map((r) => r.cells.ID)).toEqual(["FR-2"]);
  });

  it("deleteRow() finds every row the first writes of a fresh adapter created at the same time (the index is read once)", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    const keys = Array.from({ length: 8 }, (_, i) => `FR-${i}`);
    const fresh = connect(fake);
    cleanups.push(() => fresh.close());
    await Promise.all(keys.map((k) => fresh.upsertRow("Requirements", k, { set: { Status: "Verified" } })));
    expect(fake.gridRows("Requirements")).toHaveLength(8);
    await Promise.all(keys.map((k) => fresh.deleteRow("Requirements", k)));
    expect(fake.gridRows("Requirements")).toEqual([]);
  });

  it("deleteRow() removes a row a person added in the UI, found by its ID field", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    fake.addRowAsPerson("Requirements", { ID: "FR-006", Title: "added in the UI" });
    await ws.upsertRow("Requirements", "FR-007", { set: { Status: "Verified" } });
    await ws.deleteRow("Requirements", "FR-006");
    expect(fake.gridRows("Requirements").map((r) => r.cells.ID)).toEqual(["FR-007"]);
  });

  it("deleteRow() takes turns with row creation, so concurrent creations neither lose rows nor bring deleted ones back", async () => {
    const { fake, ws } = await setup({ creationGapMs: 5 });
    await ws.ensureDatabase(REQUIREMENTS);
    for (let i = 0; i < 10; i++) await ws.upsertRow("Requirements", `OLD-${i}`, { set: { Status: "Verified" } });
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => ws.deleteRow("Requirements", `OLD-${i}`)),
      ...Array.from({ length: 20 }, (_, i) => ws.upsertRow("Requirements", `NEW-${i}`, { set: { Status: "Verified" } })),
    ]);
    const keys = fake.gridRows("Requirements").map((r) => String(r.cells.ID));
    expect(keys.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `NEW-${i}`).sort());
    expect(fake.lostRowOrders).toBe(0);
    expect(fake.revivedRowOrders).toBe(0);
  });

  it("the double lists a deleted row again when a creation it did not wait for rewrites the views, as the server does", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    await ws.upsertRow("Requirements", "FR-1", { set: { Status: "Verified" } });
    // A wide window between the raw creation reading the views and writing them back, for the delete to land in.
    fake.options.creationGapMs = 1500;
    const token = JSON.parse(await (await fetch(`${fake.url}/gotrue/token?grant_type=password`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "bot@example.com", password: "bot-password" }) })).text()).access_token as string;
    const db = fake.databaseIdOf("Requirements");
    const rowsBefore = fake.rows.size;
    const raw = fetch(`${fake.url}/api/workspace/${fake.workspaceId}/database/${db}/row`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ pre_hash: "raw-1", cells: {} }) });
    await expect.poll(() => fake.rows.size, { timeout: 10_000, interval: 5 }).toBe(rowsBefore + 1);
    await ws.deleteRow("Requirements", "FR-1");
    await raw;
    expect(fake.revivedRowOrders).toBe(1);
    expect(fake.gridRows("Requirements").map((r) => r.cells.ID)).toContain("FR-1");
  });

  it("upsertRow() after deleteRow() lists the row again, written anew, also from an adapter that did not delete it (a restart)", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    await ws.upsertRow("Requirements", "FR-1", { seed: { Title: "first", Owner: "ann" }, set: { Status: "Verified", Evidence: "old" } });
    await ws.upsertRow("Requirements", "FR-2", { set: { Status: "Verified" } });
    await ws.deleteRow("Requirements", "FR-1");
    const restarted = connect(fake);
    cleanups.push(() => restarted.close());
    await restarted.upsertRow("Requirements", "FR-1", { seed: { Title: "second" }, set: { Status: "Failing" } });
    const rows = fake.gridRows("Requirements");
    expect(rows.map((r) => r.cells.ID)).toEqual(["FR-2", "FR-1"]);
    expect(rows[1]!.cells).toMatchObject({ Title: "second", Owner: "", Status: "Failing", Evidence: "" });
    expect(Object.values(fake.viewRowIds("Requirements"))[0]!.filter((id) => id === rows[1]!.id)).toHaveLength(1);
    await ws.upsertRow("Requirements", "FR-1", { set: { Evidence: "new" } });
    expect(fake.gridRows("Requirements").map((r) => r.cells.Evidence)).toEqual(["", "new"]);
  });

  it("keeps working across token refreshes during a long run, with one refresh in flight at a time", async () => {
    const { fake, ws } = await setup({ tokenTtlS: 2 });
    await ws.ensureDatabase(REQUIREMENTS);
    let i = 0;
    while (ws.client.counters.refreshes < 3) {
      await Promise.all([0, 1, 2, 3].map((j) => ws.upsertRow("Requirements", `FR-${i}-${j}`, { set: { Status: "Verified" } })));
      i++;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(fake.gridRows("Requirements")).toHaveLength(i * 4);
    expect(ws.client.counters.logins).toBe(1);
    expect(fake.refreshReuse).toBe(0);
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
  }, 60_000);

  it("logs in with verify on first login: before it the server answers code -2", async () => {
    const { fake, ws } = await setup();
    const login = await fetch(`${fake.url}/gotrue/token?grant_type=password`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "bot@example.com", password: "bot-password" }) });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const before = await (await fetch(`${fake.url}/api/workspace`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(before).toMatchObject({ code: -2 });
    await ws.ensureDatabase(REQUIREMENTS);
    expect(ws.client.counters.verifies).toBe(1);
  });

  it("reads back a team edit made in AppFlowy, reports it through watch(), and never overwrites it", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    await ws.upsertRow("Requirements", "FR-001", { seed: { Criteria: "availability(mlx) >= 99% over 24h", Owner: "ann" }, set: { Status: "Unverified" } });
    let changes = 0;
    const unwatch = ws.watch("Requirements", () => changes++);
    cleanups.push(unwatch);
    await new Promise((r) => setTimeout(r, 20));
    fake.editCellAsPerson("Requirements", "ID", "FR-001", "Criteria", "router.overhead.p95 < 2ms over 1h");
    await expect.poll(() => changes, { timeout: 10_000 }).toBeGreaterThan(0);
    const row = (await ws.readRows("Requirements")).find((r) => r.key === "FR-001")!;
    expect(row.cells.Criteria).toBe("router.overhead.p95 < 2ms over 1h");
    await ws.upsertRow("Requirements", "FR-001", { seed: { Criteria: "from the template" }, set: { Status: "Verified" } });
    expect(fake.gridRows("Requirements")[0]!.cells).toMatchObject({ Criteria: "router.overhead.p95 < 2ms over 1h", Owner: "ann", Status: "Verified" });
  });

  it.each([
    { name: "its ID field", cells: { ID: "FR-006", Title: "added in the UI" }, key: "FR-006" },
    { name: "only its title (the primary field)", cells: { Name: "FR-007", Title: "titled in the UI" }, key: "FR-007" },
  ])("gives a row a person added in the UI by $name its Status through the collab web-update", async ({ cells, key }) => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    const rowId = fake.addRowAsPerson("Requirements", cells);
    expect((await ws.readRows("Requirements")).map((r) => r.key)).toContain(key);
    await ws.upsertRow("Requirements", key, { seed: { Title: "template title" }, set: { Status: "Failing", Evidence: "1 of 2 criteria fail" } });
    const rows = fake.gridRows("Requirements");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(rowId);
    expect(rows[0]!.preHash).toBeUndefined();
    expect(rows[0]!.cells).toMatchObject({ Title: cells.Title, Status: "Failing", Evidence: "1 of 2 criteria fail" });
    expect(fake.count("POST", new RegExp(`/collab/${rowId}/web-update$`))).toBe(1);
  });

  it("writePage() makes a document page under the folder and replaces it by key", async () => {
    const { fake, ws } = await setup();
    await ws.writePage({ key: "incidents-2026-11-25", title: "Incidents 2026-11-25", markdown: "# Incidents\n\n- ollama down 12 min" });
    await ws.writePage({ key: "incidents-2026-11-25", title: "Incidents 2026-11-25", markdown: "# Incidents\n\n- ollama down 14 min" });
    await ws.writePage({ key: "incidents-2026-11-25", title: "Incidents 2026-11-25", markdown: "# Incidents\n\n- ollama down 14 min" });
    const docs = fake.pagesUnder("AI Tracker").filter((v) => v.layout === 0);
    expect(docs.map((d) => d.name)).toEqual(["Incidents 2026-11-25"]);
    const pages = await ws.readPages();
    expect(pages).toHaveLength(1);
    expect(pages[0]!.markdown).toBe("# Incidents\n\n- ollama down 14 min");
  });
});

describe("AppFlowyWorkspace bad input", () => {
  it.each([
    { name: "wrong password", users: [{ email: "bot@example.com", password: "other" }], config: {}, error: /login as bot@example\.com refused: Invalid login credentials/ },
    { name: "unverified e-mail", users: [{ email: "bot@example.com", password: "bot-password", confirmed: false }], config: {}, error: /Email not confirmed/ },
    { name: "account without a seat in the workspace", users: [{ email: "bot@example.com", password: "bot-password", member: false }], config: {}, error: /no workspace "Team" among those bot@example\.com belongs to \("My Workspace"/ },
    { name: "unknown workspace", users: undefined, config: { workspace: "Nope" }, error: /no workspace "Nope"/ },
  ])("ensureDatabase() fails clearly and terminally on $name", async ({ users, config, error }) => {
    const { ws } = await setup({ users }, config);
    const err = await ws.ensureDatabase(REQUIREMENTS).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(error);
    expect((err as { retryable?: boolean }).retryable ?? false).toBe(false);
  });

  it("ensureDatabase() names the database when a person renamed its grid", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    fake.renameGrid("Requirements", "Reqs");
    const fresh = connect(fake);
    cleanups.push(() => fresh.close());
    await expect(fresh.ensureDatabase(REQUIREMENTS)).rejects.toThrow(/Requirements: its grid was renamed to "Reqs"/);
  });

  it("ensureDatabase() names database and field when a person changed a field's type", async () => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    fake.retypeField("Requirements", "Last verified", "RichText");
    const err = await ws.ensureDatabase(REQUIREMENTS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkspaceWriteError);
    expect((err as Error).message).toMatch(/Requirements\.Last verified: is RichText in AppFlowy, the tracker needs DateTime/);
  });

  it("upsertRow() refuses to write a field a person renamed instead of letting the server drop it", async () => {
    const { fake } = await setup();
    const ws = connect(fake, { config: { pollInterval: "10ms" } });
    cleanups.push(() => ws.close());
    await ws.ensureDatabase(REQUIREMENTS);
    fake.renameField("Requirements", "Evidence", "Proof");
    await new Promise((r) => setTimeout(r, 20));
    await expect(ws.upsertRow("Requirements", "FR-001", { set: { Evidence: "x" } })).rejects.toThrow(/Requirements\.Evidence: no such field in the AppFlowy grid/);
  });

  it.each([
    { name: "an answer that is not JSON", fault: { mode: "garbage" as const, count: 1 }, kind: "bad-response", retryable: true, error: /not the AppFlowy JSON envelope \(text\/html\)/ },
    { name: "a 502 page", fault: { mode: "5xx" as const, count: 1 }, kind: "server", retryable: true, error: /HTTP 502/ },
    { name: "a 429", fault: { mode: "429" as const, count: 1, retryAfterS: 7 }, kind: "rate-limited", retryable: true, error: /retry after 7000 ms/ },
    { name: "code 1012 on HTTP 200", fault: { mode: "code" as const, code: 1012, count: 1 }, kind: "permission", retryable: false, error: /code 1012/ },
  ])("reads with $name fail with a typed error", async ({ fault, kind, retryable, error }) => {
    const { fake, ws } = await setup();
    await ws.ensureDatabase(REQUIREMENTS);
    fake.setFault(fault);
    const err = await ws.readRows("Requirements").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppFlowyError);
    expect(err).toMatchObject({ kind, retryable });
    expect((err as Error).message).toMatch(error);
  });
});
