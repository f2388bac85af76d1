import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.ts";
import { ConfigError } from "../../src/shared/errors.ts";

describe("monitor settings in the config", () => {
  it("parses the defaults for alerts, benchmarks and reports", () => {
    const config = parseConfig("services: []\n");
    expect(config.alerts).toMatchObject({ groupWindow: "10s", degradationFactor: 2, attempts: 6, queueSize: 500, webhooks: [] });
    expect(config.benchmarks).toMatchObject({ schedule: "0 * * * *", llmByDefault: true, requests: 3 });
    expect(config.reports).toMatchObject({ incidents: "0 8 * * *", window: "24h" });
  });

  it.each([
    { name: "a bad benchmarks.schedule", yaml: "benchmarks:\n  schedule: every hour\n", path: "benchmarks.schedule" },
    { name: "a bad reports.incidents", yaml: "reports:\n  incidents: '61 * * * *'\n", path: "reports.incidents" },
    { name: "a webhook format that does not exist", yaml: "alerts:\n  webhooks:\n    - url: http://127.0.0.1:9/x\n      format: slack\n", path: "alerts.webhooks.0.format" },
    { name: "a webhook url that is not http", yaml: "alerts:\n  webhooks:\n    - url: ftp://x\n", path: "alerts.webhooks.0.url" },
  ])("rejects $name, naming the field", ({ yaml, path }) => {
    let err: unknown;
    try {
      parseConfig(yaml, { source: "test.yaml" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.path)).toContain(path);
  });
});
