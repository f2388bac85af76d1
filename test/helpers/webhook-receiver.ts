import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A webhook endpoint on 127.0.0.1:0 that records what it gets; its answer can be switched. */
export async function webhookReceiver(): Promise<{
  url: string;
  received: Received[];
  /** ok: 200; fail: 503 for the next `n` requests, then 200; hang: never answers. */
  behave(mode: "ok" | "hang" | { fail: number }): void;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let mode: "ok" | "hang" | { fail: number } = "ok";
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      if (mode === "hang") {
        hung.push(res);
        return;
      }
      if (typeof mode === "object" && mode.fail > 0) {
        mode.fail--;
        res.writeHead(503).end("busy");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    behave: (m) => void (mode = m),
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hung) r.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A URL on which nothing listens (a port that was just freed). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/hook`;
}
