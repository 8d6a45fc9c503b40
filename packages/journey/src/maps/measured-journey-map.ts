import type { SurveyScore } from '@cx/metrics';
import type { StageKind, SurveyMetricKind } from './journey-map-types';

/** The emotion of a measured stage, always on the map's −2 … +2 scale. */
export type MeasuredEmotion =
  | { source: 'manual'; score: number }
  | {
      source: 'survey';
      /** The survey score on −2 … +2 (see the docs for the mapping); `null` without answers. */
      score: number | null;
      metric: SurveyMetricKind;
      /** The `@cx/metrics` result: NPS points, CSAT shares, intervals, distribution. */
      result: SurveyScore;
      /** Matching answers left out because their score was missing or off the scale. */
      skipped: number;
    };

/** One stage of a measured map. */
export interface MeasuredStage {
  stageId: string;
  name: string;
  kind: StageKind;
  /** People whose best attempt reached this stage (through every stage before it). */
  reached: number;
  /** reached ÷ the previous stage's reached; `null` for the first stage or after nobody. */
  conversionFromPrevious: number | null;
  /** reached ÷ the first stage's reached. */
  conversionFromStart: number | null;
  /** People lost since the previous stage; `null` for the first stage. */
  dropOff: number | null;
  /** dropOff ÷ the previous stage's reached; `null` for the first stage or after nobody. */
  dropOffRate: number | null;
  /** Median ms from the previous stage, for those who reached this one. */
  medianMsFromPrevious: number | null;
  emotion: MeasuredEmotion | null;
}

/** A journey map measured over a period. */
export interface MeasuredJourneyMap {
  mapId: string;
  /** Inclusive start, ISO. */
  from: string;
  /** Exclusive end, ISO. */
  to: string;
  windowMs: number;
  /** `sql` when the funnel ran as one statement in the database, else `stream`. */
  engine: 'sql' | 'stream';
  stages: MeasuredStage[];
  /** People who reached the first stage. */
  entered: number;
  /** People who reached the last stage. */
  converted: number;
  conversionRate: number | null;
  /** The stage where most people are lost, by count; `null` when nobody is. */
  biggestDropOff: string | null;
}
