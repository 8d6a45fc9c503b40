import { parseOrThrow } from '@cx/core';
import { normalQuantile, normalSf } from '@cx/core/stats';
import { z } from 'zod';
import type { Estimate } from './sufficient-stats';

/** A relative lift (treatment / control − 1) with its delta-method interval. */
export interface LiftResult {
  lift: number;
  standardError: number;
  /** Two-sided p-value of H₀: lift = 0 (Wald, on the delta-method standard error). */
  pValue: number;
  confidenceInterval: [number, number];
}

const estimateSchema = z.object({ mean: z.number().finite(), variance: z.number().finite().nonnegative() });
const inputSchema = z.object({
  control: estimateSchema,
  treatment: estimateSchema,
  alpha: z.number().gt(0).lt(1),
});

/**
 * Relative lift μ_B/μ_A − 1 with a first-order delta-method standard error,
 * Var ≈ Var(μ̂_B)/μ_A² + μ_B²·Var(μ̂_A)/μ_A⁴ (the two means independent; see Kohavi, Tang &
 * Xu, Trustworthy Online Controlled Experiments, 2020, §18 "Variance Estimation"). A control
 * mean of 0 gives a lift of 0 with infinite error rather than a division by zero.
 *
 * @example
 * ```ts
 * relativeLift({ mean: 0.2, variance: 0.00016 }, { mean: 0.25, variance: 0.0001875 }).lift; // 0.25
 * ```
 */
export function relativeLift(control: Estimate, treatment: Estimate, alpha = 0.05): LiftResult {
  parseOrThrow(inputSchema, { control, treatment, alpha }, 'relative lift input');
  const a = control.mean;
  const b = treatment.mean;
  if (a === 0) {
    return {
      lift: 0,
      standardError: Number.POSITIVE_INFINITY,
      pValue: 1,
      confidenceInterval: [-Infinity, Infinity],
    };
  }
  const lift = b / a - 1;
  const standardError = Math.sqrt(treatment.variance / (a * a) + (b * b * control.variance) / a ** 4);
  const pValue =
    standardError > 0 ? Math.min(1, 2 * normalSf(Math.abs(lift) / standardError)) : lift === 0 ? 1 : 0;
  const half = normalQuantile(1 - alpha / 2) * standardError;
  return { lift, standardError, pValue, confidenceInterval: [lift - half, lift + half] };
}
