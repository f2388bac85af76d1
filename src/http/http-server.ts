import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import { TrackerError } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";

/** One concern's routes: returns true when it answered the request, false to let the next handler try. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface HttpServerOptions {
  host: string;
  port: number;
  /** When set, every request except /healthz must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Paths that carry no data (the board's page and assets) and so need no key: a browser cannot send one to open a page. */
  isPublic?: (url: URL) => boolean;
  handlers: RouteHandler[];
  logger: Logger;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** The tracker's one HTTP server (router, pipelines, board, /metrics, /healthz): plain node:http, no framework in the hot path. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = options.logger.child({ module: "http" });
  const expected = options.apiKey ? Buffer.from(`Bearer ${options.apiKey}`) : undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://tracker.local");
    if (expected && url.pathname !== "/healthz" && !options.isPublic?.(url) && !authorised(req.headers.authorization, expected)) {
      sendJson(res, 401, { error: { message: "missing or wrong bearer key", type: "authentication_error", code: "unauthorized" } });
      return;
    }
    void dispatch(options.handlers, req, res, url).catch((err) => {
      log.error({ err, path: url.pathname }, "handler failed");
      if (!res.headersSent) sendJson(res, 500, { error: { message: "internal error", type: "server_error" } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") {
        reject(new TrackerError("PORT_IN_USE", `http port ${options.host}:${options.port} is already in use; stop what holds it or set http.listen`, { cause: err, exitCode: 2 }));
      } else reject(err);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function dispatch(handlers: RouteHandler[], req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  for (const h of handlers) {
    if (await h(req, res, url)) return;
  }
  sendJson(res, 404, { error: { message: `no route for ${req.method} ${url.pathname}`, type: "not_found_error" } });
}

function authorised(header: string | undefined, expected: Buffer): boolean {
  if (!header) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const JSON_TYPE = "application/json; charset=utf-8";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** For a body already serialised (the router's dialect encoders write their own JSON). */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
