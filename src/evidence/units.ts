/**
 * What kind of quantity a metric measures, and the units a threshold may be written in. Values are held in
 * one base unit per kind (ms, %, MB, plain numbers), so a threshold of `5s` compares with a reading of 3200 ms.
 */
export type UnitKind = "time" | "percent" | "ratio" | "rate" | "bool" | "bytes";

/** The units a threshold of each kind accepts and their factor to the base unit; "" means "no unit". */
export const UNIT_FACTORS: Readonly<Record<UnitKind, Readonly<Record<string, number>>>> = {
  time: { ms: 1, s: 1000, m: 60_000, h: 3_600_000 },
  percent: { "%": 1 },
  ratio: { "": 1 },
  rate: { "": 1 },
  bool: {},
  bytes: { MB: 1, GB: 1024 },
};

/** Every unit the language knows, longest first so `ms` is read before `m`. */
export const KNOWN_UNITS = ["ms", "MB", "GB", "s", "m", "h", "%"] as const;

/** How each kind is described in error messages. */
export const UNIT_KIND_NAMES: Readonly<Record<UnitKind, string>> = {
  time: "a time",
  percent: "a percentage",
  ratio: "a ratio",
  rate: "a rate per second",
  bool: "true or false",
  bytes: "a size",
};

/** What to write for each kind, for error messages: "use ms, s, m or h". */
export function unitHint(kind: UnitKind): string {
  switch (kind) {
    case "time":
      return "give a time unit (ms, s, m or h), e.g. 500ms";
    case "percent":
      return "give it in %, e.g. 99%";
    case "bytes":
      return "give a size in MB or GB, e.g. 512MB";
    case "ratio":
    case "rate":
      return "write a plain number without a unit, e.g. 0.8";
    case "bool":
      return "write the metric alone, or compare it with == true / == false";
  }
}

/** Formats a base-unit value in the given unit with up to three significant digits: 3200 ms in "s" is "3.2s". */
export function formatInUnit(value: number, kind: UnitKind, unit: string): string {
  const factor = UNIT_FACTORS[kind][unit] ?? 1;
  return `${roundSignificant(value / factor)}${unit}`;
}

/** The unit a reading is shown in when no threshold names one: the largest that keeps the number above 1. */
export function naturalUnit(value: number, kind: UnitKind): string {
  if (kind === "time") {
    if (Math.abs(value) >= 3_600_000) return "h";
    if (Math.abs(value) >= 60_000) return "m";
    if (Math.abs(value) >= 1000) return "s";
    return "ms";
  }
  if (kind === "bytes") return Math.abs(value) >= 1024 ? "GB" : "MB";
  if (kind === "percent") return "%";
  return "";
}

export function roundSignificant(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  // Three significant digits, but never round away digits left of the decimal point.
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(abs)));
  return String(Number(value.toFixed(decimals)));
}
