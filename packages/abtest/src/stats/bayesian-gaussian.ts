import { parseOrThrow } from '@cx/core';
import { normalCdf, normalPdf, normalQuantile } from '@cx/core/stats';
import { z } from 'zod';
import type { Estimate } from './sufficient-stats';

/** A Bayesian reading of an effect: how likely it is positive and what shipping risks. */
export interface BayesianResult {
  /** P(effect > 0 | data). */
  chanceToWin: number;
  /** E[max(0, −effect)]: what is lost on average by shipping the treatment if it is worse. */
  expectedLossIfShipped: number;
  /** E[max(0, effect)]: what is lost on average by keeping control if the treatment is better. */
  expectedLossIfNotShipped: number;
  /** Equal-tailed credible interval at 1 − alpha. */
  credibleInterval: [number, number];
  posteriorMean: number;
  posteriorStandardDeviation: number;
}

/** A Gaussian prior on the effect; omit for the flat (improper) prior. */
export interface GaussianPrior {
  mean: number;
  variance: number;
}

const schema = z.object({
  effect: z.object({ mean: z.number().finite(), variance: z.number().finite().nonnegative() }),
  prior: z.object({ mean: z.number().finite(), variance: z.number().finite().positive() }).optional(),
  alpha: z.number().gt(0).lt(1),
});

/**
 * Gaussian posterior of an effect (absolute difference or lift) from its estimate and standard
 * error, with an optional conjugate Gaussian prior; chance to win, expected losses and a
 * credible interval follow in closed form: for δ ~ N(μ, σ²),
 * E[max(0, −δ)] = σφ(μ/σ) − μΦ(−μ/σ) (GrowthBook's Bayesian engine; Stucchio, "Bayesian A/B
 * Testing at VWO", 2015, §4 on expected loss as the decision criterion).
 *
 * @example
 * ```ts
 * bayesianGaussian({ mean: 0.05, variance: 0.0004 }).chanceToWin; // 0.9938
 * ```
 */
export function bayesianGaussian(
  effect: Estimate,
  options: { prior?: GaussianPrior; alpha?: number } = {},
): BayesianResult {
  const alpha = options.alpha ?? 0.05;
  parseOrThrow(schema, { effect, prior: options.prior, alpha }, 'Bayesian input');
  let mean = effect.mean;
  let variance = effect.variance;
  if (options.prior) {
    const precision = (variance > 0 ? 1 / variance : Number.POSITIVE_INFINITY) + 1 / options.prior.variance;
    mean = variance > 0 ? (mean / variance + options.prior.mean / options.prior.variance) / precision : mean;
    variance = variance > 0 ? 1 / precision : 0;
  }
  const sd = Math.sqrt(variance);
  if (sd === 0) {
    return {
      chanceToWin: mean > 0 ? 1 : mean < 0 ? 0 : 0.5,
      expectedLossIfShipped: Math.max(0, -mean),
      expectedLossIfNotShipped: Math.max(0, mean),
      credibleInterval: [mean, mean],
      posteriorMean: mean,
      posteriorStandardDeviation: 0,
    };
  }
  const z = mean / sd;
  const z2 = normalQuantile(1 - alpha / 2);
  return {
    chanceToWin: normalCdf(z),
    expectedLossIfShipped: sd * normalPdf(z) - mean * normalCdf(-z),
    expectedLossIfNotShipped: sd * normalPdf(z) + mean * normalCdf(z),
    credibleInterval: [mean - z2 * sd, mean + z2 * sd],
    posteriorMean: mean,
    posteriorStandardDeviation: sd,
  };
}
