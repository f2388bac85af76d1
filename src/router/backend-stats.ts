/** How one request to a backend ended, for the statistics: neutral ones (client left, bad request) count for nothing. */
export type AttemptOutcome = "success" | "failure" | "neutral";

const BUCKETS = 10;

/**
 * What the router has measured of one backend: requests in flight, an EWMA of the time to the first byte of
 * successful answers, and the error rate over a sliding window (ring of time buckets, no allocation per request).
 */
export class BackendStats {
  inFlight = 0;
  /** EWMA of successful answers' time to first byte, ms; undefined until the first success. */
  ewmaMs: number | undefined;
  private readonly ok = new Int32Array(BUCKETS);
  private readonly failed = new Int32Array(BUCKETS);
  private readonly bucketStart = new Float64Array(BUCKETS);
  private readonly bucketMs: number;

  constructor(
    windowMs: number,
    private readonly alpha = 0.2,
  ) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  begin(): void {
    this.inFlight++;
  }

  end(outcome: AttemptOutcome, latencyMs: number | undefined, now: number): void {
    if (this.inFlight > 0) this.inFlight--;
    if (outcome === "neutral") return;
    const i = this.bucket(now);
    if (outcome === "success") {
      this.ok[i]!++;
      if (latencyMs !== undefined) this.ewmaMs = this.ewmaMs === undefined ? latencyMs : this.ewmaMs + this.alpha * (latencyMs - this.ewmaMs);
    } else this.failed[i]!++;
  }

  /** Requests and failures over the window ending now. */
  window(now: number): { requests: number; failures: number; errorRate: number } {
    let requests = 0;
    let failures = 0;
    const oldest = now - this.bucketMs * BUCKETS;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.bucketStart[i]! <= oldest) continue;
      requests += this.ok[i]! + this.failed[i]!;
      failures += this.failed[i]!;
    }
    return { requests, failures, errorRate: requests === 0 ? 0 : failures / requests };
  }

  private bucket(now: number): number {
    const slot = Math.floor(now / this.bucketMs);
    const i = slot % BUCKETS;
    const start = slot * this.bucketMs;
    if (this.bucketStart[i] !== start) {
      this.bucketStart[i] = start;
      this.ok[i] = 0;
      this.failed[i] = 0;
    }
    return i;
  }
}
