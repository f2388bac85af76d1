import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.ts";
import { ConfigError } from "../../src/shared/errors.ts";

function issuesOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, { source: "test.yaml", env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig()", () => {
  it("fills every default for an empty file", () => {
    const c = parseConfig("", { source: "empty.yaml" });
    expect(c.dataDir).toBe("./data");
    expect(c.workspace).toEqual({ kind: "local", port: 4001, host: "127.0.0.1" });
    expect(c.http.listen).toBe("127.0.0.1:4000");
    expect(c.probe).toMatchObject({ interval: "30s", timeout: "5s" });
    expect(c.incidents).toMatchObject({ openAfter: 3, resolveAfter: 2 });
    expect(c.evidence.interval).toBe("60s");
    expect(c.reports.incidents).toBe("0 8 * * *");
    expect(c.services).toEqual([]);
  });

  it("applies a kind's own defaults to a service entry", () => {
    const c = parseConfig("services:\n  - name: ollama\n    kind: ollama\n");
    expect(c.services[0]).toMatchObject({ name: "ollama", kind: "ollama", url: "http://127.0.0.1:11434", models: [] });
  });

  it("returns a deeply frozen object", () => {
    const c = parseConfig("services:\n  - name: ollama\n    kind: ollama\n");
    expect(Object.isFrozen(c.services[0])).toBe(true);
    expect(() => ((c.probe as { interval: string }).interval = "1s")).toThrow();
  });

  it.each([
    ["a plain variable", "dataDir: ${DIR}\n", { DIR: "/srv/tracker" }, "/srv/tracker"],
    ["a variable inside text", "dataDir: /srv/${NAME}/data\n", { NAME: "t1" }, "/srv/t1/data"],
    ["the default of an unset variable", "dataDir: ${DIR:-./fallback}\n", {}, "./fallback"],
    ["$$ as a literal dollar", "dataDir: ./a$$b\n", {}, "./a$b"],
  ])("expands %s", (_name, text, env, expected) => {
    expect(parseConfig(text, { env }).dataDir).toBe(expected);
  });

  it("reads a whole-variable value as a number where the field wants one", () => {
    const c = parseConfig("workspace:\n  kind: local\n  port: ${PORT}\n", { env: { PORT: "4101" } });
    expect(c.workspace).toMatchObject({ port: 4101 });
  });

  it("never puts an expanded value through YAML, so a secret with ': ' or '#' stays intact", () => {
    const c = parseConfig(
      "workspace:\n  kind: appflowy\n  url: http://127.0.0.1:9000\n  email: a@b.co\n  password: ${PW}\n  workspace: W\n",
      { env: { PW: "a: b # c" } },
    );
    expect(c.workspace).toMatchObject({ password: "a: b # c" });
  });

  it.each([
    ["an unset variable", "dataDir: ${NOPE}\n", "dataDir: environment variable NOPE is not set"],
    ["an unknown service kind", "services:\n  - name: x\n    kind: quantum\n", "services.0.kind: unknown service kind"],
    ["a wrong type", "probe:\n  concurrency: many\n", "probe.concurrency: Invalid input: expected number"],
    ["a bad URL", "services:\n  - name: o\n    kind: ollama\n    url: localhost:11434\n", "services.0.url: an http:// or https:// URL"],
    ["a bad duration", "probe:\n  interval: 30 seconds\n", 'probe.interval: a duration such as "250ms"'],
    ["a duplicate service name", "services:\n  - name: o\n    kind: ollama\n  - name: o\n    kind: mlx\n", 'services.1.name: duplicate service name "o"'],
    ["a router backend that is no service", "services:\n  - name: o\n    kind: ollama\nrouter:\n  backends: [o, mlx]\n", 'router.backends.1: no service named "mlx"'],
    ["an open listen address without a key", "http:\n  listen: 0.0.0.0:4000\n", "http.apiKey: required when http.listen is not a loopback address"],
    ["a candle entry with neither url nor binary", "services:\n  - name: c\n    kind: candle\n", "services.0.url: set url"],
  ])("reports %s with its path", (_name, text, expected) => {
    expect(issuesOf(text).join("\n")).toContain(expected);
  });

  it("names the file line of each problem", () => {
    const issues = issuesOf("services:\n  - name: a\n    kind: ollama\n  - name: b\n    kind: ollama\n    url: nope\n");
    expect(issues).toEqual(["services.1.url: an http:// or https:// URL (test.yaml:6)"]);
  });

  it("lists every problem at once, not only the first", () => {
    const issues = issuesOf("services:\n  - name: a\n    kind: nope\n  - name: a\n    kind: ollama\nprobe:\n  interval: x\n");
    expect(issues).toHaveLength(3);
  });

  it("reports a YAML syntax error with file, line and column", () => {
    const issues = issuesOf("services:\n  - name: a\n   kind: ollama\n");
    expect(issues[0]).toMatch(/^test\.yaml:3:\d+: /);
  });

  it("rejects a top level that is not a mapping", () => {
    expect(issuesOf("- a\n- b\n")).toEqual(["(root): the config must be a mapping of keys to values"]);
  });
});
