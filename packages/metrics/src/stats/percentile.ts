/**
 * Nearest-rank percentile of sorted values: the value at rank ⌈p·n⌉ (1-based), the same as
 * PostgreSQL's `percentile_disc`. The SQL funnel computes it the same way, so both agree exactly.
 * Returns `null` for an empty list.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  // Rounded first so that 0.9 × 10 is 9, not 9.000000000000002 (which would ceil to 10).
  const rank = Math.max(1, Math.ceil(Math.round(p * n * 1e9) / 1e9));
  return sorted[rank - 1]!;
}

/** Median (p50) and p90 of unsorted values by nearest rank; sorts a copy. */
export function medianAndP90(values: readonly number[]): { median: number | null; p90: number | null } {
  const sorted = Float64Array.from(values).sort();
  return { median: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9) };
}
