import { hash } from '@cx/abtest';

/**
 * Where a person falls in a random split, in `[0, 1)` in steps of 1/10000: GrowthBook's version 2
 * hash (`@cx/abtest`'s `hash`) of the profile id under the seed. The same seed and profile always
 * give the same bucket, so a replayed step takes the same path and a person who enters again
 * lands on the same side; a different seed reshuffles everyone.
 *
 * @example
 * ```ts
 * splitBucket('welcome/split-1', 'p1') === splitBucket('welcome/split-1', 'p1'); // true
 * ```
 */
export function splitBucket(seed: string, profileId: string): number {
  // Version 2 always gives a number; the fallback only satisfies the type.
  return hash(seed, profileId, 2) ?? 0;
}

/**
 * The seed of a random-split node: its `salt`, else `journeyId/nodeId`, so two splits of one
 * journey (or one split in two journeys) are independent.
 *
 * @example
 * ```ts
 * splitSeed('welcome', { id: 'split-1' }); // 'welcome/split-1'
 * ```
 */
export function splitSeed(journeyId: string, node: { id: string; salt?: string }): string {
  return node.salt ?? `${journeyId}/${node.id}`;
}

/**
 * The path a bucket falls in, the paths laid end to end in proportion to their weights (weights
 * need not add up to 1 or 100). Paths with a weight that is not a positive number take nobody.
 * `undefined` when no path has weight.
 *
 * @example
 * ```ts
 * pickWeighted([{ weight: 90, next: 'a' }, { weight: 10, next: 'b' }], 0.95)?.next; // 'b'
 * ```
 */
export function pickWeighted<T extends { weight: number }>(
  paths: readonly T[],
  bucket: number,
): T | undefined {
  let total = 0;
  for (const path of paths) total += weightOf(path);
  if (total <= 0) return undefined;
  const target = bucket * total;
  let end = 0;
  let last: T | undefined;
  for (const path of paths) {
    const weight = weightOf(path);
    if (weight <= 0) continue;
    end += weight;
    last = path;
    if (target < end) return path;
  }
  // Rounding can leave a bucket just short of 1 past the sum; it belongs to the last path.
  return last;
}

function weightOf(path: { weight: number }): number {
  return Number.isFinite(path.weight) && path.weight > 0 ? path.weight : 0;
}
