import type { QuantileSketch } from './kll-sketch';

/** An RFM score: 1 (worst) to 5 (best). */
export type RfmScore = 1 | 2 | 3 | 4 | 5;

/** The four values that cut a population into quintiles, ascending. */
export type QuintileCuts = readonly [number, number, number, number];

/**
 * The quintile cut points of the values in `sketch`: cut `j` (1 to 4) is the lower quantile at
 * `j / 5`, the smallest value `v` with at least `ceil(j · n / 5)` values `<= v` (on exact data,
 * `sorted[ceil(j · n / 5) - 1]`). Cuts may repeat when many values are equal.
 *
 * @example
 * ```ts
 * const sketch = createQuantileSketch();
 * for (const v of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) sketch.add(v);
 * quintileCuts(sketch); // [2, 4, 6, 8]
 * ```
 */
export function quintileCuts(sketch: QuantileSketch): QuintileCuts {
  const n = sketch.count;
  // Integer arithmetic: (j · n) / 5 is exact, so no cut drifts one rank on rounding.
  const cut = (j: number) => sketch.valueAtRank(Math.max(1, Math.ceil((j * n) / 5)));
  return [cut(1), cut(2), cut(3), cut(4)];
}

/**
 * The quintile (1 to 5) of `value`: 1 plus the number of cuts strictly below it. A value equal
 * to a cut point falls in the quintile *below* the cut, so equal values always share a quintile
 * and the result never depends on input order or profile ids. Quintiles may be empty, and
 * larger than a fifth, when many values are tied (most customers buy once).
 *
 * @example
 * ```ts
 * quintileOf(4, [2, 4, 6, 8]); // 2: 4 is not above the cut 4
 * quintileOf(4.5, [2, 4, 6, 8]); // 3
 * ```
 */
export function quintileOf(value: number, cuts: QuintileCuts): RfmScore {
  let above = 0;
  for (const cut of cuts) if (value > cut) above += 1;
  return (above + 1) as RfmScore;
}
