import { normalQuantile, normalSf } from '@cx/core/stats';
import type { ExperimentData, MetricStats } from '../experiments/collect-metrics';
import type { ExperimentDefinition } from '../experiments/experiment-definition';
import type { MetricDefinition } from '../experiments/metric-definition';
import type { Estimate } from '../stats/sufficient-stats';
import type { FactorialEffect } from './result-types';

/**
 * Main effects and two-way interactions of a full-factorial experiment as contrasts of cell
 * means (Montgomery, Design and Analysis of Experiments, 9th ed., §6.2): the main effect of
 * level l of factor A is the mean over cells at A = l minus the mean over cells at A's first
 * level, averaged over the other factors; the interaction of A = l with B = m is
 * ȳ(l,m) − ȳ(l,0) − ȳ(0,m) + ȳ(0,0), each averaged over the remaining factors. Cells are
 * independent, so Var = Σ cᵢ²·Var(ȳᵢ).
 */
export function factorialEffects(
  definition: ExperimentDefinition,
  data: ExperimentData,
  alpha: number,
  estimatesOf: (metric: MetricDefinition, stats: readonly MetricStats[]) => Estimate[],
): FactorialEffect[] {
  const factors = definition.factors ?? [];
  const cells = definition.variations.map((v) => v.levels ?? {});
  const z = normalQuantile(1 - alpha / 2);
  const out: FactorialEffect[] = [];
  definition.metrics.forEach((metric, metricIndex) => {
    const stats = data.metrics[metricIndex]?.stats ?? [];
    const estimates = estimatesOf(metric, stats);
    const contrast = (groups: { match: (cell: Record<string, string>) => boolean; sign: number }[]) => {
      const weights = new Array<number>(cells.length).fill(0);
      for (const group of groups) {
        const members = cells.map((cell, i) => (group.match(cell) ? i : -1)).filter((i) => i >= 0);
        for (const i of members) weights[i] = (weights[i] as number) + group.sign / members.length;
      }
      let effect = 0;
      let variance = 0;
      weights.forEach((w, i) => {
        const e = estimates[i] as Estimate;
        effect += w * e.mean;
        variance += w * w * e.variance;
      });
      const standardError = Math.sqrt(variance);
      return {
        effect,
        standardError,
        interval: [effect - z * standardError, effect + z * standardError] as [number, number],
        pValue: standardError > 0 ? Math.min(1, 2 * normalSf(Math.abs(effect) / standardError)) : 1,
      };
    };
    factors.forEach((factor, fi) => {
      const base = factor.levels[0] as string;
      for (const level of factor.levels.slice(1)) {
        out.push({
          metric: metric.key,
          term: `${factor.key}=${level}`,
          kind: 'main',
          ...contrast([
            { match: (c) => c[factor.key] === level, sign: 1 },
            { match: (c) => c[factor.key] === base, sign: -1 },
          ]),
        });
      }
      for (const other of factors.slice(fi + 1)) {
        const otherBase = other.levels[0] as string;
        for (const level of factor.levels.slice(1)) {
          for (const otherLevel of other.levels.slice(1)) {
            const at = (a: string, b: string) => (c: Record<string, string>) =>
              c[factor.key] === a && c[other.key] === b;
            out.push({
              metric: metric.key,
              term: `${factor.key}=${level} × ${other.key}=${otherLevel}`,
              kind: 'interaction',
              ...contrast([
                { match: at(level, otherLevel), sign: 1 },
                { match: at(level, otherBase), sign: -1 },
                { match: at(base, otherLevel), sign: -1 },
                { match: at(base, otherBase), sign: 1 },
              ]),
            });
          }
        }
      }
    });
  });
  return out;
}
