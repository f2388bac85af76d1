import type { ProbeStatus } from "../probe-kind.ts";

/** Lower-cased, without Ollama's default `:latest` tag or LM Studio's `@quant` suffix. */
function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/:latest$/, "").replace(/@[^/@]+$/, "");
}

/**
 * Whether a listed model is the expected one. Names match exactly, or by path suffix in either direction, so
 * "Llama-3.2-3B-Instruct-4bit" matches "mlx-community/Llama-3.2-3B-Instruct-4bit" and a llama.cpp model path.
 */
export function sameModel(expected: string, listed: string): boolean {
  const e = normalise(expected);
  const l = normalise(listed);
  if (e === l) return true;
  const tail = (a: string, b: string) => a.endsWith(`/${b}`) || a.endsWith(`\\${b}`);
  if (tail(l, e) || tail(e, l)) return true;
  // A model file path (llama.cpp `-m`) matches its name without the extension.
  const base = l.replace(/^.*[\\/]/, "").replace(/\.(gguf|bin|safetensors)$/, "");
  return base === e.replace(/^.*[\\/]/, "");
}

export function findModel(expected: string, listed: readonly string[]): string | undefined {
  return listed.find((l) => sameModel(expected, l));
}

export interface ModelVerdict {
  status: Extract<ProbeStatus, "up" | "cold" | "degraded">;
  /** What is wrong, one clause per problem; empty when all is well. */
  problems: string[];
}

/**
 * Judges the expected models against what the server lists. Missing from the server altogether is degraded;
 * present but not loaded is cold (reachable, the first request pays the load). With no expected models, a
 * server that reports loaded state but has nothing loaded is cold too. `loaded` null: the server cannot tell.
 */
export function judgeModels(expected: readonly string[], loaded: readonly string[] | null, available: readonly string[]): ModelVerdict {
  const missing = expected.filter((e) => !findModel(e, available) && !(loaded && findModel(e, loaded)));
  const notLoaded = loaded ? expected.filter((e) => !missing.includes(e) && !findModel(e, loaded)) : [];
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`expected model${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}`);
  if (notLoaded.length > 0) problems.push(`not loaded: ${notLoaded.join(", ")}`);
  if (missing.length > 0) return { status: "degraded", problems };
  if (notLoaded.length > 0) return { status: "cold", problems };
  if (expected.length === 0 && loaded !== null && loaded.length === 0) return { status: "cold", problems: ["no model loaded"] };
  return { status: "up", problems };
}

/** "2 loaded (a, b) of 19" for details. */
export function describeModels(loaded: readonly string[] | null, available: readonly string[]): string {
  const names = (list: readonly string[]) => (list.length > 3 ? `${list.slice(0, 3).join(", ")}, …` : list.join(", "));
  if (loaded === null) return `${available.length} listed${available.length ? ` (${names(available)})` : ""}`;
  return `${loaded.length} loaded${loaded.length ? ` (${names(loaded)})` : ""} of ${available.length}`;
}
