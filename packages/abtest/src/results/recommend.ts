import type { ExperimentResults, Recommendation, VariationComparison } from './result-types';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The decision rule: an SRM invalidates everything; a treatment ships when the primary goal
 * (the first goal metric) is significantly better and no guardrail is significantly worse;
 * the experiment stops for futility when every treatment's lift interval on the primary goal
 * lies below the smallest lift worth shipping (or it is significantly worse); otherwise it
 * keeps running. The interval is the always-valid one in sequential mode.
 */
export function recommend(results: ExperimentResults, minimumLift: number): Recommendation {
  if (results.srm.mismatch) {
    return {
      decision: 'investigate-srm',
      reasons: [
        `Sample ratio mismatch (p = ${results.srm.pValue.toExponential(2)} < 0.001): assignment or tracking is broken; do not trust these results.`,
      ],
    };
  }
  const primary = results.metrics.find((m) => m.role === 'goal');
  if (!primary) return { decision: 'keep-running', reasons: ['No goal metric.'] };
  const guardrails = results.metrics.filter((m) => m.role === 'guardrail');
  const harmed = (variation: string) =>
    guardrails
      .filter((g) => g.comparisons.some((c) => c.variation === variation && c.direction === 'worse'))
      .map((g) => g.key);
  const reasons: string[] = [];
  const winners: VariationComparison[] = [];
  for (const c of primary.comparisons) {
    if (c.direction !== 'better') continue;
    const harms = harmed(c.variation);
    if (harms.length > 0)
      reasons.push(`${c.variation} wins on ${primary.key} but harms guardrail ${harms.join(', ')}.`);
    else winners.push(c);
  }
  if (winners.length > 0) {
    const best = winners.reduce((a, b) => (Math.abs(b.lift) > Math.abs(a.lift) ? b : a));
    return {
      decision: 'ship',
      variation: best.variation,
      reasons: [
        ...reasons,
        `${best.variation} improves ${primary.key} by ${percent(best.lift)} (p = ${best.adjustedPValue.toPrecision(3)}, chance to win ${percent(best.chanceToWin)}).`,
      ],
    };
  }
  const interval = (c: VariationComparison) => (results.sequential ? c.sequentialInterval : c.liftInterval);
  const futile = primary.comparisons.every((c) => {
    const [low, high] = interval(c);
    const bestCase = primary.higherIsBetter ? high : -low;
    return c.direction === 'worse' || bestCase < minimumLift;
  });
  if (futile && primary.comparisons.length > 0 && results.totalUnits > 0) {
    return {
      decision: 'stop-for-futility',
      variation: primary.control.variation,
      reasons: [
        ...reasons,
        `No treatment can reach a ${percent(minimumLift)} lift on ${primary.key}; keep control.`,
      ],
    };
  }
  return { decision: 'keep-running', reasons: [...reasons, `No significant result on ${primary.key} yet.`] };
}
