// The router alone in its own process, for the bench: node --import tsx scripts/bench/router-server.ts CONFIG
// Prints "listening <port>" once it accepts requests; stops on SIGTERM.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../src/config/parse-config.ts";
import { startHttpServer } from "../../src/http/http-server.ts";
import { LiveState } from "../../src/monitor/live-state.ts";
import { createRouter } from "../../src/router/create-router.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { openStore } from "../../src/store/open-store.ts";

const config = parseConfig(readFileSync(process.argv[2]!, "utf8"), { source: process.argv[2] });
const logger = createLogger({ level: "warn" });
const store = openStore(join(config.dataDir, "store.sqlite"));
const router = createRouter({ config, logger, now: Date.now, store, live: new LiveState() });
const server = await startHttpServer({ host: "127.0.0.1", port: 0, handlers: [router.handler], logger });
process.stdout.write(`listening ${server.port}\n`);
process.on("SIGTERM", () => {
  void server.close().then(async () => {
    await router.stop();
    const rows = store.prepare("SELECT overhead_ms AS o FROM runs WHERE outcome = 'ok' ORDER BY overhead_ms").all() as { o: number }[];
    const q = (p: number) => rows[Math.min(rows.length - 1, Math.floor(p * rows.length))]?.o ?? NaN;
    process.stdout.write(`overhead p50 ${q(0.5)} p99 ${q(0.99)} runs ${rows.length}\n`);
    store.close();
    process.exit(0);
  });
});
