import type { MetricDef } from "./metric.ts";
import { runPercentile, runSuccessRate, type RunType } from "./run-queries.ts";

const successRate = (type: RunType & ("voice" | "vision")): MetricDef => ({
  name: `pipeline.${type}.success_rate`,
  description: `% of ${type} pipeline runs whose outcome was ok, out of ok and error`,
  unit: "percent",
  args: [],
  defaultWindow: "1h",
  source: type,
  query: (ctx) => runSuccessRate(ctx, type),
});

const latencyP95 = (type: "voice" | "vision"): MetricDef => ({
  name: `pipeline.${type}.latency.p95`,
  description: `p95 (nearest rank) of the end-to-end time (runs.total_ms) of successful ${type} pipeline runs`,
  unit: "time",
  args: [],
  defaultWindow: "1h",
  source: type,
  query: (ctx) => runPercentile(ctx, type, "total_ms", 95, true),
});

export const PIPELINE_METRICS: readonly MetricDef[] = [
  successRate("voice"),
  {
    name: "pipeline.voice.rtf",
    description: "p95 (nearest rank) of the real-time factor of successful voice runs: total time / input audio length (below 1 is faster than real time)",
    unit: "ratio",
    args: [],
    defaultWindow: "1h",
    source: "voice",
    query: (ctx) => runPercentile(ctx, "voice", "CASE WHEN audio_seconds > 0 THEN total_ms / 1000.0 / audio_seconds END", 95, true),
  },
  latencyP95("voice"),
  successRate("vision"),
  latencyP95("vision"),
];
