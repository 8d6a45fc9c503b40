export {
  type CompiledFunnel,
  compileFunnel,
  defineFunnel,
  type EventMatcher,
  type FunnelDefinition,
  type FunnelDefinitionInput,
  type FunnelStep,
  funnelDefinitionSchema,
  funnelExclusionSchema,
  funnelStepSchema,
  type PropertyFilter,
  propertyFilterSchema,
} from './definition';
export type { FunnelResult, FunnelSeries, FunnelStepResult, TimeSummary } from './funnel-result';
export { funnelSql, sqlFunnel } from './sql-funnel';
export {
  createStreamingFunnel,
  StreamingFunnel,
  type StreamingFunnelOptions,
  streamFunnel,
} from './streaming-funnel';
