import {
  adjustedWaldNet,
  compareNet,
  type Interval,
  meanInterval,
  type ScoreComparison,
  wilson,
} from './intervals';
import { parseScoreOptions, requireResponses, type ScoreOptions } from './options';
import { countScores, resolveScale, type ScaleRef } from './scales';

/** Options of {@link ces}. */
export interface CesOptions extends ScoreOptions {
  /** The five-answer scale by default (`ces-5`: 1 very easy … 5 very difficult). */
  scale?: ScaleRef;
}

/** The brief's five-answer Customer Effort Score. */
export interface CesResult {
  metric: 'ces';
  scale: string;
  n: number;
  /** Very easy + easy. */
  easy: number;
  neutral: number;
  /** Difficult + very difficult. */
  difficult: number;
  /** %(very easy + easy) − %(difficult + very difficult), in points; `null` without responses. */
  score: number | null;
  /** Adjusted-Wald interval of the net score, in points. */
  interval: Interval | null;
  distribution: Record<string, number>;
}

/**
 * Customer Effort Score as the brief defines it: five answers from very easy to very difficult,
 * CES = %(very easy + easy) − %(difficult + very difficult), in points (−100 … 100). The net score
 * has the same three-group structure as NPS, so it gets the same adjusted-Wald interval.
 *
 * @example
 * ```ts
 * import { ces } from '@cx/metrics';
 * ces([1, 1, 2, 3, 4]).score; // (3 − 1) / 5 = 40
 * ```
 */
export function ces(scores: readonly number[], options: CesOptions = {}): CesResult {
  const { level } = parseScoreOptions({ level: options.level });
  const scale = resolveScale(options.scale ?? 'ces-5');
  const counts = countScores(scores, scale);
  const n = counts.n;
  return {
    metric: 'ces',
    scale: scale.id,
    n,
    easy: counts.positive,
    neutral: counts.neutral,
    difficult: counts.negative,
    score: n === 0 ? null : ((counts.positive - counts.negative) / n) * 100,
    interval: n === 0 ? null : strip(adjustedWaldNet(counts.positive, counts.negative, n, level)),
    distribution: counts.distribution,
  };
}

const strip = ({ low, high, level }: Interval): Interval => ({ low, high, level });

/** Tests whether the five-answer CES changed between two periods (difference `b − a`, in points). */
export function compareCes(
  a: readonly number[],
  b: readonly number[],
  options: CesOptions = {},
): ScoreComparison {
  const left = ces(a, options);
  const right = ces(b, options);
  requireResponses(left.n, right.n);
  return compareNet(
    { positive: left.easy, negative: left.difficult, n: left.n },
    { positive: right.easy, negative: right.difficult, n: right.n },
    left.interval?.level,
  );
}

/** CES 2.0 on the 7-point agreement scale. */
export interface CesAgreementResult {
  metric: 'ces-agreement';
  scale: string;
  n: number;
  /** Answers 5–7 (somewhat agree … strongly agree). */
  agreeing: number;
  /** Share agreeing, 0 … 1. */
  agreeShare: number | null;
  agreeInterval: Interval | null;
  /** Mean answer, 1 … 7. */
  mean: number | null;
  meanInterval: Interval | null;
  distribution: Record<string, number>;
}

/**
 * CES 2.0 (CEB/Gartner): "The company made it easy for me to handle my issue", 1 strongly
 * disagree … 7 strongly agree. Reports the mean and the share agreeing (5–7), with intervals.
 *
 * @example
 * ```ts
 * import { cesAgreement } from '@cx/metrics';
 * cesAgreement([7, 6, 5, 4, 1]).agreeShare; // 0.6
 * ```
 */
export function cesAgreement(scores: readonly number[], options: CesOptions = {}): CesAgreementResult {
  const { level } = parseScoreOptions({ level: options.level });
  const scale = resolveScale(options.scale ?? 'ces-7');
  const counts = countScores(scores, scale);
  const n = counts.n;
  return {
    metric: 'ces-agreement',
    scale: scale.id,
    n,
    agreeing: counts.positive,
    agreeShare: n === 0 ? null : counts.positive / n,
    agreeInterval: n === 0 ? null : wilson(counts.positive, n, level),
    mean: n === 0 ? null : counts.sum / n,
    meanInterval: meanInterval(counts.sum, counts.sumOfSquares, n, level),
    distribution: counts.distribution,
  };
}
