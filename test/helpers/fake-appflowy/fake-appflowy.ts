import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as Y from "yjs";
import { documentFromPageData } from "./document-model.ts";
import {
  TYPE_NAMES,
  addField,
  inlineRowIds,
  listFields,
  newDatabaseDoc,
  newRowDoc,
  newView,
  readCells,
  views,
  writeCells,
  type FieldInfo,
} from "./grid-model.ts";
import { databaseRoute, insertRow } from "./database-routes.ts";
import { FakeAuth } from "./fake-auth.ts";
import { preHashRowId } from "./pre-hash.ts";

export { preHashRowId };
import { AppAnswer, HttpAnswer, RawJson, type RequestLogEntry, type RowRecord, type User, type View, type Workspace } from "./fake-types.ts";

export type { RequestLogEntry };

/**
 * An AppFlowy Cloud stand-in on 127.0.0.1:0 that behaves like the public server as API.md describes it
 * (section 10 checklist): errors as HTTP 200 with a code, 401 text for a bad bearer, unknown cells dropped without
 * a word, pre_hash row ids, expiring tokens, verify on first login, the collab endpoints over real Yjs documents,
 * and a fault switch for outages, 5xx bursts, 429 storms and garbage answers.
 */

export interface FakeUser {
  email: string;
  password: string;
  /** false: GoTrue refuses the login with "Email not confirmed". */
  confirmed?: boolean;
  /** false: not a member of the shared workspace (no seat). */
  member?: boolean;
}

export interface FakeAppFlowyOptions {
  users?: FakeUser[];
  workspaceName?: string;
  /** Access token lifetime in seconds (the real default is 604800). */
  tokenTtlS?: number;
  /** `exp` leeway when checking tokens (the server allows 60 s). */
  leewayS?: number;
  /** JSON body limit (actix default 2 MiB). */
  maxBodyBytes?: number;
  /** Emulate the clear-and-reinsert of views on row creation, which loses rows created concurrently (API.md 9). */
  racyRowCreation?: boolean;
  /** How long a creation takes between reading the views and writing them back (the window for that loss). */
  creationGapMs?: number;
  /** Added to every answer, to widen windows (a kill mid-replay) without timing anything. */
  latencyMs?: number;
}

export type Fault =
  | { mode: "none" }
  | { mode: "down" }
  | { mode: "5xx"; count?: number; status?: number }
  | { mode: "429"; count?: number; retryAfterS?: number }
  | { mode: "garbage"; count?: number }
  | { mode: "code"; code: number; count?: number; match?: RegExp };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class FakeAppFlowy {
  readonly options: Required<Omit<FakeAppFlowyOptions, "users">>;
  readonly auth: FakeAuth;
  readonly workspaces = new Map<string, Workspace>();
  readonly databases = new Map<string, { doc: Y.Doc; workspaceId: string }>();
  readonly rows = new Map<string, RowRecord>();
  readonly documents = new Map<string, Y.Doc>();
  readonly requests: RequestLogEntry[] = [];
  /** Rows whose entry in the views a concurrent creation overwrote (see racyRowCreation). */
  lostRowOrders = 0;
  /** Deleted rows (taken out of the views) that a concurrent creation listed again (see racyRowCreation). */
  revivedRowOrders = 0;
  private fault: Fault = { mode: "none" };
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  /** The workspace shared with the tracker's account. */
  readonly workspaceId: string;

  constructor(options: FakeAppFlowyOptions = {}) {
    this.options = {
      workspaceName: options.workspaceName ?? "Team",
      tokenTtlS: options.tokenTtlS ?? 3600,
      leewayS: options.leewayS ?? 0,
      maxBodyBytes: options.maxBodyBytes ?? 2 * 1024 * 1024,
      racyRowCreation: options.racyRowCreation ?? true,
      latencyMs: options.latencyMs ?? 0,
      creationGapMs: options.creationGapMs ?? 2,
    };
    this.auth = new FakeAuth(this.options);
    const owner: User = { uuid: randomUUID(), email: "owner@example.com", password: "owner-password", confirmed: true, member: true, verified: true };
    this.auth.users.set(owner.email, owner);
    for (const u of options.users ?? [{ email: "bot@example.com", password: "bot-password" }]) {
      this.auth.users.set(u.email, { uuid: randomUUID(), email: u.email, password: u.password, confirmed: u.confirmed ?? true, member: u.member ?? true, verified: false });
    }
    this.workspaceId = this.createWorkspace(this.options.workspaceName, owner.uuid).id;
    const ws = this.workspaces.get(this.workspaceId)!;
    for (const u of this.auth.users.values()) if (u.member) ws.members.add(u.uuid);
  }

  /** How many times a refresh token was presented twice. */
  get refreshReuse(): number {
    return this.auth.refreshReuse;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Switches a fault on; count-limited faults switch themselves off. */
  setFault(fault: Fault): void {
    this.fault = fault;
    if (fault.mode === "down") for (const s of this.sockets) s.destroy();
  }

  clearFault(): void {
    this.fault = { mode: "none" };
  }

  // ---- helpers for tests: what a person does in the AppFlowy UI ----

  /** The database id behind the grid of this name in the shared workspace. */
  databaseIdOf(gridName: string): string {
    const ws = this.workspaces.get(this.workspaceId)!;
    const view = [...ws.views.values()].find((v) => v.layout === 1 && v.name === gridName && !v.trashed);
    if (!view?.databaseId) throw new Error(`no grid named ${gridName}`);
    return view.databaseId;
  }

  fields(gridName: string): FieldInfo[] {
    return listFields(this.databases.get(this.databaseIdOf(gridName))!.doc);
  }

  /** Rows of a grid as row/detail shows them (cells keyed by name), in view order. */
  gridRows(gridName: string): { id: string; cells: Record<string, unknown>; preHash?: string }[] {
    const dbId = this.databaseIdOf(gridName);
    const { doc } = this.databases.get(dbId)!;
    const fields = listFields(doc);
    return inlineRowIds(doc)
      .filter((id) => this.rows.has(id))
      .map((id) => ({ id, cells: readCells(this.rows.get(id)!.doc, fields), preHash: this.rows.get(id)!.preHash }));
  }

  /** Edits a cell on the row whose `keyField` cell is `key`, as a realtime UI edit (straight into the row's Yjs doc). */
  editCellAsPerson(gridName: string, keyField: string, key: string, field: string, value: unknown): void {
    const row = this.gridRows(gridName).find((r) => r.cells[keyField] === key);
    if (!row) throw new Error(`no row ${keyField}=${key} in ${gridName}`);
    const rec = this.rows.get(row.id)!;
    writeCells(rec.doc, this.fields(gridName), { [field]: value });
    rec.updatedAt = Date.now();
  }

  /** Adds a row the way the UI does: a random id, no pre_hash; returns the row id. */
  addRowAsPerson(gridName: string, cells: Record<string, unknown>): string {
    const dbId = this.databaseIdOf(gridName);
    const id = randomUUID();
    const doc = newRowDoc(id, dbId);
    writeCells(doc, this.fields(gridName), cells);
    this.rows.set(id, { doc, databaseId: dbId, updatedAt: Date.now() });
    const dbDoc = this.databases.get(dbId)!.doc;
    dbDoc.transact(() => {
      for (const v of views(dbDoc).values()) (v.get("row_orders") as Y.Array<unknown>).push([{ id, height: 30n }]);
    });
    return id;
  }

  /** Adds another view of a grid (a board, say) listing the same rows, as the UI does; returns its id. */
  addViewAsPerson(gridName: string): string {
    const dbId = this.databaseIdOf(gridName);
    const doc = this.databases.get(dbId)!.doc;
    const viewId = randomUUID();
    doc.transact(() => {
      const rows = inlineRowIds(doc).map((id) => ({ id, height: 30n }));
      views(doc).set(viewId, newView(viewId, dbId, `${gridName} board`));
      (views(doc).get(viewId)!.get("row_orders") as Y.Array<unknown>).push(rows);
    });
    return viewId;
  }

  /** The row ids each view of a grid lists, by view id. */
  viewRowIds(gridName: string): Record<string, string[]> {
    const doc = this.databases.get(this.databaseIdOf(gridName))!.doc;
    const out: Record<string, string[]> = {};
    views(doc).forEach((v, id) => (out[id] = (v.get("row_orders") as Y.Array<{ id: string }>).toArray().map((o) => o.id)));
    return out;
  }

  renameField(gridName: string, from: string, to: string): void {
    const f = this.fieldMap(gridName, from);
    f.set("name", to);
  }

  /** Changes a field's type the way the UI does (the type option of the new type starts empty). */
  retypeField(gridName: string, name: string, typeName: string): void {
    const ty = TYPE_NAMES.indexOf(typeName);
    if (ty < 0) throw new Error(`unknown type ${typeName}`);
    const f = this.fieldMap(gridName, name);
    f.doc!.transact(() => {
      f.set("ty", BigInt(ty));
      const to = f.get("type_option") as Y.Map<unknown>;
      if (!to.has(String(ty))) to.set(String(ty), new Y.Map());
    });
  }

  renameGrid(from: string, to: string): void {
    const ws = this.workspaces.get(this.workspaceId)!;
    const view = [...ws.views.values()].find((v) => v.layout === 1 && v.name === from && !v.trashed);
    if (!view) throw new Error(`no grid ${from}`);
    view.name = to;
  }

  /** Pages (documents) under a view, by name. */
  pagesUnder(parentName: string): View[] {
    const ws = this.workspaces.get(this.workspaceId)!;
    const parent = [...ws.views.values()].find((v) => v.name === parentName && !v.trashed);
    return parent ? [...ws.views.values()].filter((v) => v.parent_view_id === parent.view_id && !v.trashed) : [];
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  private fieldMap(gridName: string, name: string): Y.Map<unknown> {
    const doc = this.databases.get(this.databaseIdOf(gridName))!.doc;
    const fields = (doc.getMap("data").get("database") as Y.Map<unknown>).get("fields") as Y.Map<Y.Map<unknown>>;
    const f = [...fields.values()].find((m) => m.get("name") === name);
    if (!f) throw new Error(`no field ${name} in ${gridName}`);
    return f;
  }

  // ---- the server ----

  private createWorkspace(name: string, owner: string): Workspace {
    const id = randomUUID();
    const now = new Date().toISOString();
    const ws: Workspace = { id, name, storageId: randomUUID(), owner, members: new Set([owner]), views: new Map() };
    ws.views.set(id, { view_id: id, parent_view_id: null, name: "Workspace", layout: 0, is_space: false, extra: null, created_at: now, last_edited_time: now, trashed: false });
    const space = randomUUID();
    ws.views.set(space, { view_id: space, parent_view_id: id, name: "General", layout: 0, is_space: true, extra: JSON.stringify({ is_space: true }), created_at: now, last_edited_time: now, trashed: false });
    this.workspaces.set(id, ws);
    return ws;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const entry: RequestLogEntry = { at: Date.now(), method: req.method ?? "GET", path: url.pathname, status: 200 };
    const fault = this.takeFault(url.pathname);
    if (fault?.mode === "down") {
      req.socket.destroy();
      return;
    }
    if (this.options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    try {
      if (fault?.mode === "5xx") throw new HttpAnswer(fault.status ?? 502, "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>", { "content-type": "text/html" });
      if (fault?.mode === "429") throw new HttpAnswer(429, "Too Many Requests", { "retry-after": String(fault.retryAfterS ?? 1) });
      const body = await this.readBody(req);
      if (fault?.mode === "garbage") throw new HttpAnswer(200, "<!doctype html><html><body>AppFlowy</body></html>", { "content-type": "text/html" });
      if (fault?.mode === "code") throw new AppAnswer(fault.code, "Failed to receive apply update within timeout");
      const data = await this.route(req.method ?? "GET", url, body, req.headers.authorization);
      if (data instanceof RawJson) return this.reply(res, entry, 200, JSON.stringify(data.value));
      this.reply(res, entry, 200, JSON.stringify(data === undefined ? { code: 0, message: "Operation completed successfully." } : { code: 0, message: "Operation completed successfully.", data }));
    } catch (err) {
      if (err instanceof AppAnswer) {
        entry.code = err.code;
        this.reply(res, entry, 200, JSON.stringify({ code: err.code, message: err.msg }));
      } else if (err instanceof HttpAnswer) {
        this.reply(res, entry, err.status, err.text, err.headers);
      } else {
        this.reply(res, entry, 500, `internal: ${(err as Error).message}`);
      }
    }
  }

  private reply(res: ServerResponse, entry: RequestLogEntry, status: number, text: string, headers: Record<string, string> = {}): void {
    entry.status = status;
    this.requests.push(entry);
    const json = text.startsWith("{") || text.startsWith("[");
    res.writeHead(status, { "content-type": json ? "application/json" : "text/plain", ...headers });
    res.end(text);
  }

  private takeFault(path: string): Fault | undefined {
    const f = this.fault;
    if (f.mode === "none") return undefined;
    if (f.mode === "code" && f.match && !f.match.test(path)) return undefined;
    if (f.mode !== "down" && f.count !== undefined) {
      if (f.count <= 0) return undefined;
      f.count--;
      if (f.count === 0) this.fault = { mode: "none" };
    }
    return f;
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      chunks.push(c as Buffer);
    }
    if (size > this.options.maxBodyBytes) throw new HttpAnswer(413, `JSON payload (${size} bytes) is larger than allowed (limit: ${this.options.maxBodyBytes} bytes).`);
    if (size === 0) return undefined;
    if (!String(req.headers["content-type"] ?? "").includes("application/json")) throw new HttpAnswer(400, "Content type error");
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (err) {
      throw new HttpAnswer(400, `Json deserialize error: ${(err as Error).message}`);
    }
  }

  private member(user: User, wsId: string): Workspace {
    const ws = this.workspaces.get(wsId);
    if (!ws || !ws.members.has(user.uuid)) throw new AppAnswer(1012, "User does not have permissions to execute this action");
    return ws;
  }

  // ---- routes ----

  private async route(method: string, url: URL, body: unknown, authorization: string | undefined): Promise<unknown> {
    const p = url.pathname.replace(/\/+$/, "");
    const seg = p.split("/").slice(1);
    const key = `${method} ${p}`;
    if (key === "POST /gotrue/token") return this.auth.token(url, body);
    if (key === "GET /gotrue/health") return new RawJson({ version: "fake", name: "GoTrue" });
    if (method === "GET" && seg[0] === "api" && seg[1] === "user" && seg[2] === "verify" && seg[3]) {
      const user = this.auth.decode(decodeURIComponent(seg[3]));
      const isNew = !user.verified;
      if (isNew) {
        user.verified = true;
        this.createWorkspace("My Workspace", user.uuid);
      }
      return { is_new: isNew };
    }
    if (seg[0] !== "api") throw new HttpAnswer(404, "Not Found");
    const user = this.auth.authenticate(authorization);
    if (key === "GET /api/workspace") {
      return [...this.workspaces.values()]
        .filter((w) => w.members.has(user.uuid))
        .map((w) => ({ workspace_id: w.id, database_storage_id: w.storageId, owner_uid: 1, owner_name: "Owner", workspace_type: 0, workspace_name: w.name, created_at: new Date().toISOString(), icon: "", member_count: null, role: w.owner === user.uuid ? "Owner" : "Member" }));
    }
    const v1 = seg[2] === "v1";
    const wsId = v1 ? seg[3] : seg[2];
    if (seg[1] !== "workspace" || !wsId) throw new HttpAnswer(404, "Not Found");
    for (const s of seg.slice(2)) if (/^[0-9a-f-]{30,}$/i.test(s) && !UUID.test(s)) throw new HttpAnswer(404, "Not Found");
    if (!UUID.test(wsId)) throw new HttpAnswer(404, "Not Found");
    const ws = this.member(user, wsId);
    const rest = seg.slice(v1 ? 4 : 3);
    if (v1 && rest[0] === "collab" && rest[1]) return this.collab(method, ws, rest[1], rest[2], url, body);
    switch (rest[0]) {
      case "folder":
        return this.folder(ws, url);
      case "page-view":
        return this.pageView(method, ws, rest, body);
      case "database":
        return databaseRoute(this, method, ws, rest, url, body);
      default:
        throw new HttpAnswer(404, "Not Found");
    }
  }

  private folderView(ws: Workspace, v: View, depth: number): Record<string, unknown> {
    const children = depth <= 0 ? [] : [...ws.views.values()].filter((c) => c.parent_view_id === v.view_id && !c.trashed).map((c) => this.folderView(ws, c, depth - 1));
    return {
      view_id: v.view_id,
      parent_view_id: v.parent_view_id,
      prev_view_id: null,
      name: v.name,
      icon: null,
      is_space: v.is_space,
      is_private: false,
      is_published: false,
      is_favorite: false,
      layout: v.layout,
      created_at: v.created_at,
      created_by: 1,
      last_edited_by: 1,
      last_edited_time: v.last_edited_time,
      is_locked: null,
      extra: v.extra === null ? null : JSON.parse(v.extra),
      children,
    };
  }

  private folder(ws: Workspace, url: URL): unknown {
    const depth = Number(url.searchParams.get("depth") ?? 1);
    if (!Number.isInteger(depth)) throw new HttpAnswer(400, "Query deserialize error: invalid digit found in string");
    if (depth > 10) throw new AppAnswer(1008, `Invalid request:Depth ${depth} is too large (limit: 10)`);
    const root = ws.views.get(url.searchParams.get("root_view_id") ?? ws.id);
    if (!root || root.trashed) throw new AppAnswer(1040, "Invalid folder view");
    return this.folderView(ws, root, depth);
  }

  private async pageView(method: string, ws: Workspace, rest: string[], body: unknown): Promise<unknown> {
    const b = (body ?? {}) as Record<string, unknown>;
    const now = new Date().toISOString();
    if (method === "POST" && rest.length === 1) {
      const layout = b.layout;
      if (typeof layout !== "number" || !Number.isInteger(layout) || layout < 0 || layout > 4) throw new HttpAnswer(400, "Json deserialize error: unknown variant for layout");
      if (typeof b.parent_view_id !== "string") throw new HttpAnswer(400, "Json deserialize error: missing field `parent_view_id`");
      const name = typeof b.name === "string" ? b.name : "Untitled";
      if (layout === 1) {
        const viewId = randomUUID();
        const dbId = randomUUID();
        const doc = newDatabaseDoc(dbId, viewId, name);
        addField(doc, "Name", 0, {}, true);
        addField(doc, "Type", 3, {});
        addField(doc, "Done", 5, {});
        this.databases.set(dbId, { doc, workspaceId: ws.id });
        ws.views.set(viewId, { view_id: viewId, parent_view_id: b.parent_view_id, name, layout: 1, is_space: false, extra: null, created_at: now, last_edited_time: now, trashed: false, databaseId: dbId });
        for (let i = 0; i < 3; i++) await insertRow(this, dbId, randomUUID(), {});
        return { view_id: viewId };
      }
      if (layout !== 0) throw new AppAnswer(1067, "Feature not available in the double");
      const viewId = typeof b.view_id === "string" ? b.view_id : randomUUID();
      if (!UUID.test(viewId)) throw new HttpAnswer(400, "Json deserialize error: UUID parsing failed");
      if (ws.views.has(viewId)) throw new AppAnswer(-3, "Record already exists: view");
      const doc = documentFromPageData(b.page_data ?? undefined);
      if (!doc) throw new AppAnswer(1062, "Invalid page data");
      this.documents.set(viewId, doc);
      ws.views.set(viewId, { view_id: viewId, parent_view_id: b.parent_view_id, name, layout: 0, is_space: false, extra: null, created_at: now, last_edited_time: now, trashed: false });
      return { view_id: viewId };
    }
    const view = ws.views.get(rest[1] ?? "");
    if (!view) throw new AppAnswer(-2, "Record not found:view");
    if (method === "POST" && rest[2] === "update-name") {
      view.name = String(b.name ?? "");
      view.last_edited_time = now;
      return undefined;
    }
    if (method === "POST" && rest[2] === "update-extra") {
      if (typeof b.extra !== "string") throw new HttpAnswer(400, "Json deserialize error: invalid type: expected a string");
      try {
        JSON.parse(b.extra);
      } catch {
        throw new AppAnswer(1008, "Invalid request:extra is not JSON");
      }
      view.extra = b.extra;
      view.last_edited_time = now;
      return undefined;
    }
    if (method === "POST" && rest[2] === "move-to-trash") {
      view.trashed = true;
      return undefined;
    }
    throw new HttpAnswer(404, "Not Found");
  }

  private collab(method: string, ws: Workspace, oid: string, action: string | undefined, url: URL, body: unknown): unknown {
    if (!UUID.test(oid)) throw new HttpAnswer(404, "Not Found");
    const find = (type: number): Y.Doc | undefined => {
      if (type === 1) return this.databases.get(oid)?.workspaceId === ws.id ? this.databases.get(oid)!.doc : undefined;
      if (type === 4) return this.rows.has(oid) && this.databases.get(this.rows.get(oid)!.databaseId)?.workspaceId === ws.id ? this.rows.get(oid)!.doc : undefined;
      if (type === 0) return ws.views.has(oid) ? this.documents.get(oid) : undefined;
      return undefined;
    };
    if (method === "GET" && (action === undefined || action === "json")) {
      const t = url.searchParams.get("collab_type");
      if (t === null || !/^\d$/.test(t)) throw new HttpAnswer(400, "Query deserialize error: missing field `collab_type`");
      const doc = find(Number(t));
      if (!doc) throw new AppAnswer(-2, `Record not found:collab ${oid}`);
      if (action === "json") return { collab: doc.getMap("data").toJSON() };
      return { state_vector: [...Y.encodeStateVector(doc)], doc_state: [...Y.encodeStateAsUpdate(doc)], version: 0, object_id: oid };
    }
    if (method === "POST" && action === "web-update") {
      const b = (body ?? {}) as { doc_state?: unknown; collab_type?: unknown };
      if (!Array.isArray(b.doc_state) || typeof b.collab_type !== "number") throw new HttpAnswer(400, "Json deserialize error: missing field `doc_state`");
      const doc = find(b.collab_type);
      if (!doc) throw new AppAnswer(-2, `Record not found:collab ${oid}`);
      try {
        Y.applyUpdate(doc, new Uint8Array(b.doc_state as number[]));
      } catch (err) {
        throw new AppAnswer(1056, `Apply update error: ${(err as Error).message}`);
      }
      if (b.collab_type === 4) this.rows.get(oid)!.updatedAt = Date.now();
      return undefined;
    }
    throw new HttpAnswer(404, "Not Found");
  }
}

export async function startFakeAppFlowy(options: FakeAppFlowyOptions = {}): Promise<FakeAppFlowy> {
  return new FakeAppFlowy(options).start();
}
