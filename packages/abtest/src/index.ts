/**
 * `@cx/abtest`: GrowthBook-compatible assignment, experiments, statistics and bandits.
 *
 * @packageDocumentation
 */
export {
  type Condition,
  compileCondition,
  evalCondition,
  parseCondition,
  type SavedGroups,
} from '@cx/core/conditions';
export {
  chiSquareSf,
  incompleteBeta,
  logBeta,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from '@cx/core/stats';
export {
  type AssignmentContext,
  type AssignmentReason,
  type AssignmentResult,
  assignVariation,
  type CompiledExperiment,
  type CompileExperimentOptions,
  compileExperiment,
  queryStringOverride,
} from './assignment/assign';
export {
  chooseVariation,
  getBucketRanges,
  getEqualWeights,
  inRange,
  type VariationRange,
} from './assignment/bucket-ranges';
export {
  type ExperimentConfig,
  type ExperimentFilter,
  experimentConfigSchema,
  type VariationMeta,
} from './assignment/experiment-config';
export { fnv1a32, type HashVersion, hash } from './assignment/hash';
export { inNamespace, type Namespace } from './assignment/namespaces';
export {
  createStickyAssigner,
  type StickyAssigner,
  type StickyAssignerOptions,
} from './assignment/sticky-assigner';
export {
  type StickyAssignmentsDocument,
  stickyAttributeKey,
  stickyExperimentKey,
} from './assignment/sticky-bucket-types';
export {
  STICKY_BUCKET_COLLECTION,
  type StickyBucketStore,
  storageStickyBuckets,
} from './assignment/sticky-buckets';
export {
  assignBandit,
  BANDIT_COLLECTION,
  type BanditArmReport,
  type BanditAssignment,
  banditArmEstimates,
  banditReport,
  createBandit,
  holdoutEstimate,
  loadBandit,
  reallocateBandit,
  recordBanditReward,
  saveBandit,
} from './bandits/bandit';
export {
  type BanditInput,
  type BanditPeriod,
  type BanditState,
  banditInputSchema,
} from './bandits/bandit-state';
export { applyMinimumWeight, probabilityBest, topTwoAllocation } from './bandits/top-two-thompson';
export {
  type CollectOptions,
  collectExperimentData,
  type ExperimentData,
  emptyMetricStats,
  type MetricStats,
} from './experiments/collect-metrics';
export {
  type AnalysisSettings,
  defineExperiment,
  type ExperimentDefinition,
  type ExperimentInput,
  experimentDefinitionSchema,
  type FactorDefinition,
  factorialCells,
  toAssignmentConfig,
  type VariationDefinition,
} from './experiments/experiment-definition';
export { EXPERIMENT_COLLECTION, loadExperiment, saveExperiment } from './experiments/experiment-store';
export {
  EXPOSURE_EVENT,
  type ExposureIdentity,
  type ExposureInput,
  exposureEvent,
  exposureMessageId,
  recordExposure,
} from './experiments/exposures';
export {
  type EventSelector,
  type MetricDefinition,
  type MetricType,
  metricDefinitionSchema,
} from './experiments/metric-definition';
export { type RedirectDecision, splitUrlRedirect } from './experiments/split-url';
export { analyzeExperiment } from './results/analyze';
export { formatResultsTable } from './results/format-table';
export type {
  ExperimentResults,
  FactorialEffect,
  MetricResult,
  Recommendation,
  VariationComparison,
} from './results/result-types';
export { type BayesianResult, bayesianGaussian, type GaussianPrior } from './stats/bayesian-gaussian';
export {
  type BetaBinomialResult,
  type BetaPrior,
  betaBinomial,
  EXACT_TERMS_LIMIT,
  probabilityBetaGreater,
} from './stats/beta-binomial';
export { type CupedResult, cuped } from './stats/cuped';
export { benjaminiHochberg, holm } from './stats/multiple-comparisons';
export { minimumDetectableEffect, type PowerOptions, powerAt, sampleSizePerArm } from './stats/power';
export { ratioEstimate } from './stats/ratio-metric';
export { type LiftResult, relativeLift } from './stats/relative-lift';
export { type SrmResult, sampleRatioMismatch } from './stats/sample-ratio-mismatch';
export {
  type ConfidenceSequenceResult,
  confidenceSequence,
  confidenceSequenceHalfWidth,
  type SequentialOptions,
} from './stats/sequential';
export {
  type CovariateStats,
  type Estimate,
  type MeanStats,
  meanEstimate,
  meanOf,
  type ProportionStats,
  proportionAsMean,
  type RatioStats,
  varianceOf,
} from './stats/sufficient-stats';
export { twoProportionZTest } from './stats/two-proportion-z-test';
export { type DifferenceTestResult, welchTTest } from './stats/welch-t-test';
