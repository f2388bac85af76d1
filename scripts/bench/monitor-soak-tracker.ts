// The tracker side of monitor-soak.ts, run in its own process so the simulators' work is not counted: starts the
// tracker from the config file given, then reports its own CPU time and RSS to the parent every --sample seconds.
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { createLogger } from "../../src/shared/logger.ts";

const [configPath, sampleArg] = process.argv.slice(2);
if (!configPath || !process.send) {
  console.error("usage: forked by monitor-soak.ts with <config> <sampleSeconds>");
  process.exit(2);
}
const { config } = loadConfig(configPath, {});
const logger = createLogger({ level: "warn" });
const app = createApp(config, { logger });
await app.start();
process.send({ type: "started", httpUrl: app.httpUrl });

const sampleMs = Number(sampleArg ?? 10) * 1000;
const timer = setInterval(() => {
  process.send!({ type: "sample", at: performance.now(), cpu: process.cpuUsage(), rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
}, sampleMs);

process.on("message", (m: { type?: string }) => {
  if (m.type !== "stop") return;
  clearInterval(timer);
  void (async () => {
    await app.stop();
    process.exit(0);
  })();
});
