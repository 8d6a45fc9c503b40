export { type MetricDefinition, metricDefinitionSchema, parseMetricDefinition } from './definitions';
export {
  breakdownMarkdown,
  funnelMarkdown,
  markdownTable,
  retentionMarkdown,
  scoreMarkdown,
  webMarkdown,
} from './markdown';
