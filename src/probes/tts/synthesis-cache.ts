import type { ProbeResult } from "../probe-kind.ts";

interface Entry {
  at: number;
  result: ProbeResult;
}

/**
 * The last good synthesis per target, so a TTS service is made to speak only every `synthesisEvery` and gets a
 * cheap liveness check in between. Only good results are kept: a failing or degraded service is asked to speak
 * again next time, so a recovery shows at once. One entry per configured service, so it stays small.
 */
export class SynthesisCache {
  private readonly entries = new Map<string, Entry>();

  /** The last good synthesis if it is younger than `maxAgeMs`. */
  fresh(key: string, now: number, maxAgeMs: number): Entry | undefined {
    const e = this.entries.get(key);
    return e && now - e.at < maxAgeMs ? e : undefined;
  }

  record(key: string, at: number, result: ProbeResult): void {
    if (result.status === "up") this.entries.set(key, { at, result });
    else this.entries.delete(key);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
