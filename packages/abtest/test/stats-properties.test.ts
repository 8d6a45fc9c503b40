import { describe, expect, it } from 'vitest';
import {
  confidenceSequence,
  cuped,
  minimumDetectableEffect,
  normalQuantile,
  powerAt,
  ratioEstimate,
  sampleSizePerArm,
} from '../src';
import { seededRandom } from './helpers/random';

function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

describe('CUPED', () => {
  it('uses the pooled OLS slope as theta and removes about rho² of the variance', () => {
    const normal = gaussian(seededRandom(11));
    const arms = [0, 0.3].map((effect) => {
      const stats = { n: 0, sum: 0, sumSquares: 0, covariateSum: 0, covariateSumSquares: 0, crossSum: 0 };
      for (let i = 0; i < 20_000; i++) {
        const x = 10 + normal() * 2;
        const y = 5 + effect + 0.8 * (x - 10) + normal();
        stats.n++;
        stats.sum += y;
        stats.sumSquares += y * y;
        stats.covariateSum += x;
        stats.covariateSumSquares += x * x;
        stats.crossSum += x * y;
      }
      return stats;
    });
    const result = cuped(arms);
    // True slope 0.8; rho² = 0.64·4 / (0.64·4 + 1) = 0.719.
    expect(result.theta).toBeCloseTo(0.8, 1);
    expect(result.varianceReduction[0]).toBeGreaterThan(0.68);
    expect(result.varianceReduction[0]).toBeLessThan(0.76);
    const difference = (result.estimates[1]?.mean as number) - (result.estimates[0]?.mean as number);
    const se = Math.sqrt(
      (result.estimates[0]?.variance as number) + (result.estimates[1]?.variance as number),
    );
    expect(Math.abs(difference - 0.3)).toBeLessThan(4 * se);
  });
});

describe('ratio metric (delta method)', () => {
  it('equals the variance of the linearised metric (x − r·y)/ȳ', () => {
    const random = seededRandom(12);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 500; i++) {
      const sessions = 1 + Math.floor(random() * 5);
      ys.push(sessions);
      xs.push(sessions * random() * 20);
    }
    const n = xs.length;
    const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
    const estimate = ratioEstimate({
      n,
      numeratorSum: sum(xs),
      numeratorSumSquares: sum(xs.map((x) => x * x)),
      denominatorSum: sum(ys),
      denominatorSumSquares: sum(ys.map((y) => y * y)),
      crossSum: sum(xs.map((x, i) => x * (ys[i] as number))),
    });
    const r = sum(xs) / sum(ys);
    const ybar = sum(ys) / n;
    const linear = xs.map((x, i) => (x - r * (ys[i] as number)) / ybar);
    const mean = sum(linear) / n;
    const variance = sum(linear.map((v) => (v - mean) ** 2)) / (n - 1) / n;
    expect(estimate.mean).toBeCloseTo(r, 12);
    expect(estimate.variance / variance).toBeCloseTo(1, 8);
  });
});

describe('sequential confidence sequences', () => {
  it('are wider than the fixed-horizon interval and tighten as data accrue', () => {
    const at = (n: number) => confidenceSequence({ mean: 0, variance: 4 / n }, n).halfWidth;
    expect(at(5000)).toBeGreaterThan(normalQuantile(0.975) * Math.sqrt(4 / 5000));
    expect(at(50_000)).toBeLessThan(at(5000));
  });

  it('keep the error rate under alpha when peeking 20 times, where naive peeking does not', () => {
    const normal = gaussian(seededRandom(13));
    const experiments = 400;
    const perLook = 100;
    let naive = 0;
    let sequential = 0;
    for (let e = 0; e < experiments; e++) {
      let sa = 0;
      let sb = 0;
      let qa = 0;
      let qb = 0;
      let n = 0;
      let naiveHit = false;
      let seqHit = false;
      for (let look = 0; look < 20; look++) {
        for (let i = 0; i < perLook; i++) {
          const a = normal();
          const b = normal();
          sa += a;
          sb += b;
          qa += a * a;
          qb += b * b;
        }
        n += perLook;
        const va = (qa - (sa * sa) / n) / (n - 1) / n;
        const vb = (qb - (sb * sb) / n) / (n - 1) / n;
        const effect = { mean: sb / n - sa / n, variance: va + vb };
        if (Math.abs(effect.mean) / Math.sqrt(effect.variance) > 1.959964) naiveHit = true;
        if (confidenceSequence(effect, 2 * n, { tuning: 2000 }).pValue < 0.05) seqHit = true;
      }
      if (naiveHit) naive++;
      if (seqHit) sequential++;
    }
    // With 20 looks, naive testing rejects a true null far more often than 5% (about 25%).
    expect(naive / experiments).toBeGreaterThan(0.12);
    expect(sequential / experiments).toBeLessThanOrEqual(0.05);
  });

  it('gives a p-value consistent with its interval', () => {
    const result = confidenceSequence({ mean: 0.1, variance: 0.0004 }, 10_000, { alpha: 0.05 });
    expect(result.confidenceInterval[0] > 0).toBe(result.pValue < 0.05);
    const edge = confidenceSequence({ mean: result.halfWidth, variance: 0.0004 }, 10_000);
    expect(edge.pValue).toBeCloseTo(0.05, 6);
  });
});

describe('power', () => {
  it('sample size, MDE and power agree, and sequential designs need more units', () => {
    const options = { variance: 0.16 };
    const fixed = sampleSizePerArm(0.02, options);
    expect(minimumDetectableEffect(fixed, options)).toBeLessThanOrEqual(0.02);
    expect(minimumDetectableEffect(fixed - 1, options)).toBeGreaterThan(0.02);
    expect(powerAt(0.02, fixed, options)).toBeGreaterThanOrEqual(0.8);
    const sequential = sampleSizePerArm(0.02, { ...options, sequential: true, tuning: 2 * fixed });
    expect(sequential).toBeGreaterThan(fixed);
    expect(
      minimumDetectableEffect(sequential, { ...options, sequential: true, tuning: 2 * fixed }),
    ).toBeLessThanOrEqual(0.02);
    expect(
      powerAt(0.02, sequential, { ...options, sequential: true, tuning: 2 * fixed }),
    ).toBeGreaterThanOrEqual(0.8);
  });
});

describe('exact Beta-Binomial at scale', () => {
  it('agrees with the Gaussian limit for a million users per arm without overflow', async () => {
    const { betaBinomial, normalCdf } = await import('../src');
    const a = { n: 1_000_000, conversions: 50_000 };
    const b = { n: 1_000_000, conversions: 50_600 };
    const exact = betaBinomial(a, b).chanceToWin;
    const pa = 50_001 / 1_000_002;
    const pb = 50_601 / 1_000_002;
    const gaussian = normalCdf(
      (pb - pa) / Math.sqrt((pa * (1 - pa)) / 1_000_003 + (pb * (1 - pb)) / 1_000_003),
    );
    expect(exact).toBeGreaterThan(0.95);
    expect(Math.abs(exact - gaussian)).toBeLessThan(2e-3);
  });
});
