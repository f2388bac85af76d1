import { describe, expect, it } from "vitest";
import type { Criterion, ParseResult } from "../../src/evidence/criterion.ts";
import { parseCriteria } from "../../src/evidence/parse-criteria.ts";
import { prng } from "../helpers/prng.ts";

const SERVICES = ["mlx", "ollama", "lmstudio", "whisper", "tts", "vision", "host"];

/** The reference criteria of the templates, plus every metric at least once. */
const VALID_LINES = [
  "router.overhead.p95 < 2ms over 1h",
  "availability(mlx, ollama, lmstudio) >= 99% over 24h",
  'model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit")',
  "model.load_time(mlx) < 5s",
  "pipeline.voice.success_rate >= 95% over 1h",
  "pipeline.voice.rtf < 1",
  "pipeline.vision.success_rate >= 95% over 1h",
  "health.check_interval.max <= 30s over 1h",
  "alerts.delivered(service_down) over 7d",
  "host.memory.used_pct < 90%",
  "host.memory.available_mb >= 2GB",
  "latency.p50(ollama) < 200ms over 5m",
  "router.success_rate >= 99.5%",
  "router.availability >= 99% over 7d",
  "benchmark.tokens_per_s(ollama) >= 20",
  'benchmark.ttft(mlx, "Llama-3.2-3B-Instruct-4bit") < 500ms',
  "pipeline.vision.latency.p95 < 10s",
  "health.check_interval.p95(mlx, ollama) <= 35s over 24h",
];

function lineResult(r: ParseResult, line: number) {
  return { criterion: r.criteria.find((c) => c.line === line), error: r.errors.find((e) => e.line === line) };
}

describe("parseCriteria() valid lines", () => {
  it.each([
    {
      name: "a percentile with a unit and a window",
      text: "router.overhead.p95 < 2ms over 1h",
      want: { metric: "router.overhead.p95", args: [], comparison: { op: "<", value: 2, unit: "ms", implicit: false }, windowMs: 3_600_000, window: "1h", windowExplicit: true, critical: false },
    },
    {
      name: "several service arguments and a percentage",
      text: "availability(mlx, ollama, lmstudio) >= 99% over 24h",
      want: { metric: "availability", args: [{ value: "mlx", quoted: false, column: 14 }, { value: "ollama", quoted: false, column: 19 }, { value: "lmstudio", quoted: false, column: 27 }], comparison: { op: ">=", value: 99 } },
    },
    {
      name: "a boolean metric alone means == true",
      text: 'model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit")',
      want: { args: [{ value: "mlx", quoted: false }, { value: "Llama-3.2-3B-Instruct-4bit", quoted: true }], comparison: { op: "==", value: true, implicit: true }, window: "5m", windowExplicit: false },
    },
    { name: "seconds convert to ms", text: "model.load_time(mlx) < 5s", want: { comparison: { value: 5000, unit: "s", text: "5s" }, window: "24h" } },
    { name: "minutes and hours convert to ms", text: "health.check_interval.max <= 1.5m over 2h", want: { comparison: { value: 90_000, unit: "m" }, windowMs: 7_200_000 } },
    { name: "GB converts to MB", text: "host.memory.available_mb >= 2GB", want: { comparison: { op: ">=", value: 2048, unit: "GB" } } },
    { name: "a ratio takes no unit", text: "pipeline.voice.rtf < 1 over 1h", want: { comparison: { op: "<", value: 1, unit: "" } } },
    { name: "a leading ! marks it critical", text: "! host.memory.used_pct < 90%", want: { critical: true, metric: "host.memory.used_pct", text: "host.memory.used_pct < 90%" } },
    { name: "!= and == compare booleans", text: "alerts.delivered(service_down) != false over 7d", want: { comparison: { op: "!=", value: false, implicit: false }, windowMs: 7 * 86_400_000 } },
    { name: "a space between number and unit", text: "latency.p95(mlx) < 500 ms", want: { comparison: { value: 500, unit: "ms" }, text: "latency.p95(mlx) < 500ms" } },
    { name: "no spaces at all", text: "router.success_rate>=99%over 1h", want: { comparison: { op: ">=", value: 99 }, text: "router.success_rate >= 99% over 1h" } },
    { name: "a trailing comment", text: "router.success_rate >= 99%   # from the SLO", want: { text: "router.success_rate >= 99%" } },
    { name: "a list bullet", text: "- latency.p99(ollama) < 1s", want: { metric: "latency.p99" } },
    { name: "a quoted string with an escaped quote and a #", text: 'model.loaded(ollama, "we\\"ird #1")', want: { args: [{ value: "ollama" }, { value: 'we"ird #1', quoted: true }] } },
    { name: "empty parentheses on optional arguments", text: "health.check_interval.max() <= 30s", want: { args: [] } },
    { name: "any duration as a window", text: "router.success_rate >= 90% over 90s", want: { windowMs: 90_000, window: "90s" } },
  ])("parseCriteria() reads $name", ({ text, want }) => {
    const r = parseCriteria(text, { services: SERVICES });
    expect(r.errors).toEqual([]);
    expect(r.criteria).toHaveLength(1);
    expect(r.criteria[0]).toMatchObject({ line: 1, ...want });
  });

  it("parseCriteria() skips blank lines and comments and numbers lines from 1", () => {
    const r = parseCriteria("# FR-001\n\n   \nrouter.success_rate >= 99%\r\n  # note\nrouter.overhead.p95 < 2ms");
    expect(r.errors).toEqual([]);
    expect(r.criteria.map((c) => c.line)).toEqual([4, 6]);
  });

  it.each(VALID_LINES.map((line) => ({ line })))("parseCriteria() accepts and round-trips $line", ({ line }) => {
    const r = parseCriteria(line, { services: SERVICES });
    expect(r.errors).toEqual([]);
    const again = parseCriteria(r.criteria[0]!.text, { services: SERVICES });
    expect(again.criteria[0]).toEqual(r.criteria[0]);
  });
});

describe("parseCriteria() errors", () => {
  it.each([
    { name: "unknown metric, with the nearest", text: "router.overhed.p95 < 2ms", column: 1, message: /unknown metric "router.overhed.p95"; did you mean "router.overhead.p95"/ },
    { name: "unknown metric after a critical mark", text: "! availabilty(mlx) >= 99%", column: 3, message: /did you mean "availability"/ },
    { name: "a latency without a time unit", text: "latency.p95(mlx) < 500", column: 23, message: /latency.p95 is a time: no unit; give a time unit/ },
    { name: "a latency in %", text: "latency.p95(mlx) < 5%", column: 21, message: /"%" does not fit/ },
    { name: "availability without %", text: "availability(mlx) >= 99", column: 24, message: /availability is a percentage: no unit/ },
    { name: "availability in ms", text: "availability(mlx) >= 99ms", column: 24, message: /percentage: "ms" does not fit/ },
    { name: "a percentage over 100", text: "router.success_rate >= 101%", column: 24, message: /between 0 and 100/ },
    { name: "a ratio with a unit", text: "pipeline.voice.rtf < 1s", column: 23, message: /ratio: "s" does not fit/ },
    { name: "an unknown unit glued to the number", text: "router.overhead.p95 < 2sec", column: 24, message: /unknown unit "sec"/ },
    { name: "an unknown unit after a space", text: "latency.p95(mlx) < 5 parsecs", column: 22, message: /unknown unit "parsecs"/ },
    { name: "a size without a unit", text: "host.memory.available_mb > 512", column: 31, message: /size: no unit/ },
    { name: "a single =", text: "router.success_rate = 99%", column: 21, message: /use == for equality/ },
    { name: "=> instead of >=", text: "router.success_rate => 99%", column: 21, message: /did you mean ">="/ },
    { name: "no comparison on a number metric", text: "router.success_rate over 1h", column: 21, message: /needs a comparison/ },
    { name: "a number for a boolean metric", text: "model.loaded(mlx, \"m\") == 1", column: 27, message: /true or false/ },
    { name: "< on a boolean metric", text: "alerts.delivered(service_down) < true", column: 32, message: /compare it with == or !=/ },
    { name: "true for a number metric", text: "router.success_rate == true", column: 24, message: /compare it with a number/ },
    { name: "a missing argument", text: "model.loaded(mlx)", column: 17, message: /needs another argument \(model\)/ },
    { name: "no arguments where needed", text: "availability >= 99%", column: 13, message: /availability needs argument \(service\)/ },
    { name: "arguments where none are taken", text: "router.success_rate(mlx) >= 99%", column: 20, message: /takes no arguments/ },
    { name: "too many arguments", text: 'model.loaded(mlx, "a", "b")', column: 24, message: /takes at most 2/ },
    { name: "an unknown service", text: "availability(mlx, olama) >= 99%", column: 19, message: /no service named "olama" in the config; did you mean "ollama"/ },
    { name: "an unknown alert kind", text: "alerts.delivered(service_dwn)", column: 18, message: /unknown alert kind "service_dwn"; did you mean "service_down"/ },
    { name: "a missing )", text: "availability(mlx, ollama >= 99%", column: 26, message: /expected "," or "\)"/ },
    { name: "a line ending inside the arguments", text: "availability(mlx,", column: 18, message: /expected a name or a "quoted string"/ },
    { name: "an unterminated string", text: 'model.loaded(mlx, "Llama', column: 19, message: /unterminated string/ },
    { name: "over without a window", text: "router.success_rate >= 99% over", column: 32, message: /expected a window after "over"/ },
    { name: "a window of 0", text: "router.success_rate >= 99% over 0m", column: 33, message: /longer than 0/ },
    { name: "a window unit that is not a duration", text: "router.success_rate >= 99% over 1y", column: 33, message: /expected a window/ },
    { name: "trailing words", text: "router.success_rate >= 99% over 1h please", column: 36, message: /unexpected "please"/ },
    { name: "no metric at all", text: ">= 99%", column: 1, message: /expected a metric name/ },
    { name: "a number missing after the operator", text: "router.success_rate >= %", column: 24, message: /expected a number after ">="/ },
  ])("parseCriteria() reports $name at its column", ({ text, column, message }) => {
    const r = parseCriteria(`# heading\n${text}`, { services: SERVICES });
    expect(r.criteria).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 2, column });
    expect(r.errors[0]!.message).toMatch(message);
  });

  it("parseCriteria() reports every bad line and keeps the good ones", () => {
    const r = parseCriteria("router.success_rate >= 99%\nbogus < 1\nrouter.overhead.p95 < 2\nlatency.p95(mlx) < 1s");
    expect(r.criteria.map((c) => c.line)).toEqual([1, 4]);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 1],
      [3, 24],
    ]);
  });

  it("parseCriteria() accepts any service name when the config is not given", () => {
    expect(parseCriteria("availability(anything) >= 1%").errors).toEqual([]);
  });
});


const ALPHABET = 'abcdefghijklmnopqrstuvwxyz.ABCXYZ_0123456789 ()<>=!,"\\#%-*•\t\n\r\u00a0é😀msMBGhover';
const IGNORED = /^[ \t\u00a0]*(?:#.*)?$|^[ \t\u00a0]*[-*•](?:[ \t\u00a0]+(?:#.*)?)?$/;

function withoutPositions(c: Criterion) {
  return { ...c, line: 0, args: c.args.map((a) => ({ ...a, column: 0 })) };
}

function checkInvariants(text: string): void {
  let r: ParseResult;
  expect(() => (r = parseCriteria(text, { services: SERVICES }))).not.toThrow();
  const lines = text.split(/\r\n|\n|\r/);
  const seen = new Set<number>();
  for (const e of r!.errors) {
    expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines.length, `line of ${JSON.stringify(e)} in ${JSON.stringify(text)}`).toBe(true);
    expect(e.column >= 1 && e.column <= lines[e.line - 1]!.length + 1, `column of ${JSON.stringify(e)} in ${JSON.stringify(text)}`).toBe(true);
    expect(e.message).not.toMatch(/internal error/);
    expect(seen.has(e.line)).toBe(false);
    seen.add(e.line);
  }
  for (const c of r!.criteria) {
    expect(seen.has(c.line)).toBe(false);
    seen.add(c.line);
  }
  lines.forEach((line, i) => {
    const { criterion, error } = lineResult(r!, i + 1);
    if (IGNORED.test(line)) expect(criterion ?? error, `ignored line ${JSON.stringify(line)}`).toBeUndefined();
    else expect(criterion ?? error, `line ${i + 1} ${JSON.stringify(line)} neither parsed nor reported`).toBeDefined();
  });
}

describe("parseCriteria() fuzzed", () => {
  it("parseCriteria() never throws and reports every bad line of random text with its position", () => {
    const rand = prng(20251125);
    for (let n = 0; n < 3000; n++) {
      const len = Math.floor(rand() * 60);
      let text = "";
      for (let i = 0; i < len; i++) text += ALPHABET[Math.floor(rand() * ALPHABET.length)];
      checkInvariants(text);
    }
  });

  it("parseCriteria() never throws on mutations of valid criteria, and what parses round-trips", () => {
    const rand = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    for (let n = 0; n < 5000; n++) {
      const lines = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(VALID_LINES));
      let text = lines.join("\n");
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (text.length + 1));
        const op = rand();
        if (op < 0.33) text = text.slice(0, at) + text.slice(at + 1);
        else if (op < 0.66) text = text.slice(0, at) + pick([...ALPHABET]) + text.slice(at);
        else text = text.slice(0, at) + pick([...ALPHABET]) + text.slice(at + 1);
      }
      checkInvariants(text);
      for (const c of parseCriteria(text, { services: SERVICES }).criteria) {
        const again = parseCriteria(c.text, { services: SERVICES }).criteria[0];
        expect(again && withoutPositions(again)).toEqual(withoutPositions({ ...c, critical: false }));
      }
    }
  });
});
