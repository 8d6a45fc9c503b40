import { isCxError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  bayesianGaussian,
  benjaminiHochberg,
  betaBinomial,
  chiSquareSf,
  getBucketRanges,
  hash,
  holm,
  normalCdf,
  normalQuantile,
  probabilityBetaGreater,
  relativeLift,
  sampleRatioMismatch,
  sampleSizePerArm,
  studentTQuantile,
  twoProportionZTest,
  welchTTest,
} from '../src';

/** Four decimals, the precision the references are published to. */
const close = (actual: number, expected: number, digits = 4) => expect(actual).toBeCloseTo(expected, digits);

function statsOf(values: number[]) {
  return {
    n: values.length,
    sum: values.reduce((s, x) => s + x, 0),
    sumSquares: values.reduce((s, x) => s + x * x, 0),
  };
}

describe('published reference values', () => {
  it('hash and bucket ranges (issue 4 vectors; GrowthBook SDK spec cases.json "hash" and "getBucketRange")', () => {
    expect(hash('seed', 'a', 2)).toBe(0.0505);
    expect(hash('', 'a', 1)).toBe(0.22);
    expect(hash('', 'b', 1)).toBe(0.077);
    expect(hash('b', 'a', 1)).toBe(0.946);
    const ranges = getBucketRanges(3, 0.2, [0.2, 0.3, 0.5]);
    const expected = [
      [0, 0.04],
      [0.2, 0.26],
      [0.5, 0.6],
    ];
    ranges.forEach((range, i) => {
      close(range[0], expected[i]?.[0] as number, 10);
      close(range[1], expected[i]?.[1] as number, 10);
    });
  });

  it('normal quantiles and CDF (Abramowitz & Stegun, Handbook of Mathematical Functions, Table 26.1/26.5)', () => {
    close(normalQuantile(0.975), 1.959964, 6);
    close(normalQuantile(0.95), 1.644854, 6);
    close(normalQuantile(0.995), 2.575829, 6);
    close(normalQuantile(0.8), 0.841621, 6);
    close(normalQuantile(1e-10), -6.361341, 6);
    close(normalCdf(1.96), 0.9750021, 7);
    close(normalCdf(-3), 0.0013499, 7);
    // Tail precision: Φ(−8) = 6.220961e-16 (A&S 26.2.12 asymptotic; also R pnorm(-8)).
    expect(normalCdf(-8) / 6.220961e-16).toBeCloseTo(1, 5);
  });

  it('Student t quantile (Fisher & Yates, Statistical Tables, Table III: t(0.975, 10) = 2.228)', () => {
    close(studentTQuantile(0.975, 10), 2.228139, 5);
    close(studentTQuantile(0.975, 1), 12.7062, 4);
  });

  it("Welch's t-test on Student's sleep data (R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p = 0.07939, CI -3.3654832 0.2054832)", () => {
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    // R reports group1 − group2; here treatment (group 2) − control (group 1), so signs flip.
    const result = welchTTest(statsOf(group1), statsOf(group2));
    close(result.statistic, 1.8608);
    close(result.df, 17.7765);
    close(result.pValue, 0.07939, 5);
    close(result.confidenceInterval[0], -0.2054832, 5);
    close(result.confidenceInterval[1], 3.3654832, 5);
  });

  it('pooled two-proportion z for 200/1000 vs 250/1000 (issue 4; R prop.test(c(250, 200), c(1000, 1000), correct = FALSE): X-squared = 7.1685, p = 0.00742)', () => {
    const result = twoProportionZTest({ n: 1000, conversions: 200 }, { n: 1000, conversions: 250 });
    close(result.statistic, 2.6774);
    close(result.statistic ** 2, 7.1685);
    close(result.pValue, 0.00742, 5);
    // Wald interval of the difference: 0.05 ± 1.959964 · sqrt(.2·.8/1000 + .25·.75/1000) (prop.test's interval without continuity correction).
    close(result.confidenceInterval[0], 0.05 - 1.959964 * Math.sqrt(0.00016 + 0.0001875));
  });

  it('SRM: 600 vs 400 at equal weights has p = 2.5396e-10 (issue 4; chi-square 40 on 1 df, R pchisq(40, 1, lower = FALSE))', () => {
    const srm = sampleRatioMismatch([600, 400], [0.5, 0.5]);
    close(srm.chiSquare, 40, 10);
    expect(srm.pValue / 2.5396e-10).toBeCloseTo(1, 3);
    expect(srm.mismatch).toBe(true);
    // R ?chisq.test: x <- c(A = 20, B = 15, C = 25); chisq.test(x) gives X-squared = 2.5, df = 2, p-value = 0.2865.
    const r = sampleRatioMismatch([20, 15, 25], [1, 1, 1]);
    close(r.chiSquare, 2.5);
    close(r.pValue, 0.2865);
    expect(r.mismatch).toBe(false);
    close(chiSquareSf(3.841459, 1), 0.05, 6);
  });

  it('Beta-Binomial chance to win (Evan Miller, "Formulas for Bayesian A/B Testing", 2015; checked by numerical integration with SciPy 1.17 quad: 0.99628333, loss 2.13636e-5 and 0.0499216)', () => {
    const result = betaBinomial({ n: 1000, conversions: 200 }, { n: 1000, conversions: 250 });
    close(result.chanceToWin, 0.9963);
    close(result.chanceToWin, 0.99628333, 7);
    close(result.expectedLossIfShipped, 2.13636e-5, 9);
    close(result.expectedLossIfNotShipped, 0.0499216, 6);
    // A small exact case: P(Beta(3, 8) > Beta(2, 10)) = 0.7443609 (SciPy quad).
    close(probabilityBetaGreater(2, 10, 3, 8), 0.7443609, 6);
  });

  it('Gaussian chance to win Φ(0.05 / 0.02) = 0.9938 (A&S Table 26.1, Φ(2.5) = 0.99379)', () => {
    const result = bayesianGaussian({ mean: 0.05, variance: 0.0004 });
    close(result.chanceToWin, 0.99379, 5);
    // E[max(0, −δ)] for δ ~ N(0.05, 0.02²) = σφ(2.5) − μΦ(−2.5) = 0.02·0.0175283 − 0.05·0.0062097
    close(result.expectedLossIfShipped, 0.02 * 0.0175283 - 0.05 * 0.0062097, 7);
    close(result.credibleInterval[0], 0.05 - 1.959964 * 0.02, 6);
  });

  it('relative lift by the delta method', () => {
    const result = relativeLift({ mean: 0.2, variance: 0.00016 }, { mean: 0.25, variance: 0.0001875 });
    close(result.lift, 0.25, 10);
    // Var = 0.0001875/0.04 + 0.0625·0.00016/0.0016 = 0.0046875 + 0.00625
    close(result.standardError, Math.sqrt(0.0109375), 10);
  });

  it("Holm and Benjamini–Hochberg (hand-computed as in R's p.adjust)", () => {
    const p = [0.01, 0.04, 0.03, 0.005];
    expect(holm(p).map((x) => Number(x.toFixed(6)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(benjaminiHochberg(p).map((x) => Number(x.toFixed(6)))).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(holm([])).toEqual([]);
  });

  it('sample size 63 per arm for d = 0.5 at alpha 0.05, power 0.8 (normal approximation; Cohen 1988 Table 2.4.1 gives 64 with the t correction)', () => {
    expect(sampleSizePerArm(0.5, { variance: 1 })).toBe(63);
    // Proportions 0.20 → 0.25: n = (1.959964 + 0.841621)² · 2 · 0.2 · 0.8 / 0.05² → 1005 with the pooled-variance approximation at p = 0.2
    expect(sampleSizePerArm(0.05, { variance: 0.16 })).toBe(1005);
  });
});

describe('bad statistics input gives typed errors', () => {
  it.each([
    ['negative n', () => welchTTest({ n: -1, sum: 0, sumSquares: 0 }, { n: 2, sum: 1, sumSquares: 1 })],
    ['conversions above n', () => twoProportionZTest({ n: 10, conversions: 11 }, { n: 10, conversions: 1 })],
    ['alpha of 1', () => welchTTest({ n: 2, sum: 0, sumSquares: 1 }, { n: 2, sum: 1, sumSquares: 1 }, 1)],
    ['SRM length mismatch', () => sampleRatioMismatch([1, 2], [1])],
    ['p-value above 1', () => holm([1.5])],
    ['zero variance in power', () => sampleSizePerArm(0.1, { variance: 0 })],
  ])('%s', (_name, run) => {
    try {
      run();
      expect.unreachable('should throw');
    } catch (error) {
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
  });
});
