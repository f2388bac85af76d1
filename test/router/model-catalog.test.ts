import { describe, expect, it } from "vitest";
import { LiveState } from "../../src/monitor/live-state.ts";
import { emptyResult } from "../../src/probes/probe-kind.ts";
import { ModelCatalog, modelKeys } from "../../src/router/model-catalog.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { parseConfig } from "../../src/config/parse-config.ts";

describe("modelKeys()", () => {
  it.each([
    { name: "lower-cases", model: "Llama3", keys: ["llama3"] },
    { name: "drops Ollama's :latest", model: "llama3.2:latest", keys: ["llama3.2"] },
    { name: "adds the name after the last slash", model: "mlx-community/Llama-3.2-3B-Instruct-4bit", keys: ["mlx-community/llama-3.2-3b-instruct-4bit", "llama-3.2-3b-instruct-4bit"] },
    { name: "keeps other tags", model: "qwen2.5:7b", keys: ["qwen2.5:7b"] },
  ])("modelKeys() $name", ({ model, keys }) => {
    expect(modelKeys(model)).toEqual(keys);
  });
});

describe("ModelCatalog", () => {
  function catalog(now: { t: number }, fetched: string[][]) {
    const live = new LiveState();
    const asked: string[] = [];
    const c = new ModelCatalog({
      live,
      now: () => now.t,
      refreshMs: 30_000,
      logger: silentLogger(),
      fetchModels: async (b) => {
        asked.push(b);
        return fetched.shift() ?? [];
      },
      configured: new Map([["ollama", ["configured:1b"]]]),
    });
    return { c, live, asked };
  }

  it("ModelCatalog.resolve() answers in the backend's spelling for the usual aliases", async () => {
    const now = { t: 1000 };
    const { c } = catalog(now, [["llama3.2:latest", "mlx-community/Qwen-4bit"]]);
    await c.refresh("ollama", true);
    expect(c.resolve("ollama", "llama3.2")).toBe("llama3.2:latest");
    expect(c.resolve("ollama", "qwen-4bit")).toBe("mlx-community/Qwen-4bit");
    expect(c.resolve("ollama", "configured:1b")).toBe("configured:1b");
    expect(c.resolve("ollama", "mistral")).toBeUndefined();
  });

  it("ModelCatalog asks a backend at most once per refresh interval", async () => {
    const now = { t: 1000 };
    const { c, asked } = catalog(now, [["a"], ["b"]]);
    await c.refresh("ollama");
    await c.refresh("ollama");
    expect(asked).toEqual(["ollama"]);
    now.t += 30_000;
    await c.refresh("ollama");
    expect(asked).toEqual(["ollama", "ollama"]);
    expect(c.models("ollama")).toContain("b");
  });

  it("ModelCatalog takes a newer list from the monitor without asking the backend", () => {
    const now = { t: 1000 };
    const { c, live, asked } = catalog(now, []);
    const service = parseConfig("services:\n  - { name: ollama, kind: ollama }\n").services[0]!;
    live.update(service, { ...emptyResult("up", "ok"), models: { loaded: ["phi3:latest"], available: ["phi3:latest", "gemma3:4b"] } }, 900);
    expect(c.resolve("ollama", "gemma3:4b")).toBe("gemma3:4b");
    expect(c.loaded("ollama")).toEqual(["phi3:latest"]);
    expect(asked).toEqual([]);
  });
});
