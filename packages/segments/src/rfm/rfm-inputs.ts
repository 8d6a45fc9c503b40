import { type Clock, idSchema, type Storage, workspaceIdSchema } from '@cx/core';
import { z } from 'zod';
import { quantileSketchOptionsSchema } from './kll-sketch';
import { rfmSegmentsConfigSchema } from './rfm-segments';

/** A point in time: an ISO-8601 string (`1998-06-30` is midnight UTC), a `Date` or epoch milliseconds. */
export type Instant = string | number | Date;

/** The last millisecond of year 9999: as-of times stay 24-character ISO strings that sort as text. */
const MAX_MS = 253_402_300_799_999;

/** An {@link Instant}, parsed to epoch milliseconds. */
export const instantSchema = z.union([z.string(), z.number(), z.date()]).transform((value, ctx) => {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_MS) {
    ctx.addIssue({
      code: 'custom',
      message: 'Expected an ISO date, a Date or epoch milliseconds between 1970 and 9999',
    });
    return z.NEVER;
  }
  return ms;
});

const storageSchema = z.custom<Storage>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Storage).commit === 'function' &&
    typeof (value as Storage).events?.scan === 'function',
  'Expected a cx Storage, such as memoryStorage()',
);
const clockSchema = z.custom<Clock>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Clock).now === 'function',
  'Expected a Clock with now()',
);
const propertyName = z.string().min(1).max(256);

/** Schema of the options of `createRfm`. */
export const rfmOptionsSchema = z
  .object({
    storage: storageSchema,
    workspaceId: workspaceIdSchema,
    clock: clockSchema.optional(),
    purchaseEvent: z.string().min(1).max(512).optional(),
    revenueProperty: z.union([propertyName, z.array(propertyName).min(1).max(16)]).optional(),
    monetary: z.enum(['total', 'average']).optional(),
    segments: rfmSegmentsConfigSchema.optional(),
    sketch: quantileSketchOptionsSchema.optional(),
  })
  .strict();

/** A profile id as the event store keeps it. */
export const profileIdSchema = idSchema;

/** Schema of the options of `scoresOf`. */
export const scoresOfOptionsSchema = z.object({ asOf: instantSchema.optional() }).strict().optional();

/** Schema of the two instants of `migrationMatrix`. */
export const migrationQuerySchema = z
  .object({ from: instantSchema, to: instantSchema })
  .refine((query) => query.from <= query.to, { message: '`to` must not be before `from`', path: ['to'] });
