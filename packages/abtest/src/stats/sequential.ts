import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import type { Estimate } from './sufficient-stats';

/** Options of always-valid (sequential) inference. */
export interface SequentialOptions {
  /** Error rate over the whole experiment, however often it is looked at. Default 0.05. */
  alpha?: number;
  /**
   * The total sample size at which the interval is tightest (ρ is tuned for it). GrowthBook's
   * default is 5,000; set it near the expected final sample size.
   */
  tuning?: number;
}

/** An always-valid confidence interval for an effect. */
export interface ConfidenceSequenceResult {
  halfWidth: number;
  confidenceInterval: [number, number];
  /** Always-valid p-value: below `alpha` exactly when the sequence excludes 0. */
  pValue: number;
}

const schema = z.object({
  effect: z.object({ mean: z.number().finite(), variance: z.number().finite().nonnegative() }),
  n: z.number().positive(),
  alpha: z.number().gt(0).lt(1),
  tuning: z.number().positive(),
});

/** ρ of the normal mixture, tuned to be tightest at `tuning` observations. */
function mixtureRho(alpha: number, tuning: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/**
 * Half-width of the two-sided normal-mixture confidence sequence for a mean of `n`
 * observations with per-observation variance `s2`:
 * √s2 · √( 2(nρ²+1)/(n²ρ²) · ln(√(nρ²+1)/α) )
 * (Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence
 * sequences", Annals of Statistics 49(2), 2021, eq. (14); asymptotic form from Waudby-Smith et al.,
 * "Time-uniform central limit theory and asymptotic confidence sequences", 2021, eq. (9); as in
 * GrowthBook's gbstats).
 */
export function confidenceSequenceHalfWidth(s2: number, n: number, alpha: number, tuning: number): number {
  const rho = mixtureRho(alpha, tuning);
  const nr2 = n * rho * rho;
  return (
    Math.sqrt(s2) * Math.sqrt(((2 * (nr2 + 1)) / (n * n * rho * rho)) * Math.log(Math.sqrt(nr2 + 1) / alpha))
  );
}

/**
 * An always-valid confidence interval for an effect estimated from `n` total observations:
 * unlike a fixed-horizon interval, it keeps its coverage when the experiment is checked every
 * day and stopped at the first significant look, so looking early is safe. The per-observation
 * variance is recovered as Var(effect)·n.
 *
 * @example
 * ```ts
 * confidenceSequence({ mean: 0.05, variance: 0.0004 }, 2000).confidenceInterval;
 * ```
 */
export function confidenceSequence(
  effect: Estimate,
  n: number,
  options: SequentialOptions = {},
): ConfidenceSequenceResult {
  const alpha = options.alpha ?? 0.05;
  const tuning = options.tuning ?? 5000;
  parseOrThrow(schema, { effect, n, alpha, tuning }, 'sequential input');
  const s2 = effect.variance * n;
  const halfWidth = confidenceSequenceHalfWidth(s2, n, alpha, tuning);
  return {
    halfWidth,
    confidenceInterval: [effect.mean - halfWidth, effect.mean + halfWidth],
    pValue: sequentialPValue(Math.abs(effect.mean), s2, n, alpha, tuning),
  };
}

/**
 * The always-valid p-value of the same normal mixture: the reciprocal of the mixture
 * likelihood ratio, min(1, √(nρ²+1)·exp(−δ²n²ρ² / (2·s2·(nρ²+1)))), valid at any stopping time by
 * Ville's inequality (Howard et al. 2021, §3; Johari, Koomen, Pekelis & Walsh, "Always Valid
 * Inference", Operations Research 70(3), 2022). With ρ tuned for `alpha`, it is below `alpha`
 * exactly when the confidence sequence excludes 0.
 */
function sequentialPValue(distance: number, s2: number, n: number, alpha: number, tuning: number): number {
  if (s2 === 0) return distance > 0 ? 0 : 1;
  const rho = mixtureRho(alpha, tuning);
  const nr2 = n * rho * rho;
  const logP = 0.5 * Math.log(nr2 + 1) - (distance * distance * n * n * rho * rho) / (2 * s2 * (nr2 + 1));
  return Math.min(1, Math.exp(logP));
}
