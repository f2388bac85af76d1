import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REFERENCE_CONFIG_PATH } from "../../src/config/load-config.ts";
import { parseConfig } from "../../src/config/parse-config.ts";

const ROOT = join(import.meta.dirname, "../..");

/** Every config file shipped in the repo: the reference, the fixtures, and any *ai-tracker*.yaml elsewhere. */
function shippedConfigs(): string[] {
  const out = new Set<string>([REFERENCE_CONFIG_PATH]);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (["node_modules", ".git", "data", "test-results"].includes(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/ai-tracker.*\.ya?ml$/.test(entry.name) || path.includes(join("fixtures", "configs"))) out.add(path);
    }
  };
  walk(ROOT);
  return [...out].sort();
}

/** A value of the right shape for each variable a config names, as a deployment would set it. */
function plausibleEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name] of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    if (/EMAIL/.test(name!)) env[name!] = "tracker@example.com";
    else if (/URL/.test(name!)) env[name!] = "http://127.0.0.1:8000";
    else env[name!] = "placeholder-0123456789abcdef";
  }
  return env;
}

describe("shipped configs", () => {
  const files = shippedConfigs();

  it("include the reference config and the fixtures", () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))("%s loads", (_name, file) => {
    const text = readFileSync(file, "utf8");
    expect(() => parseConfig(text, { source: file, env: plausibleEnv(text) })).not.toThrow();
  });

  it("the reference config describes the whole reference inventory", () => {
    const c = parseConfig(readFileSync(REFERENCE_CONFIG_PATH, "utf8"));
    const byName = Object.fromEntries(c.services.map((s) => [s.name, s]));
    expect(byName.mlx).toMatchObject({ kind: "mlx", url: "http://127.0.0.1:8002" });
    expect(byName.ollama).toMatchObject({ kind: "ollama", url: "http://127.0.0.1:11434" });
    expect(byName.lmstudio).toMatchObject({ kind: "lmstudio", url: "http://127.0.0.1:5901" });
    expect(byName.lfm2).toMatchObject({ kind: "llamacpp", url: "http://127.0.0.1:3032" });
    const kinds = new Set(c.services.map((s) => s.kind));
    for (const k of ["candle", "whisper", "tts", "vision", "a2a", "process", "host"]) expect(kinds).toContain(k);
    expect(c.workspace.kind).toBe("local");
  });
});
