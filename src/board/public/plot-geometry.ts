/** The smallest "nice" number (1, 2, 2.5, 5 × 10^n) at or above `v`, for a plot's top line. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const exp = Math.floor(Math.log10(v));
  const base = 10 ** exp;
  for (const step of [1, 2, 2.5, 5, 10]) if (step * base >= v - 1e-9) return step * base;
  return 10 * base;
}

/**
 * An SVG path through the values, one point per slot across `width`, scaled so `max` is at the top.
 * Null values break the line (no data), instead of drawing a misleading slope across the gap.
 */
export function linePath(values: readonly (number | null)[], width: number, height: number, max: number): string {
  if (values.length === 0) return "";
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const parts: string[] = [];
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const x = round(values.length > 1 ? i * step : width / 2);
    const y = round(height - (Math.min(v, max) / max) * height);
    parts.push(`${pen ? "L" : "M"}${x} ${y}`);
    pen = true;
  });
  return parts.join("");
}

/** Which colour band an availability ratio falls in, for the availability strip. */
export function availabilityBand(a: number | null): "none" | "good" | "fair" | "poor" | "bad" {
  if (a === null) return "none";
  if (a >= 0.999) return "good";
  if (a >= 0.99) return "fair";
  if (a >= 0.9) return "poor";
  return "bad";
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
