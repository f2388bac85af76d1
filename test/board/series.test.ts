import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bucketSeries, percentile, SeriesReader, seriesRange, type ObservationPoint } from "../../src/board/series.ts";
import { openStore, type Db } from "../../src/store/open-store.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.parse("2026-03-01T12:07:30.000Z");

describe("seriesRange()", () => {
  it.each([
    { name: "24 h in 96 buckets", hours: 24, buckets: 96, bucketMs: 15 * MIN },
    { name: "1 h in 60 buckets", hours: 1, buckets: 60, bucketMs: MIN },
    { name: "never below a minute", hours: 1, buckets: 288, bucketMs: MIN },
  ])("seriesRange() gives whole-minute buckets ending after now: $name", ({ hours, buckets, bucketMs }) => {
    const r = seriesRange(NOW, hours, buckets);
    expect(r.bucketMs).toBe(bucketMs);
    expect(r.to - r.from).toBe(buckets * bucketMs);
    expect(r.to % bucketMs).toBe(0);
    expect(r.to).toBeGreaterThan(NOW);
    expect(r.to - bucketMs).toBeLessThanOrEqual(NOW);
  });
});

describe("percentile()", () => {
  it.each([
    { name: "empty", values: [], q: 0.95, want: null },
    { name: "one value", values: [7], q: 0.5, want: 7 },
    { name: "median of four is the second", values: [1, 2, 3, 4], q: 0.5, want: 2 },
    { name: "p95 of twenty is the nineteenth", values: Array.from({ length: 20 }, (_, i) => i + 1), q: 0.95, want: 19 },
    { name: "p100 is the maximum", values: [1, 5, 9], q: 1, want: 9 },
  ])("percentile() uses the nearest rank: $name", ({ values, q, want }) => {
    expect(percentile(values, q)).toBe(want);
  });
});

describe("bucketSeries()", () => {
  const range = { from: 0, to: 4 * HOUR, bucketMs: HOUR };
  const obs = (service: string, status: string, latency: number | null, at: number): ObservationPoint => ({ service, status, latency_ms: latency, at });

  it.each([
    {
      name: "counts failures (down, wrong-service) against checks per bucket",
      points: [obs("a", "up", 10, 0), obs("a", "down", null, 1), obs("a", "wrong-service", 3, 2), obs("a", "cold", 20, 3)],
      bucket: 0,
      want: { checks: 4, failures: 2, availability: 0.5, p50: 10, p95: 20 },
    },
    {
      name: "leaves a bucket without checks empty, not 0 % available",
      points: [obs("a", "up", 10, 0)],
      bucket: 2,
      want: { checks: 0, failures: 0, availability: null, p50: null, p95: null },
    },
    {
      name: "ignores latencies of failed checks",
      points: [obs("a", "down", 5000, HOUR), obs("a", "up", 40, HOUR + 1)],
      bucket: 1,
      want: { checks: 2, failures: 1, availability: 0.5, p50: 40, p95: 40 },
    },
    {
      name: "puts a point on a boundary in the later bucket",
      points: [obs("a", "up", 1, 3 * HOUR)],
      bucket: 3,
      want: { checks: 1, failures: 0, availability: 1 },
    },
  ])("bucketSeries() $name", ({ points, bucket, want }) => {
    const s = bucketSeries(points, range).services.find((x) => x.service === "a")!;
    expect(s.buckets).toHaveLength(4);
    expect(s.buckets[bucket]).toMatchObject({ t: bucket * HOUR, ...want });
  });

  it("bucketSeries() drops points outside the range and lists configured services with no data", () => {
    const res = bucketSeries([obs("a", "up", 1, -1), obs("a", "up", 1, 4 * HOUR)], range, ["b"]);
    expect(res.services.map((s) => s.service)).toEqual(["b"]);
    expect(res.services[0]).toMatchObject({ service: "b", checks: 0, availability: null, p95: null });
  });

  it("bucketSeries() sums availability and p95 over the whole range", () => {
    const points = Array.from({ length: 40 }, (_, i) => obs("a", i < 4 ? "down" : "up", i, i * 6 * MIN));
    const s = bucketSeries(points, range).services[0]!;
    expect(s.checks).toBe(40);
    expect(s.availability).toBeCloseTo(0.9);
    expect(s.p95).toBe(38);
  });
});

describe("SeriesReader", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  const insert = (service: string, status: string, latency: number | null, at: number) =>
    db.prepare("INSERT INTO observations (service, kind, status, latency_ms, at) VALUES (?, 'test', ?, ?, ?)").run(service, status, latency, at);

  beforeEach(() => {
    dir = tempDir();
    db = openStore(`${dir.path}/tracker.sqlite`);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it("read() agrees with bucketSeries() over the same observations", async () => {
    const points: ObservationPoint[] = [];
    for (let t = NOW - 24 * HOUR; t < NOW; t += 7 * MIN) {
      const p = { service: t % 3 ? "mlx" : "ollama", status: t % 5 ? "up" : "down", latency_ms: (t / MIN) % 50, at: t };
      points.push(p);
      insert(p.service, p.status, p.latency_ms, p.at);
    }
    const range = seriesRange(NOW, 24, 96);
    expect(await new SeriesReader(db).read(range, ["whisper"], NOW)).toEqual(bucketSeries(points, range, ["whisper"]));
  });

  it("read() keeps settled buckets and re-reads the current one", async () => {
    const reader = new SeriesReader(db, { settleMs: 2 * MIN });
    const range = seriesRange(NOW, 24, 96);
    insert("mlx", "up", 10, NOW - 2 * HOUR);
    insert("mlx", "up", 10, NOW - MIN);
    await reader.read(range, [], NOW);
    // A write into a bucket that had settled is not read again; one into the current bucket is.
    insert("mlx", "down", null, NOW - 2 * HOUR + 1);
    insert("mlx", "down", null, NOW - MIN + 1);
    const s = (await reader.read(range, [], NOW)).services[0]!;
    const old = s.buckets.find((b) => b.t <= NOW - 2 * HOUR && NOW - 2 * HOUR < b.t + range.bucketMs)!;
    const current = s.buckets[s.buckets.length - 1]!;
    expect(old).toMatchObject({ checks: 1, failures: 0 });
    expect(current).toMatchObject({ checks: 2, failures: 1 });
  });
});
