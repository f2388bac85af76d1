import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AppDeps } from "../app-deps.ts";
import { sendJson, type RouteHandler } from "../http/http-server.ts";
import { GENERIC_TEMPLATES } from "../requirements/catalog.ts";
import { PRIORITIES } from "../workspace/databases.ts";
import { handleAddRequirement, type AddRequirement } from "./add-requirement-route.ts";
import { BoardAssets, type Asset } from "./board-assets.ts";
import { browserWorkspaceUrl, contentSecurityPolicy } from "./content-security-policy.ts";
import type { BoardConfig } from "./public/board-types.ts";
import { readSnapshot, type RowUrl } from "./read-snapshot.ts";
import { SeriesReader, seriesRange } from "./series.ts";
import { serveSnapshotEvents } from "./snapshot-events.ts";
import { SnapshotHub } from "./snapshot-hub.ts";

/** Team-owned Requirements fields people may edit on the board. */
export const EDITABLE_FIELDS = ["Description", "Criteria", "Owner", "Priority"] as const;

export interface BoardOptions {
  /** ws:// of the embedded workspace; absent for AppFlowy, which makes the board read-only. */
  workspaceUrl?: string;
  /** Adds a requirement from a generic template; without it the add form is hidden and the endpoint answers 501. */
  addRequirement?: AddRequirement;
  /** Links a card to its row in AppFlowy. */
  rowUrl?: RowUrl;
  /** How often the read-only board re-reads the workspace when nothing signalled a change (default 10 s). */
  snapshotRefreshMs?: number;
}

export type BoardDeps = Pick<AppDeps, "config" | "logger" | "now" | "store" | "workspace"> & BoardOptions;

export interface Board {
  handler: RouteHandler;
  /**
   * True for the page shell and its scripts and styles, which carry no data: a browser cannot send a bearer key
   * when it opens a page, so the HTTP server should let these through; the page sends the key on /board/api calls.
   */
  isPublic(url: URL): boolean;
  /** Builds the browser bundle now (about 0.1–0.2 s) instead of on the first visit; call it once the tracker is up. */
  warm(): Promise<void>;
}

const SeriesQuerySchema = z.object({
  hours: z.coerce.number({ error: "a number of hours" }).int("a whole number of hours").min(1).max(168).default(24),
  buckets: z.coerce.number({ error: "a number of buckets" }).int().min(4).max(288).default(96),
});

const ASSETS: Record<string, "board.js" | "board.css"> = { "/board/board.js": "board.js", "/board/board.css": "board.css" };

/** The board: the page at `/`, its assets under /board/, and small JSON endpoints under /board/api/. */
export function createBoard(deps: BoardDeps): Board {
  const log = deps.logger.child({ module: "board" });
  const assets = new BoardAssets();
  const services = deps.config.services.map((s) => s.name);
  const live = deps.workspace.kind === "local" && deps.workspaceUrl !== undefined;
  const workspaceToken = deps.config.workspace.kind === "local" ? deps.config.workspace.token : undefined;
  const series = new SeriesReader(deps.store);
  const snapshot = () => readSnapshot(deps.workspace, { rowUrl: deps.rowUrl, now: deps.now });
  const hub = new SnapshotHub({ workspace: deps.workspace, read: snapshot, logger: log, refreshMs: deps.snapshotRefreshMs ?? 10_000 });

  const headersFor = (req: IncomingMessage): Record<string, string> => {
    const ws = live ? browserWorkspaceUrl(deps.workspaceUrl!, req.headers.host) : undefined;
    return {
      "content-security-policy": contentSecurityPolicy(ws ? [ws] : []),
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
    };
  };

  const sendAsset = async (req: IncomingMessage, res: ServerResponse, name: "index.html" | "board.js" | "board.css"): Promise<void> => {
    let asset: Asset;
    try {
      const started = performance.now();
      asset = await assets.get(name);
      const ms = performance.now() - started;
      if (ms > 20) log.info({ asset: name, ms: Math.round(ms), bytes: asset.body.length, gzipBytes: asset.gzip.length }, "board asset built");
    } catch (err) {
      log.error({ err, asset: name }, "board asset failed to build");
      sendJson(res, 500, { error: { message: `the board's ${name} could not be built; see the tracker's log` } });
      return;
    }
    const headers: Record<string, string> = { ...headersFor(req), "content-type": asset.contentType, etag: asset.etag, "cache-control": "no-cache", vary: "accept-encoding" };
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const body = gzip ? asset.gzip : asset.body;
    res.writeHead(200, { ...headers, ...(gzip ? { "content-encoding": "gzip" } : {}), "content-length": String(body.length) });
    res.end(req.method === "HEAD" ? undefined : body);
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    for (const [k, v] of Object.entries(headersFor(req))) res.setHeader(k, v);
    res.setHeader("cache-control", "no-store");
    switch (url.pathname) {
      case "/board/api/config": {
        if (!allow(req, res, "GET")) return true;
        const body: BoardConfig = {
          mode: live ? "live" : "snapshot",
          workspaceKind: deps.workspace.kind,
          ...(live ? { workspace: { url: browserWorkspaceUrl(deps.workspaceUrl!, req.headers.host), ...(workspaceToken ? { token: workspaceToken } : {}) } } : {}),
          editableFields: live ? [...EDITABLE_FIELDS] : [],
          priorities: [...PRIORITIES],
          templates: deps.addRequirement ? [...GENERIC_TEMPLATES] : [],
          services,
          seriesHours: 24,
          seriesRefreshMs: 60_000,
        };
        sendJson(res, 200, body);
        return true;
      }
      case "/board/api/snapshot":
        if (!allow(req, res, "GET")) return true;
        sendJson(res, 200, await snapshot());
        return true;
      case "/board/api/events":
        if (!allow(req, res, "GET")) return true;
        serveSnapshotEvents(req, res, { hub, heartbeatMs: 15_000 });
        return true;
      case "/board/api/series": {
        if (!allow(req, res, "GET")) return true;
        const q = SeriesQuerySchema.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
        if (!q.success) {
          const issue = q.error.issues[0]!;
          const field = issue.path.join(".");
          sendJson(res, 400, { error: { message: `${field}: ${issue.message}`, field } });
          return true;
        }
        const now = deps.now();
        sendJson(res, 200, await series.read(seriesRange(now, q.data.hours, q.data.buckets), services, now));
        return true;
      }
      case "/board/api/requirements":
        if (!allow(req, res, "POST")) return true;
        await handleAddRequirement(req, res, { add: deps.addRequirement, services, logger: log });
        return true;
      default:
        sendJson(res, 404, { error: { message: `no board endpoint ${url.pathname}` } });
        return true;
    }
  };

  const handler: RouteHandler = async (req, res, url) => {
    const path = url.pathname;
    if (path === "/" || path === "/index.html") {
      if (!allow(req, res, "GET", "HEAD")) return true;
      // Start bundling now, so the build overlaps the browser reading the page (it is cached after the first time).
      assets.get("board.js").catch(() => undefined);
      await sendAsset(req, res, "index.html");
      return true;
    }
    const asset = ASSETS[path];
    if (asset) {
      if (!allow(req, res, "GET", "HEAD")) return true;
      await sendAsset(req, res, asset);
      return true;
    }
    if (path.startsWith("/board/api/")) return api(req, res, url);
    return false;
  };

  return {
    handler,
    isPublic: (url) => url.pathname === "/" || url.pathname === "/index.html" || url.pathname in ASSETS,
    warm: async () => {
      const started = performance.now();
      try {
        const js = await assets.get("board.js");
        log.info({ ms: Math.round(performance.now() - started), bytes: js.body.length, gzipBytes: js.gzip.length }, "board bundle built");
      } catch (err) {
        log.error({ err }, "board bundle failed to build");
      }
    },
  };
}

function allow(req: IncomingMessage, res: ServerResponse, ...methods: string[]): boolean {
  if (methods.includes(req.method ?? "GET")) return true;
  res.setHeader("allow", methods.join(", "));
  sendJson(res, 405, { error: { message: `${req.method} is not allowed here; use ${methods.join(" or ")}` } });
  return false;
}
