import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:net";

/** The answer nginx gives to every chat: a realistic non-streamed completion (~300 bytes). */
export const FIXED_COMPLETION = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1735000000,
  model: "bench",
  choices: [{ index: 0, message: { role: "assistant", content: "The quick brown fox jumps over the lazy dog." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
});

/** A short SSE answer: role+content chunks, a finish chunk, [DONE]. */
export const FIXED_STREAM = ["The quick", " brown fox", " jumps."]
  .map((t, i) => `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "bench-sse", choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: t } : { content: t }, finish_reason: null }] })}\n\n`)
  .join("")
  .concat(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "bench-sse", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`);

export interface NginxPorts {
  /** Fixed JSON completion. */
  json: number;
  /** Fixed SSE stream. */
  sse: number;
  /** Plain reverse proxy to the JSON responder. */
  proxyJson: number;
  /** Plain reverse proxy to the SSE responder. */
  proxySse: number;
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;

function common(dir: string): string {
  return `worker_processes 1;
daemon off;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
`;
}

function httpBlock(dir: string, servers: string): string {
  return `http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
${servers}
}
`;
}

/**
 * Two nginx instances, one worker each, so each side gets one process as the router does: a fixed responder
 * (JSON and SSE) and a plain keep-alive reverse proxy in front of it.
 */
export async function startNginx(dir: string, ports: NginxPorts): Promise<{ stop(): Promise<void> }> {
  const backendDir = join(dir, "nginx-backend");
  const proxyDir = join(dir, "nginx-proxy");
  for (const d of [backendDir, proxyDir]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(backendDir, "nginx.conf"),
    common(backendDir) +
      httpBlock(
        backendDir,
        `  server {
    listen 127.0.0.1:${ports.json};
    location = /v1/models { default_type application/json; return 200 ${quote(JSON.stringify({ object: "list", data: [{ id: "bench", object: "model" }] }))}; }
    location / { default_type application/json; return 200 ${quote(FIXED_COMPLETION)}; }
  }
  server {
    listen 127.0.0.1:${ports.sse};
    location = /v1/models { default_type application/json; return 200 ${quote(JSON.stringify({ object: "list", data: [{ id: "bench-sse", object: "model" }] }))}; }
    location / { default_type text/event-stream; return 200 ${quote(FIXED_STREAM)}; }
  }`,
      ),
  );
  const proxy = (port: number, to: number, name: string) => `  upstream ${name} { server 127.0.0.1:${to}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://${name}; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }`;
  writeFileSync(join(proxyDir, "nginx.conf"), common(proxyDir) + httpBlock(proxyDir, `${proxy(ports.proxyJson, ports.json, "json_backend")}\n${proxy(ports.proxySse, ports.sse, "sse_backend")}`));
  const children: ChildProcess[] = [];
  for (const d of [backendDir, proxyDir]) {
    const child = spawn("nginx", ["-p", d, "-c", join(d, "nginx.conf")], { stdio: ["ignore", "ignore", "inherit"] });
    children.push(child);
  }
  await Promise.all(Object.values(ports).map((p) => waitForPort(p)));
  return {
    stop: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once("exit", () => resolve());
              c.kill("SIGQUIT");
            }),
        ),
      );
    },
  };
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
