import type { CxEvent } from '@cx/core';
import { type CompiledCondition, compileCondition } from '@cx/core/conditions';
import {
  computeSurveyMetric,
  npsScale,
  resolveScale,
  type Scale,
  SURVEY_EVENT,
  type SurveyMetric,
  type SurveyScore,
} from '@cx/metrics';
import type { StageEmotion } from './journey-map-types';
import type { MeasuredEmotion } from './measured-journey-map';

type SurveySource = Extract<StageEmotion, { source: 'survey' }>['survey'];

const DEFAULT_SCALES = { nps: 'nps', csat: 'csat-7', ces: 'ces-5', 'ces-agreement': 'ces-7' } as const;

/**
 * A survey score on the map's −2 … +2 emotion scale. Net scores (NPS, CES) run −100 … 100
 * points, so they are divided by 50; CSAT and CES 2.0 are means on their scale, mapped linearly
 * from `min … max` to −2 … +2 (3 on a 1–5 scale is 0).
 *
 * @example
 * ```ts
 * emotionScore(nps([10, 9, 6, 8])); // 25 points → 0.5
 * ```
 */
export function emotionScore(result: SurveyScore, scale?: Scale): number | null {
  switch (result.metric) {
    case 'nps':
    case 'ces':
      return result.score === null ? null : result.score / 50;
    case 'csat':
    case 'ces-agreement': {
      const { min, max } = scale ?? resolveScale(result.scale);
      return result.mean === null ? null : -2 + (4 * (result.mean - min)) / (max - min);
    }
  }
}

/**
 * Collects one stage's survey answers as events stream by, and scores them with `@cx/metrics`.
 * An answer belongs to the stage when it is the survey event and meets `where` (the stage's own
 * question or touchpoint, `{ touchpoint: 'checkout' }`); the caller passes only events in the
 * measured period.
 */
export class SurveyEmotionCollector {
  private readonly event: string;
  private readonly test: CompiledCondition | null;
  private readonly metric: SurveyMetric;
  private readonly scale: Scale;
  private readonly scores: number[] = [];
  private skipped = 0;

  constructor(private readonly source: SurveySource) {
    this.event = source.event ?? SURVEY_EVENT;
    this.test = source.where === undefined ? null : compileCondition(source.where);
    this.scale =
      source.metric === 'nps' ? npsScale : resolveScale(source.scale ?? DEFAULT_SCALES[source.metric]);
    this.metric = source.metric === 'nps' ? { kind: 'nps' } : { kind: source.metric, scale: this.scale.id };
  }

  /** Looks at one stored event. */
  add(event: CxEvent): void {
    if (event.type !== 'track' || event.event !== this.event) return;
    const properties = (event.properties ?? {}) as Record<string, unknown>;
    if (this.test !== null && !this.test(properties, undefined, Date.parse(event.timestamp))) return;
    const score = properties[this.source.scoreProperty ?? 'score'];
    // Off-scale answers would make the metrics functions throw; they are counted, not fatal.
    if (
      typeof score !== 'number' ||
      !Number.isInteger(score) ||
      score < this.scale.min ||
      score > this.scale.max
    )
      this.skipped++;
    else this.scores.push(score);
  }

  /** The stage's emotion from the answers seen. */
  result(level = 0.95): MeasuredEmotion {
    const result = computeSurveyMetric(this.metric, this.scores, level);
    return {
      source: 'survey',
      score: emotionScore(result, this.scale),
      metric: this.source.metric,
      result,
      skipped: this.skipped,
    };
  }
}
