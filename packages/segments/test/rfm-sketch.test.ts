import { isCxError, seededRandom } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createQuantileSketch, type QuantileSketch } from '../src/rfm/kll-sketch';
import { quintileCuts, quintileOf } from '../src/rfm/quintiles';

/** The worst normalised rank error of `sketch` over the quantiles 0.01 … 0.99 of `sorted`. */
function worstRankError(sketch: QuantileSketch, sorted: Float64Array): number {
  const n = sorted.length;
  // Number of values < v and <= v, by binary search.
  const below = (v: number, orEqual: boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v || (orEqual && sorted[mid]! === v)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let worst = 0;
  for (let i = 1; i <= 99; i++) {
    const q = i / 100;
    const estimate = sketch.quantile(q);
    // The estimate's true ranks span (less, lessOrEqual]; the error is the distance from q·n to that span.
    const target = q * n;
    const lo = below(estimate, false) + 1;
    const hi = below(estimate, true);
    const error = target < lo ? lo - target : target > hi ? target - hi : 0;
    worst = Math.max(worst, error / n);
  }
  return worst;
}

const draw = {
  uniform: (random: () => number) => random() * 1000,
  lognormal: (random: ReturnType<typeof seededRandom>) => Math.exp(3 + 1.5 * random.normal()),
  // Heavy ties, like purchase counts: mostly 1, a long tail.
  counts: (random: ReturnType<typeof seededRandom>) => 1 + Math.floor(random.exponential(0.4)),
};

describe('quantile sketch', () => {
  it('is exact below its exact limit', () => {
    const sketch = createQuantileSketch({ exactLimit: 1000 });
    const random = seededRandom(7);
    const values = Array.from({ length: 1000 }, () => Math.round(random() * 100));
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    expect(sketch.exact).toBe(true);
    for (let rank = 1; rank <= 1000; rank++) expect(sketch.valueAtRank(rank)).toBe(sorted[rank - 1]);
    expect(sketch.quantile(0.6)).toBe(sorted[599]);
    expect(sketch.rank(50)).toBe(sorted.filter((v) => v <= 50).length);
  });

  it.each(Object.keys(draw) as (keyof typeof draw)[])(
    'keeps the rank error of %s data under 2 % in bounded memory (k = 200)',
    (kind) => {
      const random = seededRandom(kind.length * 101);
      const n = 300_000;
      const values = new Float64Array(n);
      const sketch = createQuantileSketch({ k: 200, exactLimit: 0, seed: 3 });
      for (let i = 0; i < n; i++) {
        values[i] = draw[kind](random);
        sketch.add(values[i]!);
      }
      values.sort();
      expect(sketch.exact).toBe(false);
      expect(sketch.count).toBe(n);
      expect(sketch.retained).toBeLessThan(700);
      // KLL with k = 200: about 1.65 % at 99 % confidence; measured here about 0.3–0.6 %.
      expect(worstRankError(sketch, values)).toBeLessThan(0.02);
      // Quintile cut points within 2 % of the ranks too.
      const cuts = quintileCuts(sketch);
      cuts.forEach((cut, j) => {
        const atOrBelow = values.filter((v) => v <= cut).length / n;
        expect(atOrBelow).toBeGreaterThanOrEqual((j + 1) / 5 - 0.02);
      });
    },
  );

  it('stays small over millions of values', () => {
    const sketch = createQuantileSketch({ exactLimit: 0 });
    for (let i = 0; i < 2_000_000; i++) sketch.add((i * 7919) % 2_000_003);
    expect(sketch.retained).toBeLessThan(700);
    expect(Math.abs(sketch.quantile(0.5) - 1_000_000) / 2_000_000).toBeLessThan(0.02);
  });

  it('switches from exact to approximate past its exact limit and is deterministic per seed', () => {
    const build = () => {
      const sketch = createQuantileSketch({ k: 64, exactLimit: 500, seed: 9 });
      for (let i = 0; i < 20_000; i++) sketch.add((i * 31) % 1009);
      return sketch;
    };
    const a = build();
    const b = build();
    expect(a.exact).toBe(false);
    expect(a.weightedItems()).toEqual(b.weightedItems());
    expect(a.weightedItems().reduce((sum, [, weight]) => sum + weight, 0)).toBe(20_000);
  });

  it('merges sketches into one of the union', () => {
    const left = createQuantileSketch({ exactLimit: 0, seed: 1 });
    const right = createQuantileSketch({ exactLimit: 0, seed: 2 });
    const all = new Float64Array(200_000);
    for (let i = 0; i < 200_000; i++) {
      all[i] = i;
      (i % 2 === 0 ? left : right).add(i);
    }
    left.merge(right);
    expect(left.count).toBe(200_000);
    expect(worstRankError(left, all)).toBeLessThan(0.02);
    const exact = createQuantileSketch();
    exact.add(3);
    const other = createQuantileSketch();
    other.add(1);
    exact.merge(other);
    expect(exact.exact).toBe(true);
    expect(exact.valueAtRank(1)).toBe(1);
  });

  it('rejects values and options it cannot use, with ValidationError', () => {
    const sketch = createQuantileSketch();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sketch.add(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
    expect(sketch.count).toBe(0);
    expect(Number.isNaN(sketch.quantile(0.5))).toBe(true);
    expect(() => sketch.quantile(1.5)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    try {
      createQuantileSketch({ k: 2 });
      expect.unreachable();
    } catch (error) {
      expect(isCxError(error, 'VALIDATION')).toBe(true);
      expect((error as { issues: { path: string }[] }).issues[0]!.path).toBe('k');
    }
  });
});

describe('quintiles', () => {
  it('cuts at the lower quantiles j/5 and puts a value equal to a cut below it', () => {
    const sketch = createQuantileSketch();
    for (const v of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) sketch.add(v);
    expect(quintileCuts(sketch)).toEqual([2, 4, 6, 8]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => quintileOf(v, [2, 4, 6, 8]))).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
  });

  it('gives tied values one quintile, leaving some quintiles empty', () => {
    const sketch = createQuantileSketch();
    // Seven of ten customers bought once.
    for (const v of [1, 1, 1, 1, 1, 1, 1, 2, 3, 9]) sketch.add(v);
    const cuts = quintileCuts(sketch);
    expect(cuts).toEqual([1, 1, 1, 2]);
    expect([1, 2, 3, 9].map((v) => quintileOf(v, cuts))).toEqual([1, 4, 5, 5]);
  });

  it('does not drift a rank on floating point (0.6 · 5 is not 3.0000000000000004 here)', () => {
    const sketch = createQuantileSketch();
    for (const v of [10, 20, 30, 40, 50]) sketch.add(v);
    expect(quintileCuts(sketch)).toEqual([10, 20, 30, 40]);
    expect(sketch.quantile(0.6)).toBe(30);
  });
});
