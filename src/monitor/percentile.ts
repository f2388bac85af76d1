/** Nearest-rank percentile (p in 0..100) of the values; null when there are none. Always one of the values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/** Rounds for display in the workspace: whole ms from 10 up, one decimal below. */
export function roundMs(ms: number | null): number | null {
  if (ms === null) return null;
  return ms >= 10 ? Math.round(ms) : Math.round(ms * 10) / 10;
}
