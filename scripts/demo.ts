import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { createLogger } from "../src/shared/logger.ts";
import { inventoryConfig, writeConfig } from "./bench/monitor-inventory.ts";
import { startInventory } from "./simulators/run-inventory.ts";

// `npm run demo`: simulators for the whole reference inventory, a config pointing the tracker at them (probes every
// 5 s, an incident after 2 failures), and the tracker itself, so a newcomer sees every database fill and can switch
// a service down to watch an incident open. Options: --port N (the tracker's HTTP port, default any free one),
// --verbose (info logs instead of warnings only).

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { port: { type: "string" }, verbose: { type: "boolean" } }, strict: true });
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) {
    console.error(`--port: a port number, got "${values.port}"`);
    return 2;
  }
  const inventory = await startInventory({ ports: "ephemeral" });
  const dataDir = mkdtempSync(join(tmpdir(), "ai-tracker-demo-"));
  const configPath = join(dataDir, "ai-tracker.yaml");
  writeConfig(
    configPath,
    inventoryConfig(inventory, {
      dataDir,
      interval: "5s",
      openAfter: 2,
      resolveAfter: 2,
      healthWindow: "1m",
      benchmarks: "*/2 * * * *",
      reports: "*/10 * * * *",
      httpPort: values.port === undefined ? 0 : Number(values.port),
      // Stands in for the DSPy optimizer process: the demo itself is the running process found.
      processMatch: "scripts/demo.ts",
      logLevel: values.verbose ? "info" : "warn",
    }),
    "Written by `npm run demo`: the reference inventory, each service pointed at its simulator.\nProbes every 5 s, an incident after 2 failures in a row, 1-minute health windows, benchmarks every 2 minutes.",
  );
  const { config } = loadConfig(configPath, {});
  const logger = createLogger({ level: config.log.level });
  const app = createApp(config, { logger });
  try {
    await app.start();
  } catch (err) {
    await inventory.close();
    throw err;
  }

  const control = inventory.controlUrl;
  const lines = [
    "",
    "ai-tracker demo is running against simulated services.",
    "",
    `  board       ${app.httpUrl}/`,
    `  metrics     ${app.httpUrl}/metrics`,
    `  health      ${app.httpUrl}/healthz`,
    `  workspace   ${app.workspaceUrl ?? "(not embedded)"}   (the embedded Yjs workspace)`,
    `  config      ${configPath}`,
    `  simulators  ${control}/services`,
    "",
    "Switch a service down; its incident opens after two failed probes (about 10 s) and an alert is logged:",
    `  curl -XPOST ${control}/services/ollama/mode -d '{"mode":"down"}'`,
    "Bring it back; the incident resolves after two good probes:",
    `  curl -XPOST ${control}/services/ollama/mode -d '{"mode":"up"}'`,
    "Other modes: slow, hung, loading, wrong-service, unloaded, garbage, error-500, close.",
    "",
    "In another terminal:",
    `  npx ai-tracker status --config ${configPath}`,
    `  npx ai-tracker report --now --config ${configPath}`,
    "",
    "Ctrl-C stops the tracker and the simulators.",
  ];
  console.log(lines.join("\n"));

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  console.log("\nstopping…");
  await app.stop();
  await inventory.close();
  console.log(`stopped; the demo's data stays in ${dataDir}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
