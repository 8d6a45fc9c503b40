/**
 * RFM (recency, frequency, monetary) analysis: a streaming quantile sketch, quintile scoring,
 * named segments as data, and a durable model with dated snapshots and migration matrices.
 *
 * @module
 */
export { createQuantileSketch, type QuantileSketch, type QuantileSketchOptions } from './kll-sketch';
export { RFM_NONE, type RfmMigrationMatrix } from './migration-matrix';
export type { QuintileCuts, RfmScore } from './quintiles';
export {
  RFM_QUEUE,
  RFM_REFRESH_KEY,
  type RfmRefreshPayload,
  type RfmRefreshScheduleOptions,
} from './refresh-schedule';
export type { Instant } from './rfm-inputs';
export { createRfm, type Rfm, type RfmOptions, type RfmWorkerOptions } from './rfm-model';
export {
  DEFAULT_RFM_SEGMENTS,
  type RfmSegmenter,
  type RfmSegmentRule,
  type RfmSegmentsConfig,
  rfmSegmenter,
  rfmSegmentsConfigSchema,
  type ScoreRange,
} from './rfm-segments';
export {
  type RfmCutPoints,
  type RfmMeasures,
  type RfmProfileScores,
  type RfmScoring,
  type ScoreHistogram,
  type ScoreRfmOptions,
  scoreRfm,
} from './score-rfm';
export {
  RFM_INDEX,
  RFM_SCORES,
  RFM_SNAPSHOTS,
  type RfmProfileSnapshot,
  type RfmSettings,
  type RfmSnapshot,
} from './snapshot-store';
