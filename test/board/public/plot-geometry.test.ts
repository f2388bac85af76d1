import { describe, expect, it } from "vitest";
import { availabilityBand, linePath, niceCeil } from "../../../src/board/public/plot-geometry.ts";

describe("niceCeil()", () => {
  it.each([
    { v: 0, want: 1 },
    { v: 0.3, want: 0.5 },
    { v: 1, want: 1 },
    { v: 38, want: 50 },
    { v: 120, want: 200 },
    { v: 2400, want: 2500 },
    { v: Number.NaN, want: 1 },
  ])("niceCeil($v) is $want", ({ v, want }) => {
    expect(niceCeil(v)).toBeCloseTo(want);
  });
});

describe("linePath()", () => {
  it.each([
    { name: "no values", values: [], want: "" },
    { name: "a line from bottom to top", values: [0, 5, 10], want: "M0 10L50 5L100 0" },
    { name: "a gap where there is no data", values: [10, null, 10], want: "M0 0M100 0" },
    { name: "values over the top are clipped", values: [20, 0], want: "M0 0L100 10" },
    { name: "one value sits in the middle", values: [5], want: "M50 5" },
  ])("linePath() draws $name", ({ values, want }) => {
    expect(linePath(values, 100, 10, 10)).toBe(want);
  });
});

describe("availabilityBand()", () => {
  it.each([
    { a: null, want: "none" },
    { a: 1, want: "good" },
    { a: 0.995, want: "fair" },
    { a: 0.95, want: "poor" },
    { a: 0.5, want: "bad" },
  ])("availabilityBand($a) is $want", ({ a, want }) => {
    expect(availabilityBand(a)).toBe(want);
  });
});
