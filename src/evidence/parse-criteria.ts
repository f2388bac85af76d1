import { parseDuration } from "../shared/duration.ts";
import { COMPARISON_OPS, type Comparison, type ComparisonOp, type Criterion, type CriterionArg, type ParseError, type ParseResult } from "./criterion.ts";
import { ALERT_KINDS } from "../monitor/alerts/alert.ts";
import { metricSignature, type ArgSpec, type MetricDef } from "./metrics/metric.ts";
import { METRICS } from "./metrics/registry.ts";
import { nearest } from "./nearest.ts";
import { KNOWN_UNITS, UNIT_FACTORS, UNIT_KIND_NAMES, unitHint, type UnitKind } from "./units.ts";

/** What the parser checks arguments against. */
export interface ParseCriteriaOptions {
  /** The configured service names; when given, a service argument must be one of them. */
  services?: readonly string[];
}

const MAX_WINDOW_MS = 366 * 86_400_000;
const EXAMPLES: Record<UnitKind, string> = { time: "< 500ms", percent: ">= 99%", ratio: "< 1", rate: ">= 20", bytes: ">= 512MB", bool: "" };

/**
 * The criteria language, one criterion per line:
 *
 *     [!] metric[(arg, "quoted arg", …)] [op value[unit]] [over window]   # comment
 *
 * - `op` is one of < <= > >= == !=; units are ms s m h (time), % (percentages), MB GB (sizes) or none
 *   (ratios, rates); a window is a duration: over 5m, 1h, 24h, 7d.
 * - A boolean metric (model.loaded, alerts.delivered) may stand alone, meaning `== true`.
 * - A leading `!` marks the criterion critical: if it fails, the requirement is Failing.
 * - Blank lines and `#` comments are ignored; a leading list bullet (`- `, `* `, `• `) is allowed.
 * Every problem is reported with its 1-based line and column, one per line; parsing never throws.
 */
export function parseCriteria(text: string, options: ParseCriteriaOptions = {}): ParseResult {
  const criteria: Criterion[] = [];
  const errors: ParseError[] = [];
  String(text)
    .split(/\r\n|\n|\r/)
    .forEach((source, i) => {
      const line = i + 1;
      try {
        const c = new LineParser(source, line, options.services).parse();
        if (c) criteria.push(c);
      } catch (err) {
        if (err instanceof LineError) errors.push({ line, column: err.column, message: err.message });
        else errors.push({ line, column: 1, message: `could not read this line (internal error: ${err instanceof Error ? err.message : String(err)})` });
      }
    });
  return { criteria, errors };
}

class LineError extends Error {
  readonly column: number;
  constructor(column: number, message: string) {
    super(message);
    this.column = column;
  }
}

const isSpace = (ch: string | undefined): boolean => ch === " " || ch === "\t" || ch === "\u00a0";
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

class LineParser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly line: number,
    private readonly services: readonly string[] | undefined,
  ) {}

  parse(): Criterion | null {
    this.skipSpace();
    if (this.atEnd()) return null;
    if (/^[-*•]/.test(this.rest()) && (isSpace(this.src[this.pos + 1]) || this.pos + 1 >= this.src.length)) {
      this.pos++;
      this.skipSpace();
      if (this.atEnd()) return null;
    }
    let critical = false;
    if (this.src[this.pos] === "!") {
      critical = true;
      this.pos++;
      this.skipSpace();
    }
    const def = this.metricName();
    const afterName = this.pos;
    this.skipSpace();
    let args: CriterionArg[] = [];
    let parenColumn: number | undefined;
    let closeColumn = afterName + 1;
    if (this.src[this.pos] === "(") {
      parenColumn = this.col();
      args = this.argList();
      closeColumn = this.col() - 1;
      this.skipSpace();
    }
    this.checkArgs(def, args, parenColumn, closeColumn);
    const comparison = this.comparison(def);
    this.skipSpace();
    const window = this.window(def);
    this.skipSpace();
    if (!this.atEnd()) {
      const word = /^\S{1,24}/.exec(this.rest())![0];
      throw this.error(`unexpected "${word}"; a criterion is metric[(args)] [op value] [over window]`);
    }
    const argText = args.length > 0 ? `(${args.map((a) => (a.quoted ? `"${a.value.replace(/[\\"]/g, "\\$&")}"` : a.value)).join(", ")})` : "";
    const text = `${def.name}${argText}${comparison.implicit ? "" : ` ${comparison.op} ${comparison.text}`}${window.explicit ? ` over ${window.text}` : ""}`;
    return {
      line: this.line,
      text,
      critical,
      metric: def.name,
      args,
      comparison,
      windowMs: window.ms,
      window: window.text,
      windowExplicit: window.explicit,
    };
  }

  private metricName(): MetricDef {
    const start = this.col();
    const m = /^[A-Za-z0-9_.]+/.exec(this.rest());
    if (!m) throw this.error(`expected a metric name, e.g. availability(mlx) >= 99% over 24h${this.atEnd() ? "" : `; got "${this.src[this.pos]}"`}`);
    this.pos += m[0].length;
    const def = METRICS.get(m[0]);
    if (!def) throw new LineError(start, `unknown metric "${m[0]}"; did you mean "${nearest(m[0], METRICS.keys())}"?`);
    return def;
  }

  private argList(): CriterionArg[] {
    this.pos++; // "("
    const args: CriterionArg[] = [];
    this.skipSpace();
    if (this.src[this.pos] === ")") {
      this.pos++;
      return args;
    }
    for (;;) {
      args.push(this.arg());
      this.skipSpace();
      const ch = this.src[this.pos];
      if (ch === ",") {
        this.pos++;
        this.skipSpace();
        continue;
      }
      if (ch === ")") {
        this.pos++;
        return args;
      }
      if (this.atEnd()) throw this.error(`missing ")" to close the arguments`);
      throw this.error(`expected "," or ")" after an argument; got "${ch}"`);
    }
  }

  private arg(): CriterionArg {
    const column = this.col();
    if (this.src[this.pos] === '"') {
      let value = "";
      let i = this.pos + 1;
      for (; i < this.src.length && this.src[i] !== '"'; i++) {
        if (this.src[i] === "\\" && i + 1 < this.src.length) i++;
        value += this.src[i];
      }
      if (i >= this.src.length) throw new LineError(column, "unterminated string: a closing \" is missing");
      this.pos = i + 1;
      if (value.trim() === "") throw new LineError(column, "an empty argument");
      return { value, quoted: true, column };
    }
    const m = /^[A-Za-z0-9_][A-Za-z0-9_.\-]*/.exec(this.rest());
    if (!m) {
      throw this.error(`expected a name or a "quoted string" as an argument${this.atEnd() ? "" : `; got "${this.src[this.pos]}"`}`);
    }
    this.pos += m[0].length;
    return { value: m[0], quoted: false, column };
  }

  private checkArgs(def: MetricDef, args: CriterionArg[], parenColumn: number | undefined, closeColumn: number): void {
    const specs = def.args;
    const signature = metricSignature(def);
    if (specs.length === 0 && args.length > 0) throw new LineError(parenColumn!, `${def.name} takes no arguments`);
    const required = specs.filter((s) => !s.optional).length;
    if (args.length < required) {
      const what = specs[args.length]!.name;
      throw new LineError(closeColumn, `${def.name} needs ${args.length === 0 ? "" : "another "}argument (${what}): ${signature}`);
    }
    const repeats = specs.at(-1)?.repeat ?? false;
    if (!repeats && args.length > specs.length) {
      throw new LineError(args[specs.length]!.column, `${def.name} takes at most ${specs.length} argument(s): ${signature}`);
    }
    args.forEach((a, i) => this.checkArg(specs[Math.min(i, specs.length - 1)]!, a));
  }

  private checkArg(spec: ArgSpec, a: CriterionArg): void {
    switch (spec.kind) {
      case "service":
        if (this.services && !this.services.includes(a.value)) {
          const hint = nearest(a.value, this.services);
          throw new LineError(a.column, `no service named "${a.value}" in the config${hint ? `; did you mean "${hint}"?` : ""}`);
        }
        return;
      case "alertKind":
        if (!(ALERT_KINDS as readonly string[]).includes(a.value)) {
          throw new LineError(a.column, `unknown alert kind "${a.value}"; did you mean "${nearest(a.value, ALERT_KINDS)}"? (kinds: ${ALERT_KINDS.join(", ")})`);
        }
        return;
      case "model":
        return;
    }
  }

  private comparison(def: MetricDef): Comparison {
    const opColumn = this.col();
    const op = this.operator();
    if (!op) {
      if (def.unit === "bool") return { op: "==", value: true, unit: "", text: "true", implicit: true };
      throw this.error(`${def.name} needs a comparison, e.g. ${def.name}${def.args.length > 0 && !def.args[0]!.optional ? "(…)" : ""} ${EXAMPLES[def.unit]}`);
    }
    this.skipSpace();
    const valueColumn = this.col();
    const word = /^(true|false)(?![A-Za-z0-9_])/.exec(this.rest());
    if (word) {
      this.pos += word[0].length;
      if (def.unit !== "bool") throw new LineError(valueColumn, `${def.name} is ${UNIT_KIND_NAMES[def.unit]}: compare it with a number, e.g. ${EXAMPLES[def.unit]}`);
      if (op !== "==" && op !== "!=") throw new LineError(opColumn, `${def.name} is true or false: compare it with == or !=`);
      return { op, value: word[1] === "true", unit: "", text: word[1]!, implicit: false };
    }
    const num = /^\d+(\.\d+)?/.exec(this.rest());
    if (!num) throw this.error(`expected a number after "${op}"${def.unit === "bool" ? " (or true / false)" : ""}`);
    this.pos += num[0].length;
    const number = Number(num[0]);
    if (!Number.isFinite(number)) throw new LineError(valueColumn, "the number is too large");
    if (def.unit === "bool") throw new LineError(valueColumn, `${def.name} is true or false: ${unitHint("bool")}`);
    const afterNumber = this.pos;
    this.skipSpace();
    const unitColumn = this.col();
    const unit = this.unit(afterNumber);
    const factors = UNIT_FACTORS[def.unit];
    if (!(unit in factors)) {
      const where = unit === "" ? afterNumber + 1 : unitColumn;
      const got = unit === "" ? "no unit" : `"${unit}" does not fit`;
      throw new LineError(where, `${def.name} is ${UNIT_KIND_NAMES[def.unit]}: ${got}; ${unitHint(def.unit)}`);
    }
    if (def.unit === "percent" && number > 100) throw new LineError(valueColumn, "a percentage is between 0 and 100");
    return { op, value: number * factors[unit]!, unit, text: `${num[0]}${unit}`, implicit: false };
  }

  private operator(): ComparisonOp | undefined {
    const rest = this.rest();
    const op = COMPARISON_OPS.find((o) => rest.startsWith(o));
    if (op) {
      this.pos += op.length;
      return op;
    }
    if (rest.startsWith("=>") || rest.startsWith("=<")) throw this.error(`"${rest.slice(0, 2)}" is not a comparison; did you mean "${rest[1]}="?`);
    if (rest.startsWith("=")) throw this.error(`"=" is not a comparison; use == for equality`);
    if (rest.startsWith("!")) throw this.error(`expected a comparison (<, <=, >, >=, ==, !=)`);
    return undefined;
  }

  /** A unit right after the number (or after spaces); "" when none. A word there that is no unit (nor `over`) is an error. */
  private unit(afterNumber: number): string {
    const rest = this.rest();
    const unit = KNOWN_UNITS.find((u) => rest.startsWith(u) && (u === "%" || !isWordChar(rest[u.length])));
    if (unit) {
      this.pos += unit.length;
      return unit;
    }
    if (isWordChar(rest[0]) && !/^over(?![A-Za-z_])/.test(rest)) {
      const word = /^[A-Za-z0-9_]+/.exec(rest)![0];
      throw this.error(`unknown unit "${word}" (units: ${KNOWN_UNITS.join(" ")})`);
    }
    this.pos = afterNumber;
    return "";
  }

  private window(def: MetricDef): { ms: number; text: string; explicit: boolean } {
    if (!/^over(?![A-Za-z_])/.test(this.rest())) return { ms: parseDuration(def.defaultWindow)!, text: def.defaultWindow, explicit: false };
    this.pos += 4;
    this.skipSpace();
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)(?![A-Za-z0-9_])/.exec(this.rest());
    if (!m) throw this.error(`expected a window after "over", e.g. over 5m, over 1h, over 7d`);
    const ms = parseDuration(m[0])!;
    if (!(ms > 0)) throw this.error("a window must be longer than 0");
    if (ms > MAX_WINDOW_MS) throw this.error("a window can be at most 366d");
    this.pos += m[0].length;
    return { ms, text: m[0], explicit: true };
  }

  private rest(): string {
    return this.src.slice(this.pos);
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length || this.src[this.pos] === "#";
  }

  private skipSpace(): void {
    while (isSpace(this.src[this.pos])) this.pos++;
  }

  private col(): number {
    return this.pos + 1;
  }

  private error(message: string): LineError {
    return new LineError(this.col(), message);
  }
}
