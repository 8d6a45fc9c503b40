import { adjustedWaldNet, compareNet, type Interval, type ScoreComparison } from './intervals';
import { parseScoreOptions, requireResponses, type ScoreOptions } from './options';
import { countScores, npsScale } from './scales';

/** A Net Promoter Score with its parts and interval. */
export interface NpsResult {
  metric: 'nps';
  /** Responses counted. */
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** %promoters − %detractors, in points (−100 … 100); `null` without responses. */
  score: number | null;
  /** Adjusted-Wald interval in points; `null` without responses. */
  interval: Interval | null;
  /** How many answers gave each score 0–10. */
  distribution: Record<string, number>;
}

/**
 * Net Promoter Score of 0–10 answers: promoters 9–10, passives 7–8, detractors 0–6;
 * NPS = %promoters − %detractors, with an adjusted-Wald interval (Rocks 2016).
 * A score outside 0–10 (or not an integer) throws a `ValidationError`.
 *
 * @example
 * ```ts
 * import { nps } from '@cx/metrics';
 * const result = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 8]);
 * // result.score === 30; result.interval ≈ { low: -19.1, high: 65.2, level: 0.95 }
 * ```
 */
export function nps(scores: readonly number[], options?: ScoreOptions): NpsResult {
  const { level } = parseScoreOptions(options);
  const counts = countScores(scores, npsScale);
  const n = counts.n;
  return {
    metric: 'nps',
    n,
    promoters: counts.positive,
    passives: counts.neutral,
    detractors: counts.negative,
    score: n === 0 ? null : ((counts.positive - counts.negative) / n) * 100,
    interval: n === 0 ? null : pick(adjustedWaldNet(counts.positive, counts.negative, n, level)),
    distribution: counts.distribution,
  };
}

const pick = ({ low, high, level }: Interval): Interval => ({ low, high, level });

/**
 * Tests whether NPS changed between two periods (or differs between two groups): the
 * difference `b − a` in points, its adjusted-Wald interval, z and two-sided p-value.
 * Both periods need at least one response (`ValidationError` otherwise).
 *
 * @example
 * ```ts
 * const change = compareNps(lastMonthScores, thisMonthScores);
 * if (change.significant) console.log(`NPS moved ${change.difference.toFixed(1)} points`);
 * ```
 */
export function compareNps(
  a: readonly number[],
  b: readonly number[],
  options?: ScoreOptions,
): ScoreComparison {
  const { level } = parseScoreOptions(options);
  const left = nps(a, { level });
  const right = nps(b, { level });
  requireResponses(left.n, right.n);
  return compareNet(
    { positive: left.promoters, negative: left.detractors, n: left.n },
    { positive: right.promoters, negative: right.detractors, n: right.n },
    level,
  );
}
