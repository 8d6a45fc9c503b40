import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  gammaP,
  incompleteBeta,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTQuantile,
  studentTSf,
  twoSidedP,
  zForLevel,
} from '../src/stats';

// Reference values from R (pnorm, qnorm, pchisq, pt, qt, lgamma, pbeta) to the digits shown.
describe('@cx/core/stats', () => {
  it('normal distribution, including far tails', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(zForLevel(0.95)).toBeCloseTo(1.959963984540054, 12);
    expect(normalSf(8) / 6.220960574271785e-16).toBeCloseTo(1, 10);
    expect(twoSidedP(2.6774)).toBeCloseTo(0.00742, 5);
    expect(normalCdf(Number.NaN)).toBeNaN();
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('chi-square, Student t and the special functions behind them', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(studentTSf(2.228138851986274, 10)).toBeCloseTo(0.025, 12);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 10);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 9);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
    expect(incompleteBeta(0.3, 2, 5)).toBeCloseTo(0.579825, 6);
    expect(gammaP(2, 1)).toBeCloseTo(0.2642411176571153, 12);
  });
});
