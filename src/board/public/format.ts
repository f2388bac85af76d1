/** A date cell (ISO text or ms) as ms since the epoch, or null when it is not a date. */
export function toTime(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim()) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function relativeTime(t: number, now: number): string {
  const s = Math.round((now - t) / 1000);
  if (s < -60) return "in the future";
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** A latency for people: "0.4 ms", "12 ms", "1.3 s". */
export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v < 10) return `${Math.round(v * 10) / 10} ms`;
  if (v < 1000) return `${Math.round(v)} ms`;
  return `${Math.round(v / 100) / 10} s`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  const p = ratio * 100;
  return `${p >= 99.95 || p === 0 ? Math.round(p) : p.toFixed(p >= 99 ? 2 : 1)}%`;
}

/** Any cell value as the text to show. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(String).join(", ");
  return String(v);
}

/** A CSS-class-safe token for a status value: "wrong-service" → "wrong-service", "Verified" → "verified". */
export function statusClass(v: unknown): string {
  return String(v ?? "unknown").toLowerCase().replace(/[^a-z0-9-]+/g, "-") || "unknown";
}
