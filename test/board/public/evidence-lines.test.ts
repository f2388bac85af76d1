import { describe, expect, it } from "vitest";
import { parseEvidence } from "../../../src/board/public/evidence-lines.ts";

describe("parseEvidence()", () => {
  it.each([
    { name: "a passing line with its measurement", text: "🟢 router.overhead.p95 < 2ms over 1h — 0.4ms vs < 2ms", want: [{ result: "pass", criterion: "router.overhead.p95 < 2ms over 1h", measured: "0.4ms vs < 2ms" }] },
    { name: "a failing line with 'measured' wording", text: "🔴 model.load_time(mlx) < 5s — measured 7.2s", want: [{ result: "fail", criterion: "model.load_time(mlx) < 5s", measured: "7.2s" }] },
    { name: "an unverified line", text: "⚪ pipeline.vision.success_rate >= 95% over 1h — no data", want: [{ result: "unverified", criterion: "pipeline.vision.success_rate >= 95% over 1h", measured: "no data" }] },
    { name: "a critical criterion keeps its mark", text: "🔴 ! availability(mlx) >= 99% over 24h — 97% vs >= 99%", want: [{ result: "fail", criterion: "! availability(mlx) >= 99% over 24h", measured: "97% vs >= 99%" }] },
    { name: "a parse error", text: "⛔ line 1:9: unknown metric \"pipline\"", want: [{ result: "fail", criterion: 'line 1:9: unknown metric "pipline"', measured: null }] },
    { name: "text without a mark is kept as a note", text: "evaluated by hand", want: [{ result: "note", criterion: "evaluated by hand", measured: null }] },
    { name: "blank lines and CRLF", text: "🟢 a — 1\r\n\r\n🔴 b — 2\n", want: [{ result: "pass", criterion: "a", measured: "1" }, { result: "fail", criterion: "b", measured: "2" }] },
    { name: "an empty cell", text: "", want: [] },
  ])("parseEvidence() reads $name", ({ text, want }) => {
    expect(parseEvidence(text)).toEqual(want);
  });
});
