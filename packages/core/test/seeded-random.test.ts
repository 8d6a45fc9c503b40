import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(seededRandom(8)()).not.toBe(first[0]);
    for (const value of first) expect(value >= 0 && value < 1).toBe(true);
  });

  it('draws variates with the right moments (200,000 draws, 4+ standard errors of slack)', () => {
    const random = seededRandom(2026);
    const n = 200_000;
    const mean = (draw: () => number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += draw();
      return sum / n;
    };
    expect(mean(() => random())).toBeCloseTo(0.5, 2);
    expect(mean(() => random.normal())).toBeCloseTo(0, 1);
    expect(mean(() => random.exponential(4))).toBeCloseTo(0.25, 2);
    // Gamma(shape 0.5, rate 2) has mean 0.25; Beta(2, 6) has mean 0.25.
    expect(mean(() => random.gamma(0.5, 2))).toBeCloseTo(0.25, 2);
    expect(mean(() => random.beta(2, 6))).toBeCloseTo(0.25, 2);
    const ints = new Set(Array.from({ length: 1000 }, () => random.int(6)));
    expect([...ints].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
