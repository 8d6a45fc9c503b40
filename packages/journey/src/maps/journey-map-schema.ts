import { CHANNEL_KINDS } from '@cx/channels';
import { conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import { eventNameSchema, journeyIdSchema } from '../definition/journey-ids';
import { OFFLINE_CHANNELS, STAGE_KINDS } from './journey-map-types';

/*
 * The shape of a map only. Counts (a stage without touchpoints, too few stages), duplicate ids and
 * the stage order are checked by `validateJourneyMap`, which also runs them on input this schema
 * refuses, so one call reports every problem.
 */

const textSchema = z.string().min(1).max(256);

const touchpointEventSchema = z.strictObject({
  event: eventNameSchema,
  where: conditionSchema.optional(),
});

const touchpointSchema = z.strictObject({
  id: journeyIdSchema,
  name: textSchema,
  channel: z.enum([...CHANNEL_KINDS, ...OFFLINE_CHANNELS]).optional(),
  events: z.array(touchpointEventSchema).min(1, 'A touchpoint needs at least one event').max(20),
  journeyNodes: z
    .array(z.strictObject({ journeyId: journeyIdSchema, node: journeyIdSchema }))
    .max(50)
    .optional(),
});

const emotionSchema = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('manual'),
    score: z.number().min(-2).max(2),
    note: z.string().max(1000).optional(),
  }),
  z.strictObject({
    source: z.literal('survey'),
    survey: z.strictObject({
      event: eventNameSchema.optional(),
      where: conditionSchema.optional(),
      metric: z.enum(['nps', 'csat', 'ces', 'ces-agreement']),
      scale: z.string().min(1).max(64).optional(),
      scoreProperty: z.string().min(1).max(128).optional(),
    }),
  }),
]);

const stageSchema = z.strictObject({
  id: journeyIdSchema,
  name: textSchema,
  kind: z.enum(STAGE_KINDS),
  touchpoints: z.array(touchpointSchema).max(50),
  emotion: emotionSchema.optional(),
  painPoints: z.array(z.string().min(1).max(1000)).max(50).optional(),
});

/**
 * zod schema of a {@link JourneyMap}'s shape (strict: unknown keys are issues). Use
 * `validateJourneyMap` for the full check.
 *
 * @example
 * ```ts
 * journeyMapSchema.safeParse({ id: 'shop', name: 'Shop', stages: [] }).success; // true (shape only)
 * ```
 */
export const journeyMapSchema = z.strictObject({
  id: journeyIdSchema,
  name: textSchema,
  description: z.string().max(10_000).optional(),
  stages: z.array(stageSchema).max(20),
});
