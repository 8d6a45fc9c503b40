import { z } from 'zod';
import { namedConditionSchema } from './condition-schemas';
import { entryCapSchema, journeyEntrySchema, reentryRuleSchema } from './entry-schemas';
import { journeyIdSchema } from './journey-ids';
import type { JourneyDefinition } from './journey-types';
import { journeyNodeSchema } from './node-schemas';
import { timeZoneSchema } from './time-of-day';

/**
 * At most this many nodes: a journey larger than this is several journeys.
 *
 * @example
 * ```ts
 * MAX_JOURNEY_NODES; // 500
 * ```
 */
export const MAX_JOURNEY_NODES = 500;

/**
 * zod schema of a {@link JourneyDefinition}'s JSON form: every field, node and condition, strictly
 * (an unknown key is an error, so a typo such as `onTimout` never passes unnoticed). It checks the
 * shape only; the graph (targets, reachability, loops, exits, correlation keys) and the templates
 * are checked by {@link validateJourney}, which also runs this schema.
 *
 * @example
 * ```ts
 * const result = journeyDefinitionSchema.safeParse(JSON.parse(text));
 * if (!result.success) console.log(result.error.issues);
 * ```
 */
export const journeyDefinitionSchema: z.ZodType<JourneyDefinition> = z.strictObject({
  id: journeyIdSchema,
  name: z.string().min(1).max(200).optional(),
  entry: journeyEntrySchema,
  start: journeyIdSchema,
  nodes: z.array(journeyNodeSchema).min(1, 'A journey needs at least one node').max(MAX_JOURNEY_NODES),
  goals: z.array(namedConditionSchema).max(20).optional(),
  exitWhen: z.array(namedConditionSchema).max(20).optional(),
  reentry: reentryRuleSchema.optional(),
  entryCap: entryCapSchema.optional(),
  timezone: timeZoneSchema.optional(),
});
