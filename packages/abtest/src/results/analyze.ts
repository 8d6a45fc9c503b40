import { parseOrThrow, ValidationError } from '@cx/core';
import { normalSf } from '@cx/core/stats';
import { z } from 'zod';
import { getEqualWeights } from '../assignment/bucket-ranges';
import type { ExperimentData, MetricStats } from '../experiments/collect-metrics';
import type { ExperimentDefinition } from '../experiments/experiment-definition';
import type { MetricDefinition } from '../experiments/metric-definition';
import { bayesianGaussian } from '../stats/bayesian-gaussian';
import { betaBinomial } from '../stats/beta-binomial';
import { cuped } from '../stats/cuped';
import { benjaminiHochberg, holm } from '../stats/multiple-comparisons';
import { ratioEstimate } from '../stats/ratio-metric';
import { relativeLift } from '../stats/relative-lift';
import { sampleRatioMismatch } from '../stats/sample-ratio-mismatch';
import { confidenceSequence } from '../stats/sequential';
import { type Estimate, meanEstimate } from '../stats/sufficient-stats';
import { twoProportionZTest } from '../stats/two-proportion-z-test';
import { welchTTest } from '../stats/welch-t-test';
import { factorialEffects } from './factorial-effects';
import { recommend } from './recommend';
import type { ExperimentResults, MetricResult, VariationComparison } from './result-types';

const statsSchema = z.object({
  n: z.number().int().nonnegative(),
  sum: z.number().finite(),
  sumSquares: z.number().finite().nonnegative(),
  covariateSum: z.number().finite(),
  covariateSumSquares: z.number().finite().nonnegative(),
  covariateCrossSum: z.number().finite(),
  denominatorSum: z.number().finite(),
  denominatorSumSquares: z.number().finite().nonnegative(),
  ratioCrossSum: z.number().finite(),
});
const dataSchema = z.object({
  experimentKey: z.string(),
  variations: z.array(z.object({ key: z.string(), units: z.number().int().nonnegative() })).min(2),
  metrics: z.array(
    z.object({ key: z.string(), role: z.enum(['goal', 'guardrail']), stats: z.array(statsSchema) }),
  ),
  multipleExposures: z.number().int().nonnegative(),
  scannedEvents: z.number().int().nonnegative(),
});

function estimatesOf(
  metric: MetricDefinition,
  stats: readonly MetricStats[],
): { estimates: Estimate[]; cuped: boolean } {
  if (metric.type === 'ratio') {
    return {
      cuped: false,
      estimates: stats.map((s) =>
        ratioEstimate({
          n: s.n,
          numeratorSum: s.sum,
          numeratorSumSquares: s.sumSquares,
          denominatorSum: s.denominatorSum,
          denominatorSumSquares: s.denominatorSumSquares,
          crossSum: s.ratioCrossSum,
        }),
      ),
    };
  }
  if (metric.cupedDays !== undefined) {
    const adjusted = cuped(
      stats.map((s) => ({
        n: s.n,
        sum: s.sum,
        sumSquares: s.sumSquares,
        covariateSum: s.covariateSum,
        covariateSumSquares: s.covariateSumSquares,
        crossSum: s.covariateCrossSum,
      })),
    );
    return { cuped: true, estimates: adjusted.estimates };
  }
  return { cuped: false, estimates: stats.map((s) => meanEstimate(s)) };
}

/**
 * Analyses an experiment from its sufficient statistics: for every metric and treatment, the
 * lift over control with a delta-method interval and a fixed-horizon p-value (two-proportion z
 * for conversions, Welch's t for counts and revenue, z on delta-method or CUPED estimates
 * otherwise), the Bayesian chance to win and expected loss (exact Beta-Binomial for
 * conversions), an always-valid confidence sequence, the sample-ratio-mismatch check, a
 * multiple-comparison correction over goal metrics × treatments, factorial effects for
 * multivariate experiments, and a recommendation.
 *
 * @throws `ValidationError` when the data does not match the definition.
 * @example
 * ```ts
 * const results = analyzeExperiment(definition, await collectExperimentData(storage, 'acme', definition));
 * console.log(formatResultsTable(results));
 * ```
 */
export function analyzeExperiment(definition: ExperimentDefinition, data: ExperimentData): ExperimentResults {
  parseOrThrow(dataSchema, data, 'experiment data');
  const definitions = [...definition.metrics, ...(definition.guardrails ?? [])];
  if (
    data.variations.length !== definition.variations.length ||
    data.metrics.length !== definitions.length ||
    data.metrics.some(
      (m, i) => m.key !== definitions[i]?.key || m.stats.length !== definition.variations.length,
    )
  ) {
    throw new ValidationError(`Experiment data does not match the definition of ${definition.key}`, [
      { path: 'metrics', message: 'Metrics or variations differ from the definition', code: 'mismatch' },
    ]);
  }
  const settings = definition.analysis ?? {};
  const alpha = settings.alpha ?? 0.05;
  const sequential = settings.sequential ?? true;
  const correction = settings.correction ?? 'holm';
  const tuning = settings.sequentialTuning ?? 5000;
  const units = data.variations.map((v) => v.units);
  const totalUnits = units.reduce((s, x) => s + x, 0);
  const weights = definition.weights ?? getEqualWeights(units.length);
  const srm =
    totalUnits > 0
      ? sampleRatioMismatch(
          units,
          weights.map((w) => (w > 0 ? w : Number.MIN_VALUE)),
          settings.srmThreshold ?? 0.001,
        )
      : { chiSquare: 0, df: units.length - 1, pValue: 1, mismatch: false, expected: units.map(() => 0) };

  const metrics: MetricResult[] = data.metrics.map((metricData, index) => {
    const metric = definitions[index] as MetricDefinition;
    const higherIsBetter = metric.higherIsBetter ?? true;
    const stats = metricData.stats;
    const { estimates, cuped: adjusted } = estimatesOf(metric, stats);
    const control = estimates[0] as Estimate;
    const controlStats = stats[0] as MetricStats;
    const comparisons: VariationComparison[] = [];
    for (let v = 1; v < stats.length; v++) {
      const s = stats[v] as MetricStats;
      const estimate = estimates[v] as Estimate;
      const difference = estimate.mean - control.mean;
      let pValue: number;
      if (controlStats.n < 2 || s.n < 2) pValue = 1;
      else if (metric.type === 'conversion' && !adjusted) {
        pValue = twoProportionZTest(
          { n: controlStats.n, conversions: controlStats.sum },
          { n: s.n, conversions: s.sum },
          alpha,
        ).pValue;
      } else if ((metric.type === 'count' || metric.type === 'revenue') && !adjusted) {
        pValue = welchTTest(controlStats, s, alpha).pValue;
      } else {
        const se = Math.sqrt(control.variance + estimate.variance);
        pValue = se > 0 ? Math.min(1, 2 * normalSf(Math.abs(difference) / se)) : 1;
      }
      const lift = relativeLift(control, estimate, alpha);
      const liftEstimate = {
        mean: lift.lift,
        variance: Number.isFinite(lift.standardError) ? lift.standardError ** 2 : 0,
      };
      const n = controlStats.n + s.n;
      const seq =
        n > 0 && liftEstimate.variance > 0
          ? confidenceSequence(liftEstimate, n, { alpha, tuning })
          : { confidenceInterval: [lift.lift, lift.lift] as [number, number], pValue: 1, halfWidth: 0 };
      const bayes = bayesianGaussian(liftEstimate, { alpha });
      let chanceToWin = higherIsBetter ? bayes.chanceToWin : 1 - bayes.chanceToWin;
      let expectedLoss = higherIsBetter ? bayes.expectedLossIfShipped : bayes.expectedLossIfNotShipped;
      if (metric.type === 'conversion' && !adjusted && controlStats.n > 0 && s.n > 0) {
        const exact = betaBinomial(
          { n: controlStats.n, conversions: controlStats.sum },
          { n: s.n, conversions: s.sum },
        );
        chanceToWin = higherIsBetter ? exact.chanceToWin : 1 - exact.chanceToWin;
        expectedLoss = higherIsBetter ? exact.expectedLossIfShipped : exact.expectedLossIfNotShipped;
      }
      comparisons.push({
        variation: data.variations[v]?.key as string,
        units: s.n,
        value: estimate.mean,
        difference,
        lift: lift.lift,
        liftInterval: lift.confidenceInterval,
        sequentialInterval: seq.confidenceInterval,
        pValue,
        sequentialPValue: seq.pValue,
        adjustedPValue: sequential ? seq.pValue : pValue,
        significant: false,
        direction: 'flat',
        chanceToWin,
        expectedLoss,
        credibleInterval: bayes.credibleInterval,
        cuped: adjusted,
      });
    }
    return {
      key: metric.key,
      role: metricData.role,
      type: metric.type,
      higherIsBetter,
      control: { variation: data.variations[0]?.key as string, units: controlStats.n, value: control.mean },
      comparisons,
    };
  });

  // Correct across goal metrics × treatments; guardrails stay uncorrected, so harm is caught early.
  const goals = metrics.filter((m) => m.role === 'goal').flatMap((m) => m.comparisons);
  const raw = goals.map((c) => c.adjustedPValue);
  const corrected =
    correction === 'holm' ? holm(raw) : correction === 'benjamini-hochberg' ? benjaminiHochberg(raw) : raw;
  goals.forEach((c, i) => {
    c.adjustedPValue = corrected[i] as number;
  });
  for (const metric of metrics) {
    for (const c of metric.comparisons) {
      c.significant = c.adjustedPValue < alpha;
      const good = metric.higherIsBetter ? c.difference > 0 : c.difference < 0;
      c.direction = c.significant ? (good ? 'better' : 'worse') : 'flat';
    }
  }

  const results: ExperimentResults = {
    experimentKey: definition.key,
    totalUnits,
    variations: data.variations.map((v) => ({ ...v, share: totalUnits > 0 ? v.units / totalUnits : 0 })),
    srm,
    alpha,
    sequential,
    correction,
    metrics,
    multipleExposures: data.multipleExposures,
    recommendation: { decision: 'keep-running', reasons: [] },
  };
  if (definition.type === 'multivariate' && definition.factors) {
    results.factorial = factorialEffects(
      definition,
      data,
      alpha,
      (metric, stats) => estimatesOf(metric, stats).estimates,
    );
  }
  results.recommendation = recommend(results, settings.minimumLift ?? 0.01);
  return results;
}
