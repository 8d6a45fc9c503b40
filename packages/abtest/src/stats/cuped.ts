import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import { type CovariateStats, covariateStatsSchema, type Estimate } from './sufficient-stats';

/** CUPED-adjusted estimates per variation, with the shared θ. */
export interface CupedResult {
  theta: number;
  /** Adjusted mean and its variance, per variation, in input order. */
  estimates: Estimate[];
  /** 1 − Var(adjusted)/Var(raw), per variation: the share of variance removed. */
  varianceReduction: number[];
}

const schema = z.array(covariateStatsSchema).min(1);

/**
 * CUPED (Deng, Xu, Kohavi & Walker, "Improving the Sensitivity of Online Controlled Experiments
 * by Utilizing Pre-Experiment Data", WSDM 2013): with a pre-period covariate X, the adjusted
 * metric Y − θ(X − E[X]) with θ = Cov(Y, X)/Var(X) pooled over all variations has the same
 * expected difference between variations and variance reduced by the factor 1 − ρ². θ is
 * pooled so the adjustment is identical in every variation and cannot bias the comparison.
 *
 * @example
 * ```ts
 * cuped([control, treatment]).estimates[1].mean;
 * ```
 */
export function cuped(variations: readonly CovariateStats[]): CupedResult {
  parseOrThrow(schema, variations, 'CUPED statistics');
  let n = 0;
  let sy = 0;
  let sx = 0;
  let sxx = 0;
  let sxy = 0;
  for (const v of variations) {
    n += v.n;
    sy += v.sum;
    sx += v.covariateSum;
    sxx += v.covariateSumSquares;
    sxy += v.crossSum;
  }
  const varX = n > 1 ? (sxx - (sx * sx) / n) / (n - 1) : 0;
  const covXY = n > 1 ? (sxy - (sx * sy) / n) / (n - 1) : 0;
  const theta = varX > 0 ? covXY / varX : 0;
  const grandX = n > 0 ? sx / n : 0;
  const estimates: Estimate[] = [];
  const varianceReduction: number[] = [];
  for (const v of variations) {
    if (v.n < 2) {
      estimates.push({ mean: v.n === 0 ? 0 : v.sum / v.n, variance: 0 });
      varianceReduction.push(0);
      continue;
    }
    const my = v.sum / v.n;
    const mx = v.covariateSum / v.n;
    const vy = Math.max(0, (v.sumSquares - v.n * my * my) / (v.n - 1));
    const vx = Math.max(0, (v.covariateSumSquares - v.n * mx * mx) / (v.n - 1));
    const cxy = (v.crossSum - v.n * mx * my) / (v.n - 1);
    const adjusted = Math.max(0, vy - 2 * theta * cxy + theta * theta * vx);
    estimates.push({ mean: my - theta * (mx - grandX), variance: adjusted / v.n });
    varianceReduction.push(vy > 0 ? 1 - adjusted / vy : 0);
  }
  return { theta, estimates, varianceReduction };
}
