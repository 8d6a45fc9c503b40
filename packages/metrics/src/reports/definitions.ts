import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import { funnelDefinitionSchema } from '../funnels/definition';
import { retentionSchema } from '../retention/cohorts';
import { surveyBreakdownSchema } from '../surveys/breakdown';
import { conversionOptionsSchema } from '../web/conversion';
import { sessionOptionsSchema } from '../web/sessions';

/**
 * Any metric as a serialisable definition, so a dashboard, a journey map or the documents port
 * can store it and compute it later: `JSON.stringify` it, and read it back with
 * {@link parseMetricDefinition}.
 */
export const metricDefinitionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('survey'),
    name: z.string().max(256).optional(),
    survey: z.string().optional(),
    question: z.string().optional(),
    breakdown: surveyBreakdownSchema,
  }),
  z.object({
    kind: z.literal('funnel'),
    name: z.string().max(256).optional(),
    funnel: funnelDefinitionSchema,
  }),
  z.object({
    kind: z.literal('retention'),
    name: z.string().max(256).optional(),
    retention: retentionSchema,
  }),
  z.object({
    kind: z.literal('web'),
    name: z.string().max(256).optional(),
    sessions: sessionOptionsSchema,
    conversion: conversionOptionsSchema.optional(),
  }),
]);
/** A stored metric definition. */
export type MetricDefinition = z.output<typeof metricDefinitionSchema>;

/** Validates a stored metric definition (for example one read back from JSON). */
export function parseMetricDefinition(input: unknown): MetricDefinition {
  return parseOrThrow(metricDefinitionSchema, input, 'metric definition');
}
