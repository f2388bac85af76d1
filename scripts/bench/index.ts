// `npm run bench -- <name> [args]`: runs one benchmark and prints its figures. With no name, lists them.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const BENCHES: Record<string, string> = {
  startup: "startup.ts — time from `ai-tracker start` to workspace ready, and RSS (median of N runs) [runs]",
  "probe-cycle": "probe-cycle.ts — one probe cycle over the simulated inventory with 3 hung services, against the timeout",
  "monitor-soak": "monitor-soak.ts — tracker CPU and RSS at the 30 s cadence [--minutes 10]",
  router: "router.ts — router vs nginx vs a bare node proxy over an nginx fixed responder (needs nginx and wrk) [rounds]",
  "outbox-replay": "outbox-replay.ts — 12,000 records queued during an AppFlowy outage, replayed into the double",
  evidence: "evidence.ts — evaluation of 100 requirements × 5 criteria over 7 days of observations [runs]",
};

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in BENCHES)) {
  console.log("usage: npm run bench -- <name> [args]\n");
  for (const [n, d] of Object.entries(BENCHES)) console.log(`  ${n.padEnd(14)} ${d}`);
  process.exit(name ? 2 : 0);
}
const file = join(import.meta.dirname, `${name}.ts`);
const r = spawnSync(process.execPath, ["--import", "tsx", file, ...args], { stdio: "inherit" });
process.exit(r.status ?? 1);
