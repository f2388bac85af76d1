import { loadConfig } from "../config/load-config.ts";
import { LiveState } from "../monitor/live-state.ts";
import { benchmarkPlan } from "../monitor/benchmarks/benchmark-plan.ts";
import { runBenchmarks } from "../monitor/benchmarks/run-benchmarks.ts";
import { runProbe } from "../probes/run-probe.ts";
import { parseDuration } from "../shared/duration.ts";
import { TrackerError } from "../shared/errors.ts";
import { silentLogger } from "../shared/logger.ts";
import { openStore } from "../store/open-store.ts";
import type { RecordWriter } from "../workspace/record-writer.ts";
import type { Command } from "./command.ts";
import { CONFIG_OPTION, formatTable, parseCommandArgs, writeLine } from "./parse-args.ts";

/** Benchmarks run from the shell are a try-out: nothing goes to the workspace. */
const nowhere: RecordWriter = {
  upsert: () => undefined,
  delete: () => undefined,
  page: () => undefined,
  flush: async () => undefined,
  close: async () => undefined,
};

export const benchCommand: Command = {
  name: "bench",
  summary: "bench [--service NAME ...] [--json]   benchmark the LLM and speech services now: latency, TTFT, tokens/s, load time, RTF",
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { ...CONFIG_OPTION, service: { type: "string", multiple: true }, json: { type: "boolean" } });
    const { config } = loadConfig(values.config, ctx.env);
    const names = values.service ?? [];
    const unknown = names.filter((n) => !config.services.some((s) => s.name === n));
    if (unknown.length > 0) throw new TrackerError("USAGE", `--service: no service named ${unknown.map((n) => `"${n}"`).join(", ")}`, { exitCode: 2 });
    const services = names.length > 0 ? config.services.filter((s) => names.includes(s.name)) : config.services;
    // An in-memory store: the scheduled benchmarks of a running tracker are the evidence, not this try-out.
    const store = openStore(":memory:");
    try {
      // A probe first, as the scheduler's would have: it names the loaded model and keeps down services out.
      const live = new LiveState();
      const deps = { fetch, logger: silentLogger(), now: Date.now, defaultTimeoutMs: parseDuration(config.probe.timeout) ?? 5000 };
      await Promise.all(services.map(async (s) => live.update(s, await runProbe(s, deps), Date.now())));
      const { skipped } = benchmarkPlan(services, config.benchmarks, live);
      const runs = await runBenchmarks({ services, config: config.benchmarks, fetch, logger: silentLogger(), now: Date.now, store, records: nowhere, live });
      if (values.json) writeLine(ctx.stdout, JSON.stringify({ runs, skipped }, null, 2));
      else {
        const rows = runs.flatMap((r) =>
          r.error ? [[r.service, r.model ?? "", "error", "", r.error]] : r.measurements.map((m) => [r.service, r.model ?? "", m.metric, `${+m.value.toFixed(2)} ${m.unit}`, m.conditions]),
        );
        for (const s of skipped) rows.push([s.service, "", "skipped", "", s.reason]);
        if (rows.length === 0) writeLine(ctx.stdout, "no service to benchmark (LLM services with a url, and services with a benchmark: block)");
        else writeLine(ctx.stdout, formatTable(["SERVICE", "MODEL", "METRIC", "VALUE", "CONDITIONS"], rows));
      }
      return runs.some((r) => r.error) || skipped.length > 0 ? 1 : 0;
    } finally {
      store.close();
    }
  },
};
