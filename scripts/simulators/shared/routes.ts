import type { ServerResponse } from "node:http";
import type { SimContext, SimRequest } from "./types.ts";

export type RouteHandler = (req: SimRequest, res: ServerResponse, ctx: SimContext, params: string[]) => Promise<void> | void;

/** One route: GET routes also answer HEAD, as the real servers do. A RegExp path passes its groups as params. */
export interface Route {
  method: string;
  path: string | RegExp;
  handler: RouteHandler;
}

export function findRoute(routes: readonly Route[], method: string, path: string): { handler: RouteHandler; params: string[] } | undefined {
  for (const route of routes) {
    const methodOk = route.method === method || (route.method === "GET" && method === "HEAD");
    if (!methodOk) continue;
    if (typeof route.path === "string") {
      if (route.path === path) return { handler: route.handler, params: [] };
      continue;
    }
    const m = route.path.exec(path);
    if (m) return { handler: route.handler, params: m.slice(1).map((p) => decodeURIComponent(p ?? "")) };
  }
  return undefined;
}
