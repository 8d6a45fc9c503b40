import { conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import { eventNameSchema, journeyIdSchema, keyNameSchema, segmentIdSchema } from './journey-ids';
import type { EventMatch, JourneyCondition } from './journey-types';

/*
 * Event matches and the conditions goals, exit criteria and wait-for nodes wait on. Property
 * conditions go through core's strict condition validator, so `$gtee` is an `unknown_operator`
 * issue at its path instead of a condition that silently never matches.
 */

/** `{ eventProperty: correlationKey }`, at least one pair. */
const correlateSchema = z
  .record(keyNameSchema, keyNameSchema)
  .refine((pairs) => Object.keys(pairs).length > 0, 'Leave correlate out to match any such event');

const eventMatchShape = {
  event: eventNameSchema,
  where: conditionSchema.optional(),
  correlate: correlateSchema.optional(),
};

/**
 * zod schema of an {@link EventMatch}: an event name, a strict condition on its properties and the
 * correlation keys it must carry.
 *
 * @example
 * ```ts
 * eventMatchSchema.parse({ event: 'Order Completed', correlate: { cartId: 'cartId' } });
 * ```
 */
export const eventMatchSchema: z.ZodType<EventMatch> = z.strictObject(eventMatchShape);

const segmentChangeShape = {
  kind: z.literal('segment'),
  segment: segmentIdSchema,
  on: z.enum(['enter', 'exit']),
};

/**
 * zod schema of a {@link JourneyCondition}: an event (`kind: 'event'`) or a segment change
 * (`kind: 'segment'`).
 *
 * @example
 * ```ts
 * journeyConditionSchema.parse({ kind: 'segment', segment: 'churn-risk', on: 'enter' });
 * ```
 */
export const journeyConditionSchema: z.ZodType<JourneyCondition> = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('event'), ...eventMatchShape }),
  z.strictObject(segmentChangeShape),
]);

/**
 * zod schema of a goal or exit criterion: a {@link JourneyCondition} with an `id`, which becomes the
 * instance's outcome when it is met.
 *
 * @example
 * ```ts
 * namedConditionSchema.parse({ id: 'ordered', kind: 'event', event: 'Order Completed' });
 * ```
 */
export const namedConditionSchema: z.ZodType<JourneyCondition & { id: string }> = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ id: journeyIdSchema, kind: z.literal('event'), ...eventMatchShape }),
    z.strictObject({ id: journeyIdSchema, ...segmentChangeShape }),
  ],
);
