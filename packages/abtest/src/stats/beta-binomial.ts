import { parseOrThrow } from '@cx/core';
import { logBeta, normalCdf } from '@cx/core/stats';
import { z } from 'zod';
import { type ProportionStats, proportionStatsSchema } from './sufficient-stats';

/** The exact Beta-Binomial comparison of two conversion rates. */
export interface BetaBinomialResult {
  /** P(p_B > p_A | data), exact. */
  chanceToWin: number;
  /** E[max(0, p_A − p_B)]: conversion rate lost on average by shipping B. */
  expectedLossIfShipped: number;
  /** E[max(0, p_B − p_A)]: conversion rate lost on average by keeping A. */
  expectedLossIfNotShipped: number;
}

/** A Beta(α, β) prior on each conversion rate; default Beta(1, 1) (uniform). */
export interface BetaPrior {
  alpha: number;
  beta: number;
}

const schema = z.object({
  control: proportionStatsSchema,
  treatment: proportionStatsSchema,
  prior: z.object({ alpha: z.number().int().positive(), beta: z.number().int().positive() }),
});

/** Above this many conversions (in the smaller arm) the Gaussian limit replaces the exact sum. */
export const EXACT_TERMS_LIMIT = 100_000;

/**
 * P(X_B > X_A) for independent X_A ~ Beta(a, b), X_B ~ Beta(c, d) with integer c, by Evan
 * Miller's closed form ("Formulas for Bayesian A/B Testing", 2015, derived from Cook 2005):
 * Σ_{i=0}^{c−1} B(a+i, b+d) / ((d+i)·B(1+i, d)·B(a, b)).
 */
export function probabilityBetaGreater(a: number, b: number, c: number, d: number): number {
  // The sum has c terms; sum over the smaller shape by symmetry, P(X_B > X_A) = 1 − P(X_A > X_B).
  if (c > a) return 1 - probabilityBetaGreater(c, d, a, b);
  if (c > EXACT_TERMS_LIMIT) {
    // Beyond this many terms both posteriors are Gaussian to well under 1e-4 (Beta(c, d) with c
    // above 100,000), and the exact sum would cost milliseconds per call.
    const va = (a * b) / ((a + b) ** 2 * (a + b + 1));
    const vb = (c * d) / ((c + d) ** 2 * (c + d + 1));
    return normalCdf((c / (c + d) - a / (a + b)) / Math.sqrt(va + vb));
  }
  // Consecutive terms have the ratio (a+i)(d+i) / ((a+b+d+i)(1+i)), so the sum needs one multiply per
  // term. The first term's magnitude is kept apart as a log scale, and the running sum is
  // renormalised before it could overflow, so neither tiny nor huge terms lose precision.
  let logScale = logBeta(a, b + d) - logBeta(a, b);
  let term = 1;
  let sum = 1;
  for (let i = 0; i < c - 1; i++) {
    term *= ((a + i) * (d + i)) / ((a + b + d + i) * (1 + i));
    sum += term;
    if (sum > 1e250) {
      term *= 1e-250;
      sum *= 1e-250;
      logScale += 250 * Math.LN10;
    }
  }
  const total = sum * Math.exp(logScale);
  return Math.min(1, Math.max(0, total));
}

/**
 * The exact Bayesian comparison of two conversion rates under Beta priors: chance to win and
 * both expected losses, in closed form (no sampling). Expected loss uses
 * E[X_A·1{X_A > X_B}] = E[X_A]·P(X'_A > X_B) with X'_A ~ Beta(a+1, b) (Stucchio 2015, §3).
 *
 * @example
 * ```ts
 * betaBinomial({ n: 1000, conversions: 200 }, { n: 1000, conversions: 250 }).chanceToWin; // 0.9963
 * ```
 */
export function betaBinomial(
  control: ProportionStats,
  treatment: ProportionStats,
  prior: BetaPrior = { alpha: 1, beta: 1 },
): BetaBinomialResult {
  parseOrThrow(schema, { control, treatment, prior }, 'Beta-Binomial input');
  const a = prior.alpha + control.conversions;
  const b = prior.beta + control.n - control.conversions;
  const c = prior.alpha + treatment.conversions;
  const d = prior.beta + treatment.n - treatment.conversions;
  const chanceToWin = probabilityBetaGreater(a, b, c, d);
  const meanA = a / (a + b);
  const meanB = c / (c + d);
  // E[max(0, A − B)] = E[A·1{A>B}] − E[B·1{A>B}]
  const lossShip =
    meanA * (1 - probabilityBetaGreater(a + 1, b, c, d)) -
    meanB * (1 - probabilityBetaGreater(a, b, c + 1, d));
  const lossKeep =
    meanB * probabilityBetaGreater(a, b, c + 1, d) - meanA * probabilityBetaGreater(a + 1, b, c, d);
  return {
    chanceToWin,
    expectedLossIfShipped: Math.max(0, lossShip),
    expectedLossIfNotShipped: Math.max(0, lossKeep),
  };
}
