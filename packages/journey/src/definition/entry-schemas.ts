import { conditionSchema } from '@cx/core/conditions';
import { z } from 'zod';
import { durationSchema } from './duration';
import { eventNameSchema, keyNameSchema, segmentIdSchema } from './journey-ids';
import type { EntryCap, JourneyEntry, ReentryRule } from './journey-types';
import { timeOfDaySchema, weekdaysSchema } from './time-of-day';

/** Correlation key names: at least one, each once. */
const correlationSchema = z
  .array(keyNameSchema)
  .min(1, 'Leave correlation out when the entry has no correlation keys')
  .max(10)
  .superRefine((keys, ctx) => {
    for (const [index, key] of keys.entries()) {
      if (keys.indexOf(key) !== index) {
        ctx.addIssue({
          code: 'custom',
          message: `Correlation key ${key} is listed twice`,
          path: [index],
          params: { cxCode: 'duplicate_correlation_key' },
        });
      }
    }
  });

/**
 * zod schema of a {@link JourneyEntry}: an event (with an optional strict condition and correlation
 * keys), a segment change, a schedule for a segment's members at a local `HH:MM`, or the API.
 *
 * @example
 * ```ts
 * journeyEntrySchema.parse({ type: 'event', event: 'Cart Updated', correlation: ['cartId'] });
 * journeyEntrySchema.parse({ type: 'schedule', every: 'week', at: '09:00', weekdays: [1], segment: 'vip' });
 * ```
 */
export const journeyEntrySchema: z.ZodType<JourneyEntry> = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('event'),
    event: eventNameSchema,
    where: conditionSchema.optional(),
    correlation: correlationSchema.optional(),
  }),
  z.strictObject({ type: z.literal('segment'), segment: segmentIdSchema, on: z.enum(['enter', 'exit']) }),
  z.strictObject({
    type: z.literal('schedule'),
    every: z.enum(['day', 'week']),
    at: timeOfDaySchema,
    weekdays: weekdaysSchema.optional(),
    segment: segmentIdSchema,
  }),
  z.strictObject({ type: z.literal('api'), correlation: correlationSchema.optional() }),
]);

/**
 * zod schema of a {@link ReentryRule}. A cooldown with `mode: 'once'` is refused: nobody re-enters,
 * so it would never apply and was surely meant for another mode.
 *
 * @example
 * ```ts
 * reentryRuleSchema.parse({ mode: 'after-exit', cooldown: { days: 7 } });
 * ```
 */
export const reentryRuleSchema: z.ZodType<ReentryRule> = z
  .strictObject({ mode: z.enum(['once', 'after-exit', 'always']), cooldown: durationSchema.optional() })
  .refine((rule) => !(rule.mode === 'once' && rule.cooldown !== undefined), {
    message: 'A cooldown never applies when people enter once',
    path: ['cooldown'],
    params: { cxCode: 'unused_cooldown' },
  });

/**
 * zod schema of an {@link EntryCap}: a positive whole number of entries per day, week or for the
 * journey's life.
 *
 * @example
 * ```ts
 * entryCapSchema.parse({ max: 10_000, per: 'day' });
 * ```
 */
export const entryCapSchema: z.ZodType<EntryCap> = z.strictObject({
  max: z.number().int().positive('An entry cap lets at least one person in'),
  per: z.enum(['day', 'week', 'journey']),
});
