// One probe cycle over the reference inventory, against its simulators on ephemeral ports, with three services
// hung: the cycle's wall time against the probe timeout. A hung service must cost the cycle one timeout at most,
// never one timeout per hung service.
//   node --import tsx scripts/bench/probe-cycle.ts [--timeout 5s] [--hung ollama,lmstudio,whisper] [--cycles 3]
import { parseConfig } from "../../src/config/parse-config.ts";
import { referenceConfigText } from "../../src/config/load-config.ts";
import { probeServices, type ServiceProbeReport } from "../../src/cli/probe.ts";
import { parseDuration } from "../../src/shared/duration.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { startInventory } from "../simulators/run-inventory.ts";

interface Options {
  timeout: string;
  hung: string[];
  cycles: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { timeout: "5s", hung: ["ollama", "lmstudio", "whisper"], cycles: 3 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--timeout" && value && parseDuration(value) !== undefined) o.timeout = argv[++i]!;
    else if (flag === "--hung" && value) o.hung = argv[++i]!.split(",").filter(Boolean);
    else if (flag === "--cycles" && /^\d+$/.test(value ?? "")) o.cycles = Math.max(1, Number(argv[++i]));
    else throw new Error(`unknown argument "${flag}"; use --timeout 5s, --hung a,b,c, --cycles N`);
  }
  return o;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const timeoutMs = parseDuration(options.timeout)!;
  const inventory = await startInventory({ ports: "ephemeral" });
  try {
    const urls = new Map(inventory.services.map((s) => [s.name, s.url]));
    // The reference config with every HTTP service pointed at its simulator; process and host stay real.
    const text = referenceConfigText().replace(/^probe:\n(?:  .*\n)+/m, `probe:\n  timeout: ${options.timeout}\n`);
    const config = parseConfig(text, { source: "reference config" });
    const services = config.services.map((s) => (urls.has(s.name) ? { ...s, url: urls.get(s.name)! } : s)) as typeof config.services;
    for (const name of options.hung) {
      const sim = inventory.simulators[name];
      if (!sim) throw new Error(`--hung: no simulated service "${name}"; simulated: ${[...urls.keys()].join(", ")}`);
      await sim.setMode("hung");
    }
    const deps = { fetch: globalThis.fetch, now: Date.now, logger: silentLogger() };
    console.log(`reference inventory: ${services.length} services, ${inventory.services.length} simulated, ${options.hung.length} hung (${options.hung.join(", ")}), timeout ${timeoutMs} ms`);
    const walls: number[] = [];
    let last: ServiceProbeReport[] = [];
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const started = performance.now();
      last = await probeServices(config, services, deps);
      const wall = performance.now() - started;
      walls.push(wall);
      console.log(`cycle ${cycle}: ${Math.round(wall)} ms wall = ${(wall / timeoutMs).toFixed(2)} × timeout`);
    }
    console.log("");
    const width = Math.max(...last.map((r) => r.name.length));
    for (const r of last) {
      console.log(`  ${r.name.padEnd(width)}  ${r.status.padEnd(13)}  ${String(r.latencyMs ?? "-").padStart(5)} ms  ${r.detail.slice(0, 90)}`);
    }
    const answered = last.filter((r) => !options.hung.includes(r.name));
    const slowestAnswer = Math.max(...answered.map((r) => r.latencyMs ?? 0));
    const sorted = [...walls].sort((a, b) => a - b);
    console.log("");
    console.log(`wall time: median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms, max ${Math.round(sorted.at(-1)!)} ms; timeout ${timeoutMs} ms`);
    console.log(`slowest answering service: ${slowestAnswer} ms; a cycle without the timeout would never end (${options.hung.length} services never answer)`);
  } finally {
    await inventory.close();
  }
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
