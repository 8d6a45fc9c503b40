import { twoSidedP, zForLevel } from '@cx/core/stats';

/** A two-sided confidence interval. */
export interface Interval {
  low: number;
  high: number;
  /** The confidence level, such as 0.95. */
  level: number;
}

/**
 * Adjusted-Wald interval for a net score (NPS, the five-answer CES): Rocks (2016), "Interval
 * estimation for the 'net promoter score'", The American Statistician 70(4), as recommended by
 * Sauro (MeasuringU). Add 3/4 of a response to each of the positive and negative groups (3 in all,
 * the other 3/2 to the middle), then
 * `p⁺' = (n⁺ + ¾)/(n + 3)`, `p⁻' = (n⁻ + ¾)/(n + 3)`, `NPS' = p⁺' − p⁻'`,
 * `Var = (p⁺' + p⁻' − NPS'²)/(n + 3)` and the interval is `NPS' ± z·√Var`, clipped to [−1, 1].
 * Returned in points (−100 … 100). Defined for n = 0 too (the prior alone), but callers show
 * no interval when there are no responses.
 */
export function adjustedWaldNet(
  positive: number,
  negative: number,
  n: number,
  level = 0.95,
): Interval & { variance: number; center: number } {
  const m = n + 3;
  const pPlus = (positive + 0.75) / m;
  const pMinus = (negative + 0.75) / m;
  const center = pPlus - pMinus;
  const variance = (pPlus + pMinus - center * center) / m;
  const half = zForLevel(level) * Math.sqrt(variance);
  return {
    low: Math.max(-1, center - half) * 100,
    high: Math.min(1, center + half) * 100,
    level,
    center: center * 100,
    variance,
  };
}

/**
 * Wilson score interval for a proportion (Wilson 1927), good at small n and near 0 or 1 where
 * the plain Wald interval fails. Returned as shares (0 … 1).
 */
export function wilson(successes: number, n: number, level = 0.95): Interval {
  const z = zForLevel(level);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half), level };
}

/**
 * Normal-approximation interval of a mean, `x̄ ± z·s/√n` with the sample standard deviation `s`;
 * `null` below two responses, where `s` is undefined.
 */
export function meanInterval(sum: number, sumOfSquares: number, n: number, level = 0.95): Interval | null {
  if (n < 2) return null;
  const mean = sum / n;
  const variance = Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
  const half = zForLevel(level) * Math.sqrt(variance / n);
  return { low: mean - half, high: mean + half, level };
}

/** The outcome of comparing one score between two periods or groups. */
export interface ScoreComparison {
  /** `b − a`, in the score's units. */
  difference: number;
  /** Interval of the difference. */
  interval: Interval;
  /** The z statistic of the difference. */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  /** True when the interval excludes zero (`pValue < 1 − level`). */
  significant: boolean;
}

/**
 * Compares two net scores with the adjusted-Wald variances (Rocks 2016, §4): the difference of
 * the adjusted scores, its variance the sum of both, a z test and an interval. In points.
 */
export function compareNet(
  a: { positive: number; negative: number; n: number },
  b: { positive: number; negative: number; n: number },
  level = 0.95,
): ScoreComparison {
  const left = adjustedWaldNet(a.positive, a.negative, a.n, level);
  const right = adjustedWaldNet(b.positive, b.negative, b.n, level);
  const difference = (right.center - left.center) / 100;
  const se = Math.sqrt(left.variance + right.variance);
  const z = difference / se;
  const half = zForLevel(level) * se;
  const pValue = twoSidedP(z);
  return {
    difference: difference * 100,
    interval: { low: (difference - half) * 100, high: (difference + half) * 100, level },
    z,
    pValue,
    significant: pValue < 1 - level,
  };
}

/**
 * Compares two proportions (top-two-box shares) with the unpooled normal approximation; the
 * difference is `b − a` as a share.
 */
export function compareShares(
  a: { successes: number; n: number },
  b: { successes: number; n: number },
  level = 0.95,
): ScoreComparison {
  const pa = a.successes / a.n;
  const pb = b.successes / b.n;
  const difference = pb - pa;
  const se = Math.sqrt((pa * (1 - pa)) / a.n + (pb * (1 - pb)) / b.n);
  const z =
    se === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY) : difference / se;
  const half = zForLevel(level) * se;
  const pValue = se === 0 ? (difference === 0 ? 1 : 0) : twoSidedP(z);
  return {
    difference,
    interval: { low: difference - half, high: difference + half, level },
    z,
    pValue,
    significant: pValue < 1 - level,
  };
}
