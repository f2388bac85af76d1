import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inventoryEntries, simulatorKindFor, startInventory, type Inventory } from "../../scripts/simulators/run-inventory.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { get, post } from "./http.ts";

let inventory: Inventory | undefined;
afterEach(async () => {
  await inventory?.close();
  inventory = undefined;
});

describe("startInventory()", () => {
  it("starts one simulator per service of the reference inventory, yolo and clip sharing one KServe server", async () => {
    inventory = await startInventory({ ports: "ephemeral" });
    expect(inventory.services.map((s) => [s.name, s.kind])).toEqual([
      ["mlx", "mlx"], ["ollama", "ollama"], ["lmstudio", "lmstudio"], ["lfm2", "llamacpp"], ["candle", "mistralrs"], ["whisper", "whisper"],
      ["tts", "tts-gradio"], ["vision", "vision-openai"], ["yolo", "kserve"], ["clip", "kserve"], ["stable-diffusion", "comfyui"], ["a2a", "a2a"],
    ]);
    expect(inventory.simulators.yolo).toBe(inventory.simulators.clip);
    expect((await get(`${inventory.simulators.yolo.url}/v2/models/yolov8n/ready`)).status).toBe(200);
    expect((await get(`${inventory.simulators.clip.url}/v2/models/clip/ready`)).status).toBe(200);
  });

  it("gives mlx its configured model and ollama the reference set of 19 models", async () => {
    inventory = await startInventory({ ports: "ephemeral" });
    expect((await get(`${inventory.simulators.mlx.url}/v1/models`)).json().data.map((m: { id: string }) => m.id)).toEqual(["mlx-community/Llama-3.2-3B-Instruct-4bit"]);
    expect((await get(`${inventory.simulators.ollama.url}/api/tags`)).json().models).toHaveLength(19);
    expect((await get(`${inventory.simulators.vision.url}/v1/models`)).json().data[0].id).toBe("pyvision");
  });

  it("switches a service through the control server, even back up from down", async () => {
    inventory = await startInventory({ ports: "ephemeral" });
    const ollama = inventory.simulators.ollama;
    const down = await post(`${inventory.controlUrl}/services/ollama/mode`, { mode: "down" });
    expect(down.json()).toMatchObject({ name: "ollama", mode: "down" });
    await expect(get(`${ollama.url}/`)).rejects.toThrow(/fetch failed/);
    await post(`${inventory.controlUrl}/services/ollama/mode`, { mode: "up" });
    expect((await get(`${ollama.url}/`)).text).toBe("Ollama is running");
    const listed = (await get(`${inventory.controlUrl}/services`)).json().services;
    expect(listed.map((s: { name: string }) => s.name)).toContain("stable-diffusion");
  });

  it.each([
    { name: "an unknown service", path: "/services/nope/mode", body: { mode: "down" }, status: 404, error: /no service "nope"/ },
    { name: "an unknown mode", path: "/services/ollama/mode", body: { mode: "sideways" }, status: 400, error: /mode must be one of/ },
    { name: "a mode the kind lacks", path: "/services/yolo/mode", body: { mode: "stream-error" }, status: 400, error: /kserve simulator has no "stream-error" mode/ },
    { name: "a body that is not JSON", path: "/services/ollama/mode", body: "down", status: 400, error: /not JSON/ },
    { name: "an unknown route", path: "/nothing", body: {}, status: 404, error: /GET \/services/ },
  ])("the control server answers $status to $name", async ({ path, body, status, error }) => {
    inventory = await startInventory({ ports: "ephemeral" });
    const answer = await post(`${inventory.controlUrl}${path}`, body);
    expect(answer.status).toBe(status);
    expect(answer.json().error).toMatch(error);
  });

  it("rejects a config whose services are malformed, naming the file and the field", async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "bad.yaml");
      writeFileSync(file, "services:\n  - kind: ollama\n");
      await expect(startInventory({ ports: "ephemeral", configPath: file })).rejects.toThrow(/bad\.yaml: services\.0\.name/);
    } finally {
      dir.remove();
    }
  });
});

describe("simulatorKindFor()", () => {
  it.each([
    { service: { name: "a", kind: "whisper", api: "openai" }, kind: "whisper-openai" },
    { service: { name: "a", kind: "tts", api: "openai" }, kind: "tts-openai" },
    { service: { name: "a", kind: "vision", api: "automatic1111" }, kind: "automatic1111" },
    { service: { name: "a", kind: "candle" }, kind: "mistralrs" },
    { service: { name: "a", kind: "host" }, kind: undefined },
  ])("maps $service.kind ($service.api) to $kind", ({ service, kind }) => {
    expect(simulatorKindFor(service)).toBe(kind);
  });

  it("throws on a kind it cannot simulate, naming the service", () => {
    expect(() => simulatorKindFor({ name: "x", kind: "quantum" })).toThrow(/services\[x\]: no simulator for kind "quantum"/);
  });
});

describe("inventoryEntries()", () => {
  it("keeps the configured ports and hosts with reference ports", () => {
    const entries = inventoryEntries([{ name: "ollama", kind: "ollama", url: "http://127.0.0.1:11434" }], "reference", 5);
    expect(entries[0]).toMatchObject({ names: ["ollama"], kind: "ollama", options: { port: 11434, host: "127.0.0.1", tokenDelayMs: 5 } });
  });
});
