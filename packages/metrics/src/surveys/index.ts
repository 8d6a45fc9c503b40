export {
  type BreakdownContext,
  type BreakdownRow,
  breakdownSurvey,
  type Dimension,
  dimensionSchema,
  dimensions,
  loadProfileTraits,
  NONE,
  type SurveyBreakdown,
  type SurveyBreakdownDefinition,
  surveyBreakdownSchema,
  surveyTrend,
  surveyTrendSchema,
  type TrendPoint,
} from './breakdown';
export {
  type CesAgreementResult,
  type CesOptions,
  type CesResult,
  ces,
  cesAgreement,
  compareCes,
} from './ces';
export { type CsatOptions, type CsatResult, compareCsat, csat } from './csat';
export {
  adjustedWaldNet,
  compareNet,
  compareShares,
  type Interval,
  meanInterval,
  type ScoreComparison,
  wilson,
} from './intervals';
export { compareNps, type NpsResult, nps } from './nps';
export { type ScoreOptions, scoreOptionsSchema } from './options';
export {
  type InvalidResponse,
  readSurveyResponses,
  SURVEY_EVENT,
  type SurveyQuery,
  type SurveyResponse,
  surveyPropertiesSchema,
  surveyQuerySchema,
  surveyResponseFromEvent,
} from './responses';
export {
  builtInScales,
  ces5Scale,
  ces7Scale,
  countScores,
  csat5Scale,
  csat7Scale,
  npsScale,
  resolveScale,
  type Scale,
  type ScaleCounts,
  type ScaleRef,
  scaleRefSchema,
  scaleSchema,
} from './scales';
export {
  compareSurveyMetric,
  computeSurveyMetric,
  headline,
  type SurveyMetric,
  type SurveyScore,
  surveyMetricSchema,
} from './survey-metric';
