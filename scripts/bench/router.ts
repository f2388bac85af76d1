// Router overhead bench (issue 5): non-streamed chat against nginx answering a fixed completion, so the backend
// is not the bottleneck. Three paths to the same responder: straight to it, through nginx as a plain keep-alive
// reverse proxy, and through the router. Measures
//   1. requests/s at full load (wrk, one thread, 64 connections),
//   2. latency at a fixed 1,000 req/s (a paced open-loop generator in its own process), and the latency each
//      proxy adds over the direct path at p50 and p99,
//   3. for streaming, the time to first byte each proxy adds (paced, 200 req/s),
// each in several rounds, interleaved, reporting the median round. Also prints the router's own overhead as its
// run records measure it (what the evidence engine reads).
// Needs nginx and wrk (apt-get install -y nginx wrk). Usage: node --import tsx scripts/bench/router.ts [rounds] [--json]
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startNginx, waitForPort } from "./router-nginx.ts";

const run = promisify(execFile);
const ROUNDS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
const JSON_OUT = process.argv.includes("--json");
const ROOT = join(import.meta.dirname, "../..");
const CHAT = JSON.stringify({ model: "bench", messages: [{ role: "user", content: "Say hello in one short sentence." }] });
const STREAM = JSON.stringify({ model: "bench-sse", stream: true, messages: [{ role: "user", content: "Say hello in one short sentence." }] });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor((v.length - 1) / 2)]!;
}

/** Starts a bench server script in its own process; it prints "listening <port>" when ready. */
async function startChild(script: string, args: string[]): Promise<{ port: number; child: ChildProcess; stop(): Promise<string> }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/bench", script), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${out}`)), 30_000);
    child.stdout!.on("data", () => {
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
  });
  return {
    port,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(out);
        child.once("exit", () => resolve(out));
        child.kill("SIGTERM");
      }),
  };
}

function startRouter(dir: string, jsonPort: number, ssePort: number) {
  const config = join(dir, "router.yaml");
  writeFileSync(
    config,
    `dataDir: ${JSON.stringify(join(dir, "data"))}
log: { level: warn }
services:
  - { name: bench, kind: openai-compatible, url: "http://127.0.0.1:${jsonPort}", models: [bench] }
  - { name: bench-sse, kind: openai-compatible, url: "http://127.0.0.1:${ssePort}", models: [bench-sse] }
`,
  );
  return startChild("router-server.ts", [config]);
}

async function wrk(url: string, luaFile: string, seconds: number): Promise<{ rps: number; p50: number; p99: number }> {
  const { stdout } = await run("wrk", ["-t1", "-c64", `-d${seconds}s`, "--latency", "-s", luaFile, url], { maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(stdout);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === "us" ? 1 : m[2] === "ms" ? 1000 : 1e6);
  };
  return { rps, p50: pct("50"), p99: pct("99") };
}

interface Paced {
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  achievedRate: number;
  measured: number;
}

async function paced(url: string, rate: number, seconds: number, body: string, ttfb: boolean): Promise<Paced> {
  const args = ["--import", "tsx", join(ROOT, "scripts/bench/router-paced.ts"), url, String(rate), String(seconds), body];
  if (ttfb) args.push("--ttfb");
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim()) as Paced;
}

const dir = mkdtempSync(join(tmpdir(), "ai-tracker-router-bench-"));
const ports = { json: await freePort(), sse: await freePort(), proxyJson: await freePort(), proxySse: await freePort() };
const lua = join(dir, "post.lua");
writeFileSync(lua, `wrk.method = "POST"\nwrk.body = '${CHAT}'\nwrk.headers["Content-Type"] = "application/json"\n`);
const streamLua = join(dir, "post-stream.lua");
writeFileSync(streamLua, `wrk.method = "POST"\nwrk.body = '${STREAM}'\nwrk.headers["Content-Type"] = "application/json"\n`);
const nginx = await startNginx(dir, ports);
const router = await startRouter(dir, ports.json, ports.sse);
const nodeProxy = await startChild("router-node-proxy.ts", [String(ports.json)]);
await waitForPort(router.port);
const paths = {
  direct: `http://127.0.0.1:${ports.json}/v1/chat/completions`,
  nginx: `http://127.0.0.1:${ports.proxyJson}/v1/chat/completions`,
  node: `http://127.0.0.1:${nodeProxy.port}/v1/chat/completions`,
  router: `http://127.0.0.1:${router.port}/v1/chat/completions`,
};
const streamPaths = {
  direct: `http://127.0.0.1:${ports.sse}/v1/chat/completions`,
  nginx: `http://127.0.0.1:${ports.proxySse}/v1/chat/completions`,
  router: `http://127.0.0.1:${router.port}/v1/chat/completions`,
};
type Path = keyof typeof paths;
type StreamPath = keyof typeof streamPaths;
// "node" is a bare node:http proxy: what a Node hop costs here before any routing. It buffers, so it has no
// streaming figure.
const names: Path[] = ["direct", "nginx", "node", "router"];
const streamNames: StreamPath[] = ["direct", "nginx", "router"];
const log = (line: string) => {
  if (!JSON_OUT) process.stderr.write(line + "\n");
};

try {
  log(`router bench: ${ROUNDS} rounds; load ${(await run("cat", ["/proc/loadavg"])).stdout.trim()}`);
  // Warm-up: connections and, for the Node processes, optimised code on both the whole and the streamed path.
  for (const p of names) await wrk(paths[p], lua, 3);
  for (const p of streamNames) await wrk(streamPaths[p], streamLua, 3);
  const max: Record<Path, { rps: number; p50: number; p99: number }[]> = { direct: [], nginx: [], node: [], router: [] };
  const fixed: Record<Path, Paced[]> = { direct: [], nginx: [], node: [], router: [] };
  const stream: Record<StreamPath, Paced[]> = { direct: [], nginx: [], router: [] };
  for (let r = 1; r <= ROUNDS; r++) {
    for (const p of names) {
      max[p].push(await wrk(paths[p], lua, 8));
      log(`round ${r} max ${p}: ${max[p].at(-1)!.rps.toFixed(0)} req/s`);
    }
    for (const p of names) {
      fixed[p].push(await paced(paths[p], 1000, 10, CHAT, false));
      log(`round ${r} 1000 req/s ${p}: p50 ${fixed[p].at(-1)!.p50} µs, p99 ${fixed[p].at(-1)!.p99} µs`);
    }
    for (const p of streamNames) {
      stream[p].push(await paced(streamPaths[p], 200, 5, STREAM, true));
      log(`round ${r} stream ttfb ${p}: p50 ${stream[p].at(-1)!.p50} µs`);
    }
  }
  const summary = {
    rounds: ROUNDS,
    maxThroughput: Object.fromEntries(names.map((p) => [p, { rps: Math.round(median(max[p].map((m) => m.rps))), p50Us: median(max[p].map((m) => m.p50)), p99Us: median(max[p].map((m) => m.p99)) }])),
    at1000: Object.fromEntries(
      names.map((p) => [p, { p50Us: median(fixed[p].map((m) => m.p50)), p90Us: median(fixed[p].map((m) => m.p90)), p99Us: median(fixed[p].map((m) => m.p99)), errors: fixed[p].reduce((a, m) => a + m.errors, 0), achievedRate: median(fixed[p].map((m) => m.achievedRate)) }]),
    ),
    streamTtfb: Object.fromEntries(streamNames.map((p) => [p, { p50Us: median(stream[p].map((m) => m.p50)), p99Us: median(stream[p].map((m) => m.p99)), errors: stream[p].reduce((a, m) => a + m.errors, 0) }])),
    added: {} as Record<string, unknown>,
    routerRecords: {} as Record<string, unknown>,
  };
  const added = (p: Path) => ({
    at1000P50Ms: median(fixed[p].map((m, i) => m.p50 - fixed.direct[i]!.p50)) / 1000,
    at1000P99Ms: median(fixed[p].map((m, i) => m.p99 - fixed.direct[i]!.p99)) / 1000,
    streamTtfbP50Ms: p === "node" ? NaN : median(stream[p as StreamPath].map((m, i) => m.p50 - stream.direct[i]!.p50)) / 1000,
    streamTtfbP99Ms: p === "node" ? NaN : median(stream[p as StreamPath].map((m, i) => m.p99 - stream.direct[i]!.p99)) / 1000,
  });
  summary.added = { nginx: added("nginx"), node: added("node"), router: added("router") };
  const out = await router.stop();
  const m = /overhead p50 ([\d.]+) p99 ([\d.]+) runs (\d+)/.exec(out);
  if (m) summary.routerRecords = { runs: Number(m[3]), overheadP50Ms: Number(m[1]), overheadP99Ms: Number(m[2]) };
  if (JSON_OUT) process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  else {
    const f = (us: number) => `${(us / 1000).toFixed(3)} ms`;
    const lines = [
      "",
      `Router bench (${ROUNDS} rounds, median round; nginx, node and the router one process each; 2 cores shared with wrk/the generator)`,
      "paths: direct = nginx fixed responder; nginx = nginx reverse proxy; node = bare node:http proxy; router = ai-tracker router",
      "",
      "max throughput (wrk -t1 -c64)      req/s      p50        p99",
      ...names.map((p) => `  ${p.padEnd(32)} ${String(summary.maxThroughput[p]!.rps).padStart(7)}  ${f(summary.maxThroughput[p]!.p50Us).padStart(9)}  ${f(summary.maxThroughput[p]!.p99Us).padStart(9)}`),
      "",
      "at 1,000 req/s (paced)              p50        p90        p99      errors",
      ...names.map((p) => `  ${p.padEnd(32)} ${f(summary.at1000[p]!.p50Us).padStart(9)}  ${f(summary.at1000[p]!.p90Us).padStart(9)}  ${f(summary.at1000[p]!.p99Us).padStart(9)}  ${summary.at1000[p]!.errors}`),
      "",
      "added over direct                   p50 @1000  p99 @1000  stream TTFB p50  stream TTFB p99",
      ...(["nginx", "node", "router"] as const).map((p) => {
        const a = summary.added[p] as ReturnType<typeof added>;
        const n = (v: number, w: number) => (Number.isNaN(v) ? "-".padStart(w + 3) : `${v.toFixed(3).padStart(w)} ms`);
        return `  ${p.padEnd(32)} ${n(a.at1000P50Ms, 7)} ${n(a.at1000P99Ms, 7)} ${n(a.streamTtfbP50Ms, 12)} ${n(a.streamTtfbP99Ms, 12)}`;
      }),
      "",
      m ? `router run records: ${m[3]} runs, overhead p50 ${Number(m[1]).toFixed(3)} ms, p99 ${Number(m[2]).toFixed(3)} ms (time in the router, upstream excluded)` : "router run records: not read",
      "targets: added p50 <= 0.3 ms and p99 <= 1.5 ms at 1,000 req/s; >= 8,000 req/s; added latency within 2x nginx's",
    ];
    process.stdout.write(lines.join("\n") + "\n");
  }
} finally {
  await router.stop();
  await nodeProxy.stop();
  await nginx.stop();
  rmSync(dir, { recursive: true, force: true });
}
