import { describe, expect, it } from "vitest";
import { cellText, formatMs, formatPercent, relativeTime, statusClass, toTime } from "../../../src/board/public/format.ts";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");

describe("format helpers", () => {
  it.each([
    { name: "seconds ago", t: NOW - 10_000, want: "just now" },
    { name: "minutes", t: NOW - 5 * 60_000, want: "5 min ago" },
    { name: "hours", t: NOW - 3 * 3_600_000, want: "3 h ago" },
    { name: "days", t: NOW - 3 * 86_400_000, want: "3 d ago" },
    { name: "a clock ahead of ours", t: NOW + 3_600_000, want: "in the future" },
  ])("relativeTime() says $want for $name", ({ t, want }) => {
    expect(relativeTime(t, NOW)).toBe(want);
  });

  it.each([
    { v: null, want: "—" },
    { v: 0.44, want: "0.4 ms" },
    { v: 38.4, want: "38 ms" },
    { v: 1260, want: "1.3 s" },
  ])("formatMs($v) is $want", ({ v, want }) => {
    expect(formatMs(v)).toBe(want);
  });

  it.each([
    { v: null, want: "—" },
    { v: 1, want: "100%" },
    { v: 0.9972, want: "99.72%" },
    { v: 0.715, want: "71.5%" },
    { v: 0, want: "0%" },
  ])("formatPercent($v) is $want", ({ v, want }) => {
    expect(formatPercent(v)).toBe(want);
  });

  it.each([
    { name: "ISO text", v: "2026-03-01T12:00:00.000Z", want: NOW },
    { name: "ms", v: NOW, want: NOW },
    { name: "not a date", v: "soon", want: null },
    { name: "empty", v: "", want: null },
    { name: "null", v: null, want: null },
  ])("toTime() reads $name", ({ v, want }) => {
    expect(toTime(v)).toBe(want);
  });

  it.each([
    { v: ["a", "b"], want: "a, b" },
    { v: null, want: "" },
    { v: 12.5, want: "12.5" },
  ])("cellText($v) is '$want'", ({ v, want }) => {
    expect(cellText(v)).toBe(want);
  });

  it.each([
    { v: "Verified", want: "verified" },
    { v: "wrong-service", want: "wrong-service" },
    { v: '" onmouseover="x', want: "-onmouseover-x" },
    { v: undefined, want: "unknown" },
  ])("statusClass($v) is a safe class token", ({ v, want }) => {
    expect(statusClass(v)).toBe(want);
  });
});
