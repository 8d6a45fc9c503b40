import { z } from 'zod';

/*
 * Every test in this package works on sufficient statistics (counts, sums, sums of squares),
 * never on raw rows: that is what a database can aggregate in one pass, what the event store
 * scan produces, and what keeps an analysis of millions of users to microseconds.
 */

const count = z.number().int().nonnegative();
const finite = z.number().finite();

/** Sufficient statistics of a numeric metric in one variation: n, Σx and Σx². */
export interface MeanStats {
  n: number;
  sum: number;
  sumSquares: number;
}

/** A conversion (binomial) metric in one variation. */
export interface ProportionStats {
  n: number;
  conversions: number;
}

/**
 * A ratio metric (Σnumerator / Σdenominator over units, such as revenue per session) in one
 * variation: n units with their per-unit numerator x and denominator y sums.
 */
export interface RatioStats {
  n: number;
  numeratorSum: number;
  numeratorSumSquares: number;
  denominatorSum: number;
  denominatorSumSquares: number;
  /** Σ x·y over units. */
  crossSum: number;
}

/** A metric with a pre-period covariate for CUPED: Σx, Σx² of the covariate and Σxy. */
export interface CovariateStats extends MeanStats {
  covariateSum: number;
  covariateSumSquares: number;
  /** Σ metric·covariate over units. */
  crossSum: number;
}

export const meanStatsSchema = z.object({ n: count, sum: finite, sumSquares: finite.nonnegative() });
export const proportionStatsSchema = z
  .object({ n: count, conversions: count })
  .refine((s) => s.conversions <= s.n, { message: 'conversions must not exceed n', path: ['conversions'] });
export const ratioStatsSchema = z.object({
  n: count,
  numeratorSum: finite,
  numeratorSumSquares: finite.nonnegative(),
  denominatorSum: finite,
  denominatorSumSquares: finite.nonnegative(),
  crossSum: finite,
});
export const covariateStatsSchema = meanStatsSchema.extend({
  covariateSum: finite,
  covariateSumSquares: finite.nonnegative(),
  crossSum: finite,
});

/** The mean Σx / n (0 for n = 0). */
export function meanOf(stats: MeanStats): number {
  return stats.n === 0 ? 0 : stats.sum / stats.n;
}

/** The sample variance with Bessel's correction (0 for n < 2), clamped at 0 against rounding. */
export function varianceOf(stats: MeanStats): number {
  if (stats.n < 2) return 0;
  return Math.max(0, (stats.sumSquares - (stats.sum * stats.sum) / stats.n) / (stats.n - 1));
}

/** A proportion as mean statistics: x is 0 or 1, so Σx² = Σx. */
export function proportionAsMean(stats: ProportionStats): MeanStats {
  return { n: stats.n, sum: stats.conversions, sumSquares: stats.conversions };
}

/** A point estimate and the variance of that estimate. */
export interface Estimate {
  mean: number;
  /** Variance of the estimate (squared standard error), not of the data. */
  variance: number;
}

/** The estimate of a variation's mean: x̄ and s²/n. */
export function meanEstimate(stats: MeanStats): Estimate {
  return { mean: meanOf(stats), variance: stats.n === 0 ? 0 : varianceOf(stats) / stats.n };
}
