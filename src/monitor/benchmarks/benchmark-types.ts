import type { ServiceConfig } from "../../config/schema.ts";

/** The metric names of the store's `benchmarks` table. */
export type BenchmarkMetric = "latency_p50_ms" | "latency_p95_ms" | "ttft_ms" | "tokens_per_s" | "load_time_ms" | "rtf";

export interface Measurement {
  metric: BenchmarkMetric;
  value: number;
  unit: "ms" | "tokens/s" | "x";
  /** How it was measured, for the Conditions cell (e.g. "3 requests, streaming, native timings"). */
  conditions: string;
}

/** How a service is benchmarked: by its API family, not its kind name. */
export type BenchmarkFamily = "ollama" | "openai-chat" | "speech";

export interface BenchmarkTarget {
  service: ServiceConfig;
  family: BenchmarkFamily;
  url: string;
  model: string | null;
  /** The probe last saw the model unloaded: the first request includes the load. */
  cold: boolean;
  prompt: string;
  maxTokens: number;
  apiKey?: string;
}

export interface BenchmarkRequestOptions {
  fetch: typeof fetch;
  requests: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One service's run: what it measured, or why it could not. */
export interface BenchmarkRun {
  runId: string;
  service: string;
  model: string | null;
  at: number;
  measurements: Measurement[];
  error: string | null;
}
