/** One line of a requirement's Evidence cell, as the evidence engine writes it. */
export interface EvidenceLine {
  result: "pass" | "fail" | "unverified" | "note";
  criterion: string;
  /** What was measured ("0.4ms", "no data"), when the line says. */
  measured: string | null;
}

const MARKS: Record<string, EvidenceLine["result"]> = { "🟢": "pass", "✅": "pass", "🔴": "fail", "❌": "fail", "⛔": "fail", "⚪": "unverified", "⚫": "unverified", "🟡": "unverified" };

/**
 * Splits an Evidence cell into lines like "🟢 router.overhead.p95 < 2ms over 1h — measured 0.4ms".
 * A line without a known mark is kept as a note rather than dropped, so nothing the engine wrote is hidden.
 */
export function parseEvidence(text: string): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const mark = [...line][0] ?? "";
    const result = MARKS[mark];
    const rest = result ? line.slice(mark.length).replace(/^\uFE0F/, "").trim() : line;
    const dash = rest.indexOf(" — ");
    const criterion = dash >= 0 ? rest.slice(0, dash).trim() : rest;
    const measured = dash >= 0 ? rest.slice(dash + 3).trim().replace(/^measured\s+/i, "") : null;
    out.push({ result: result ?? "note", criterion, measured: measured || null });
  }
  return out;
}
