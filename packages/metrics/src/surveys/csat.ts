import { compareShares, type Interval, meanInterval, type ScoreComparison, wilson } from './intervals';
import { parseScoreOptions, requireResponses, type ScoreOptions } from './options';
import { countScores, resolveScale, type ScaleRef } from './scales';

/** Options of {@link csat}. */
export interface CsatOptions extends ScoreOptions {
  /** `csat-5`, `csat-7` (the default, the brief's 1–7 question) or your own scale. */
  scale?: ScaleRef;
}

/** A CSAT score. */
export interface CsatResult {
  metric: 'csat';
  scale: string;
  n: number;
  /** Answers in the top two boxes (the scale's positive band). */
  satisfied: number;
  /** Top-two-box share, 0 … 1; `null` without responses. */
  topTwoBox: number | null;
  /** Wilson interval of the share. */
  topTwoBoxInterval: Interval | null;
  /** Mean answer; `null` without responses. */
  mean: number | null;
  /** Normal-approximation interval of the mean; `null` below two responses. */
  meanInterval: Interval | null;
  distribution: Record<string, number>;
}

/**
 * Customer satisfaction: the top-two-box share (answers in the scale's positive band, 4–5 on a
 * 1–5 scale, 6–7 on 1–7) with a Wilson interval, and the mean answer with a normal interval.
 *
 * @example
 * ```ts
 * import { csat } from '@cx/metrics';
 * const result = csat([7, 6, 5, 7, 2], { scale: 'csat-7' });
 * // result.topTwoBox === 0.6, result.mean === 5.4
 * ```
 */
export function csat(scores: readonly number[], options: CsatOptions = {}): CsatResult {
  const { level } = parseScoreOptions({ level: options.level });
  const scale = resolveScale(options.scale ?? 'csat-7');
  const counts = countScores(scores, scale);
  const n = counts.n;
  return {
    metric: 'csat',
    scale: scale.id,
    n,
    satisfied: counts.positive,
    topTwoBox: n === 0 ? null : counts.positive / n,
    topTwoBoxInterval: n === 0 ? null : wilson(counts.positive, n, level),
    mean: n === 0 ? null : counts.sum / n,
    meanInterval: meanInterval(counts.sum, counts.sumOfSquares, n, level),
    distribution: counts.distribution,
  };
}

/** Tests whether the top-two-box share changed between two periods (difference `b − a`, as a share). */
export function compareCsat(
  a: readonly number[],
  b: readonly number[],
  options: CsatOptions = {},
): ScoreComparison {
  const left = csat(a, options);
  const right = csat(b, options);
  requireResponses(left.n, right.n);
  return compareShares(
    { successes: left.satisfied, n: left.n },
    { successes: right.satisfied, n: right.n },
    left.topTwoBoxInterval?.level,
  );
}
