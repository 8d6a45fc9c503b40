import { z } from 'zod';
import { type CesAgreementResult, type CesResult, ces, cesAgreement, compareCes } from './ces';
import { type CsatResult, compareCsat, csat } from './csat';
import type { ScoreComparison } from './intervals';
import { compareNps, type NpsResult, nps } from './nps';
import { scaleRefSchema } from './scales';

/** Which survey score to compute: serialisable, so a dashboard can store it. */
export const surveyMetricSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('nps') }),
  z.object({ kind: z.literal('csat'), scale: scaleRefSchema.optional() }),
  z.object({ kind: z.literal('ces'), scale: scaleRefSchema.optional() }),
  z.object({ kind: z.literal('ces-agreement'), scale: scaleRefSchema.optional() }),
]);
/** See {@link surveyMetricSchema}. */
export type SurveyMetric = z.output<typeof surveyMetricSchema>;

/** The result of any survey score. */
export type SurveyScore = NpsResult | CsatResult | CesResult | CesAgreementResult;

/** Computes one survey score of `scores`. */
export function computeSurveyMetric(
  metric: SurveyMetric,
  scores: readonly number[],
  level: number,
): SurveyScore {
  switch (metric.kind) {
    case 'nps':
      return nps(scores, { level });
    case 'csat':
      return csat(scores, { level, ...(metric.scale === undefined ? {} : { scale: metric.scale }) });
    case 'ces':
      return ces(scores, { level, ...(metric.scale === undefined ? {} : { scale: metric.scale }) });
    case 'ces-agreement':
      return cesAgreement(scores, { level, ...(metric.scale === undefined ? {} : { scale: metric.scale }) });
  }
}

/** Compares one survey score between two sets of answers (`b − a`). */
export function compareSurveyMetric(
  metric: SurveyMetric,
  a: readonly number[],
  b: readonly number[],
  level: number,
): ScoreComparison {
  const scale = metric.kind === 'nps' ? {} : metric.scale === undefined ? {} : { scale: metric.scale };
  switch (metric.kind) {
    case 'nps':
      return compareNps(a, b, { level });
    case 'csat':
      return compareCsat(a, b, { level, ...scale });
    case 'ces':
      return compareCes(a, b, { level, ...scale });
    case 'ces-agreement':
      return compareCsat(a, b, { level, scale: metric.scale ?? 'ces-7' });
  }
}

/** The headline number of a score: points for NPS and CES, a share for CSAT and CES 2.0. */
export function headline(score: SurveyScore): number | null {
  switch (score.metric) {
    case 'nps':
    case 'ces':
      return score.score;
    case 'csat':
      return score.topTwoBox;
    case 'ces-agreement':
      return score.agreeShare;
  }
}
