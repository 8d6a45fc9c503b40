/** The state of a profile absent from one of the two snapshots of a {@link RfmMigrationMatrix}. */
export const RFM_NONE = '(none)';

/** How many profiles moved from each segment to each segment between two snapshots. */
export interface RfmMigrationMatrix {
  /** As-of time of the earlier snapshot (the latest at or before the `from` asked for). */
  from: string;
  /** As-of time of the later snapshot (the latest at or before the `to` asked for). */
  to: string;
  /** Segment names (those of the `from` snapshot's config, then any new in `to`), then {@link RFM_NONE}. */
  states: string[];
  /**
   * `counts[a][b]`: profiles in segment `a` at `from` and `b` at `to`; every cell is present.
   * Row {@link RFM_NONE}: profiles that first bought after `from`. Column {@link RFM_NONE}:
   * profiles of `from` missing at `to` (deleted, or merged into another profile since). Each
   * row other than {@link RFM_NONE} sums to that segment's count at `from`, so all of them
   * together sum to the `from` population.
   */
  counts: Record<string, Record<string, number>>;
}

/**
 * Counts moves between two profile → segment maps.
 *
 * @example
 * ```ts
 * const matrix = migrationCounts(
 *   { asOf: '2026-01-01T00:00:00.000Z', names: ['A', 'B'], segments: new Map([['p1', 'A']]) },
 *   { asOf: '2026-02-01T00:00:00.000Z', names: ['A', 'B'], segments: new Map([['p1', 'B'], ['p2', 'A']]) },
 * );
 * matrix.counts.A!.B; // 1
 * matrix.counts['(none)']!.A; // 1: p2 is new
 * ```
 */
export function migrationCounts(
  from: { asOf: string; names: readonly string[]; segments: ReadonlyMap<string, string> },
  to: { asOf: string; names: readonly string[]; segments: ReadonlyMap<string, string> },
): RfmMigrationMatrix {
  const known = new Set([...from.names, ...to.names]);
  // A name no config lists (the data predates a rename) still gets its row and column.
  for (const segment of from.segments.values()) known.add(segment);
  for (const segment of to.segments.values()) known.add(segment);
  known.delete(RFM_NONE);
  const states = [...known, RFM_NONE];
  const counts: Record<string, Record<string, number>> = {};
  for (const a of states) counts[a] = Object.fromEntries(states.map((b) => [b, 0]));
  for (const [profileId, before] of from.segments) {
    counts[before]![to.segments.get(profileId) ?? RFM_NONE]! += 1;
  }
  for (const [profileId, after] of to.segments) {
    if (!from.segments.has(profileId)) counts[RFM_NONE]![after]! += 1;
  }
  return { from: from.asOf, to: to.asOf, states, counts };
}
