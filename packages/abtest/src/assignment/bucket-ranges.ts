/** A half-open range `[start, end)` of hash values that lands in one variation. */
export type VariationRange = [start: number, end: number];

/**
 * `n` equal weights summing to 1 (GrowthBook's `getEqualWeights`); `[]` for `n <= 0`.
 *
 * @example
 * ```ts
 * getEqualWeights(4); // [0.25, 0.25, 0.25, 0.25]
 * ```
 */
export function getEqualWeights(n: number): number[] {
  if (n <= 0) return [];
  return new Array<number>(n).fill(1 / n);
}

/**
 * The bucket range of each variation, exactly as GrowthBook's `getBucketRanges`: variation `i`
 * owns `[start_i, start_i + coverage * w_i)` where `start_i` is the sum of the earlier weights,
 * so lowering coverage shrinks every range from its end and a user never moves between
 * variations when coverage grows.
 *
 * Like GrowthBook, it does not throw: coverage is clamped to [0, 1] (default 1), and weights
 * that are missing, of the wrong length or not summing to 1 ± 0.01 fall back to equal weights.
 * `defineExperiment` is the strict entry point that rejects such input instead.
 *
 * @example
 * ```ts
 * getBucketRanges(3, 0.2, [0.2, 0.3, 0.5]); // [[0, 0.04], [0.2, 0.26], [0.5, 0.6]]
 * ```
 */
export function getBucketRanges(
  numVariations: number,
  coverage: number | undefined,
  weights?: readonly number[],
): VariationRange[] {
  let cover = coverage === undefined ? 1 : coverage;
  if (cover < 0) cover = 0;
  else if (cover > 1) cover = 1;
  const equal = getEqualWeights(numVariations);
  let chosen: readonly number[] = weights || equal;
  if (chosen.length !== numVariations) chosen = equal;
  const total = chosen.reduce((sum, w) => sum + w, 0);
  if (total < 0.99 || total > 1.01) chosen = equal;
  let cumulative = 0;
  return chosen.map((w) => {
    const start = cumulative;
    cumulative += w;
    return [start, start + cover * w] as VariationRange;
  });
}

/** True when `n` lies in the half-open range. */
export function inRange(n: number, range: VariationRange): boolean {
  return n >= range[0] && n < range[1];
}

/**
 * The index of the range containing `n`, or -1 (GrowthBook's `chooseVariation`).
 *
 * @example
 * ```ts
 * chooseVariation(0.55, getBucketRanges(2, 1)); // 1
 * ```
 */
export function chooseVariation(n: number, ranges: readonly VariationRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    if (inRange(n, ranges[i] as VariationRange)) return i;
  }
  return -1;
}
