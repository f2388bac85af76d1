import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { startSimulatorGroup, type SimulatorGroup, type SimulatorGroupEntry } from "./simulator-group.ts";
import type { SimulatorKind, SimulatorOptions } from "./shared/types.ts";

// Starts one simulator per service of the reference inventory, so the tracker (or a demo user) has every service
// to probe without the real servers: `node --import tsx scripts/simulators/run-inventory.ts [--ephemeral]
// [--control-port 4099] [--config FILE]`, then `curl -XPOST 127.0.0.1:4099/services/ollama/mode -d '{"mode":"down"}'`.

export const REFERENCE_CONFIG = fileURLToPath(new URL("../../src/config/reference-config.yaml", import.meta.url));
export const DEFAULT_CONTROL_PORT = 4099;

/** The ~19 models of the reference Ollama install. */
export const REFERENCE_OLLAMA_MODELS = [
  "llama3.2:latest", "llama3.2:1b", "llama3.1:8b", "llama3.2-vision:11b", "qwen2.5:7b", "qwen2.5-coder:7b", "qwen3:8b",
  "mistral:latest", "mistral-nemo:12b", "gemma3:4b", "gemma3:12b", "phi4:14b", "phi3.5:3.8b", "deepseek-r1:8b", "llava:7b",
  "codellama:7b", "nomic-embed-text:latest", "mxbai-embed-large:latest", "hf.co/LiquidAI/LFM2-1.2B-GGUF:latest",
];

const ServiceSchema = z.looseObject({
  name: z.string().min(1),
  kind: z.string().min(1),
  url: z.string().optional(),
  api: z.string().optional(),
  model: z.string().optional(),
  models: z.array(z.string()).optional(),
});
const InventorySchema = z.looseObject({ services: z.array(ServiceSchema) });
type Service = z.infer<typeof ServiceSchema>;

export interface InventoryOptions {
  /** reference: the ports in the config (mlx 8002, ollama 11434, …); ephemeral: port 0 everywhere (tests). */
  ports?: "reference" | "ephemeral";
  /** The control server's port: 4099 with reference ports, ephemeral otherwise. */
  controlPort?: number;
  /** The tracker config whose services to simulate (default: the reference config). */
  configPath?: string;
  /** Time between streamed tokens (default 20 ms, so streams look alive in a demo). */
  tokenDelayMs?: number;
}

export interface Inventory extends SimulatorGroup {
  /** Which simulator kind answers for each service, in config order. */
  services: { name: string; kind: SimulatorKind; url: string }[];
}

/** The simulator for a service entry; undefined for services with no HTTP surface (process, host). */
export function simulatorKindFor(service: Service): SimulatorKind | undefined {
  const { kind, api } = service;
  const byKind: Record<string, SimulatorKind | undefined> = {
    ollama: "ollama", "openai-compatible": "openai-compatible", lmstudio: "lmstudio", mlx: "mlx", llamacpp: "llamacpp", candle: "mistralrs", a2a: "a2a",
    whisper: api === "openai" ? "whisper-openai" : "whisper",
    tts: api === "openai" ? "tts-openai" : "tts-gradio",
    vision: ({ openai: "vision-openai", kserve: "kserve", automatic1111: "automatic1111", comfyui: "comfyui" } as Record<string, SimulatorKind>)[api ?? "openai"],
  };
  if (kind === "process" || kind === "host") return undefined;
  const simKind = byKind[kind];
  if (!simKind) throw new Error(`services[${service.name}]: no simulator for kind "${kind}"${api ? ` with api "${api}"` : ""}`);
  return simKind;
}

/** Groups the services into simulators: services at the same URL (yolo and clip) share one server. */
export function inventoryEntries(services: Service[], ports: "reference" | "ephemeral", tokenDelayMs: number): SimulatorGroupEntry[] {
  const byUrl = new Map<string, SimulatorGroupEntry & { options: SimulatorOptions }>();
  for (const service of services) {
    const kind = simulatorKindFor(service);
    if (!kind || !service.url) continue;
    const url = new URL(service.url);
    const key = `${kind} ${url.host}`;
    const models = [...(service.models ?? []), ...(service.model ? [service.model] : []), ...(kind === "ollama" ? REFERENCE_OLLAMA_MODELS : [])];
    const entry = byUrl.get(key);
    if (entry) {
      entry.names.push(service.name);
      entry.options.models = [...new Set([...(entry.options.models ?? []), ...models])];
      continue;
    }
    const port = ports === "reference" ? Number(url.port || (url.protocol === "https:" ? 443 : 80)) : 0;
    const host = ports === "reference" ? url.hostname : "127.0.0.1";
    byUrl.set(key, { names: [service.name], kind, options: { port, host, tokenDelayMs, ...(models.length ? { models } : {}) } });
  }
  return [...byUrl.values()];
}

export async function startInventory(options: InventoryOptions = {}): Promise<Inventory> {
  const ports = options.ports ?? "reference";
  const configPath = options.configPath ?? REFERENCE_CONFIG;
  const raw = parseYaml(await readFile(configPath, "utf8"));
  const parsed = InventorySchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${configPath}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  const entries = inventoryEntries(parsed.data.services, ports, options.tokenDelayMs ?? 20);
  const group = await startSimulatorGroup(entries, { controlPort: options.controlPort ?? (ports === "reference" ? DEFAULT_CONTROL_PORT : 0) });
  const services = entries.flatMap((e) => e.names.map((name) => ({ name, kind: e.kind, url: group.simulators[name].url })));
  return { ...group, services };
}

function parseArgs(argv: string[]): InventoryOptions {
  const options: InventoryOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--ephemeral") options.ports = "ephemeral";
    else if (arg === "--control-port" && /^\d+$/.test(argv[i + 1] ?? "")) options.controlPort = Number(argv[++i]);
    else if (arg === "--config" && argv[i + 1]) options.configPath = argv[++i];
    else if (arg === "--token-delay" && /^\d+$/.test(argv[i + 1] ?? "")) options.tokenDelayMs = Number(argv[++i]);
    else throw new Error(`unknown argument "${arg}"; use --ephemeral, --control-port N, --config FILE, --token-delay MS`);
  }
  return options;
}

async function main(): Promise<void> {
  let options: InventoryOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const inventory = await startInventory(options);
  const width = Math.max(...inventory.services.map((s) => s.name.length));
  for (const s of inventory.services) console.log(`${s.name.padEnd(width)}  ${s.kind.padEnd(17)}  ${s.url}`);
  console.log(`\ncontrol: ${inventory.controlUrl}  (GET /services, POST /services/<name>/mode {"mode":"down"})`);
  console.log(`e.g. curl -XPOST ${inventory.controlUrl}/services/ollama/mode -d '{"mode":"down"}'`);
  const stop = () => void inventory.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
