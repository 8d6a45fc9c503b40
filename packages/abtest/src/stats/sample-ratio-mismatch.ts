import { parseOrThrow } from '@cx/core';
import { chiSquareSf } from '@cx/core/stats';
import { z } from 'zod';

/** The result of a sample-ratio-mismatch check. */
export interface SrmResult {
  chiSquare: number;
  df: number;
  pValue: number;
  /** True when p < threshold: the split is broken and the results should not be trusted. */
  mismatch: boolean;
  expected: number[];
}

const schema = z
  .object({
    observed: z.array(z.number().int().nonnegative()).min(2),
    weights: z.array(z.number().positive()).min(2),
    threshold: z.number().gt(0).lt(1),
  })
  .refine((input) => input.observed.length === input.weights.length, {
    message: 'observed and weights must have the same length',
    path: ['weights'],
  });

/**
 * The sample-ratio-mismatch (SRM) check: Pearson's chi-square goodness-of-fit of the observed
 * units per variation against the configured weights (normalised to sum to 1), flagged below
 * p = 0.001 as recommended by Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online
 * Controlled Experiments", KDD 2019, and GrowthBook.
 *
 * @example
 * ```ts
 * sampleRatioMismatch([600, 400], [0.5, 0.5]).pValue; // 2.54e-10
 * ```
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  threshold = 0.001,
): SrmResult {
  parseOrThrow(schema, { observed, weights, threshold }, 'SRM input');
  const total = observed.reduce((sum, x) => sum + x, 0);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  let chiSquare = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i] as number;
    if (e > 0) chiSquare += ((observed[i] as number) - e) ** 2 / e;
  }
  const df = observed.length - 1;
  const pValue = total === 0 ? 1 : chiSquareSf(chiSquare, df);
  return { chiSquare, df, pValue, mismatch: pValue < threshold, expected };
}
