/**
 * Journey maps: customer-journey stages, touchpoints, emotions and pain points as data, linked to
 * measured drop-off through `@cx/metrics` funnels and survey scores, exported as stable JSON and
 * Mermaid.
 *
 * @packageDocumentation
 */
export { defineJourneyMap, parseJourneyMap } from './define-journey-map';
export { conditionFilters } from './direct-filters';
export type { JourneyMapIssue, JourneyMapIssueCode } from './journey-map-issue';
export { type JourneyMapJson, journeyMapJson } from './journey-map-json';
export { journeyMapMermaid } from './journey-map-mermaid';
export { journeyMapSchema } from './journey-map-schema';
export {
  type JourneyMap,
  type JourneyNodeRef,
  type JourneyStage,
  OFFLINE_CHANNELS,
  STAGE_KINDS,
  type StageEmotion,
  type StageKind,
  type SurveyMetricKind,
  type Touchpoint,
  type TouchpointChannel,
  type TouchpointEvent,
} from './journey-map-types';
export {
  JOURNEY_MAP_STAGE_EVENT,
  type JourneyMapFunnel,
  type MapFunnelOptions,
  mapFunnel,
} from './map-funnel';
export { type MeasureJourneyMapOptions, measureJourneyMap } from './measure-journey-map';
export type { MeasuredEmotion, MeasuredJourneyMap, MeasuredStage } from './measured-journey-map';
export { mermaidText, percent } from './mermaid-text';
export { stageMatcher } from './stage-matcher';
export { emotionScore, SurveyEmotionCollector } from './survey-emotion';
export { type ValidateJourneyMapOptions, validateJourneyMap } from './validate-journey-map';
