// A paced (open-loop) load generator in its own process, for the router bench: sends `rate` requests per
// second for `seconds`, each on schedule whether or not earlier ones have finished, and prints one JSON line of
// latency percentiles in microseconds (to the end of the answer, or to its first byte with --ttfb).
// Usage: node --import tsx scripts/bench/router-paced.ts URL RATE SECONDS BODY_JSON [--ttfb]
import http from "node:http";
import { performance } from "node:perf_hooks";

const [url, rateText, secondsText, body, flag] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const ttfb = flag === "--ttfb";
const target = new URL(url!);
const payload = Buffer.from(body!);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const headers = { "content-type": "application/json", "content-length": payload.length };
const warmupMs = 1000;
const latencies: number[] = [];
let errors = 0;
let sent = 0;
let done = 0;

function fire(measure: boolean): void {
  const started = performance.now();
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers }, (res) => {
    let first = true;
    res.on("data", () => {
      if (first && ttfb && measure) latencies.push((performance.now() - started) * 1000);
      first = false;
    });
    res.on("end", () => {
      if (res.statusCode !== 200) errors++;
      else if (!ttfb && measure) latencies.push((performance.now() - started) * 1000);
      done++;
    });
  });
  req.on("error", () => {
    errors++;
    done++;
  });
  req.end(payload);
}

const interval = 1000 / rate;
const start = performance.now();
const total = Math.round(((warmupMs + seconds * 1000) / 1000) * rate);
await new Promise<void>((resolve) => {
  const tick = () => {
    const now = performance.now();
    // Every request whose time has come goes now: a late tick does not lower the rate.
    while (sent < total && start + sent * interval <= now) {
      fire(sent * interval >= warmupMs);
      sent++;
    }
    if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    else resolve();
  };
  tick();
});
const sendSeconds = (performance.now() - start) / 1000;
const deadline = performance.now() + 10_000;
while (done < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
latencies.sort((a, b) => a - b);
const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN);
process.stdout.write(
  JSON.stringify({ rate, seconds, measured: latencies.length, errors, achievedRate: Math.round(sent / sendSeconds), p50: q(0.5), p90: q(0.9), p99: q(0.99), max: Math.round(latencies.at(-1) ?? NaN) }) + "\n",
);
agent.destroy();
