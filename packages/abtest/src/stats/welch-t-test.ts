import { parseOrThrow } from '@cx/core';
import { studentTQuantile, studentTSf } from '@cx/core/stats';
import { z } from 'zod';
import { type MeanStats, meanOf, meanStatsSchema, varianceOf } from './sufficient-stats';

/** The result of a two-sample test of a difference in means (treatment − control). */
export interface DifferenceTestResult {
  difference: number;
  standardError: number;
  statistic: number;
  /** Degrees of freedom (Welch–Satterthwaite); `Infinity` for z-tests. */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Two-sided confidence interval of the difference at 1 − alpha. */
  confidenceInterval: [number, number];
}

const inputSchema = z.object({
  control: meanStatsSchema,
  treatment: meanStatsSchema,
  alpha: z.number().gt(0).lt(1),
});

/**
 * Welch's unequal-variances t-test (Welch 1947, Biometrika 34) on sufficient statistics, with
 * Welch–Satterthwaite degrees of freedom. It does not assume equal variances, which A/B
 * variations seldom have for revenue-like metrics.
 *
 * @throws `ValidationError` for malformed statistics or an alpha outside (0, 1).
 * @example
 * ```ts
 * welchTTest({ n: 10, sum: 7.5, sumSquares: 34.43 }, { n: 10, sum: 23.3, sumSquares: 90.37 }).pValue;
 * ```
 */
export function welchTTest(control: MeanStats, treatment: MeanStats, alpha = 0.05): DifferenceTestResult {
  parseOrThrow(inputSchema, { control, treatment, alpha }, 'Welch t-test input');
  const va = varianceOf(control) / control.n;
  const vb = varianceOf(treatment) / treatment.n;
  const difference = meanOf(treatment) - meanOf(control);
  const standardError = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (control.n - 1) + vb ** 2 / (treatment.n - 1));
  if (!(standardError > 0) || !Number.isFinite(df)) {
    return {
      difference,
      standardError,
      statistic: 0,
      df: 0,
      pValue: 1,
      confidenceInterval: [difference, difference],
    };
  }
  const statistic = difference / standardError;
  const pValue = Math.min(1, 2 * studentTSf(Math.abs(statistic), df));
  const half = studentTQuantile(1 - alpha / 2, df) * standardError;
  return {
    difference,
    standardError,
    statistic,
    df,
    pValue,
    confidenceInterval: [difference - half, difference + half],
  };
}
