import { parseOrThrow } from '@cx/core';
import { normalQuantile, normalSf } from '@cx/core/stats';
import { z } from 'zod';
import { type ProportionStats, proportionStatsSchema } from './sufficient-stats';
import type { DifferenceTestResult } from './welch-t-test';

const inputSchema = z.object({
  control: proportionStatsSchema,
  treatment: proportionStatsSchema,
  alpha: z.number().gt(0).lt(1),
});

/**
 * The two-proportion z-test: the statistic and p-value use the pooled proportion under
 * H₀: p₁ = p₂ (Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions, 3rd ed.,
 * §2.5.1; the same as R's `prop.test(..., correct = FALSE)`), and the confidence interval uses
 * the unpooled (Wald) standard error, which does not assume H₀.
 *
 * @example
 * ```ts
 * twoProportionZTest({ n: 1000, conversions: 200 }, { n: 1000, conversions: 250 }).statistic; // 2.6774
 * ```
 */
export function twoProportionZTest(
  control: ProportionStats,
  treatment: ProportionStats,
  alpha = 0.05,
): DifferenceTestResult {
  parseOrThrow(inputSchema, { control, treatment, alpha }, 'two-proportion z-test input');
  const pa = control.n === 0 ? 0 : control.conversions / control.n;
  const pb = treatment.n === 0 ? 0 : treatment.conversions / treatment.n;
  const difference = pb - pa;
  const pooled = (control.conversions + treatment.conversions) / (control.n + treatment.n || 1);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / (control.n || 1) + 1 / (treatment.n || 1)));
  const standardError = Math.sqrt((pa * (1 - pa)) / (control.n || 1) + (pb * (1 - pb)) / (treatment.n || 1));
  const statistic = pooledSe > 0 ? difference / pooledSe : 0;
  const pValue = pooledSe > 0 ? Math.min(1, 2 * normalSf(Math.abs(statistic))) : 1;
  const half = normalQuantile(1 - alpha / 2) * standardError;
  return {
    difference,
    standardError,
    statistic,
    df: Number.POSITIVE_INFINITY,
    pValue,
    confidenceInterval: [difference - half, difference + half],
  };
}
