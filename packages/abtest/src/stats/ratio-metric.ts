import { parseOrThrow } from '@cx/core';
import { type Estimate, type RatioStats, ratioStatsSchema } from './sufficient-stats';

/**
 * The estimate of a ratio metric Σx/Σy (revenue per session, clicks per view) with its
 * delta-method variance, which accounts for units (users) contributing several sessions:
 * Var(x̄/ȳ) ≈ (1/n)·(σ²ₓ/ȳ² − 2σₓᵧ·x̄/ȳ³ + σ²ᵧ·x̄²/ȳ⁴)
 * (Deng, Knoblich & Lu, "Applying the Delta Method in Metric Analytics", KDD 2018, eq. 4).
 *
 * @example
 * ```ts
 * ratioEstimate({ n: 3, numeratorSum: 6, numeratorSumSquares: 14, denominatorSum: 3, denominatorSumSquares: 5, crossSum: 8 });
 * ```
 */
export function ratioEstimate(stats: RatioStats): Estimate {
  parseOrThrow(ratioStatsSchema, stats, 'ratio statistics');
  const { n } = stats;
  if (n < 2 || stats.denominatorSum === 0) return { mean: 0, variance: 0 };
  const mx = stats.numeratorSum / n;
  const my = stats.denominatorSum / n;
  const vx = Math.max(0, (stats.numeratorSumSquares - n * mx * mx) / (n - 1));
  const vy = Math.max(0, (stats.denominatorSumSquares - n * my * my) / (n - 1));
  const cxy = (stats.crossSum - n * mx * my) / (n - 1);
  const mean = mx / my;
  const variance = Math.max(0, (vx / my ** 2 - (2 * cxy * mx) / my ** 3 + (vy * mx * mx) / my ** 4) / n);
  return { mean, variance };
}
