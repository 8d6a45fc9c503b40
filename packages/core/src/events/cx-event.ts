import { z } from 'zod';
import {
  aliasSchema,
  groupSchema,
  identifySchema,
  idSchema,
  pageSchema,
  screenSchema,
  trackSchema,
} from './segment-spec';

/** An ISO-8601 UTC date-time string as produced by `Date.prototype.toISOString()`. */
export const utcTimestampSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/,
    'Expected a UTC ISO-8601 date-time ending in Z',
  );

/**
 * What the event store adds to a Segment call: a required `messageId` (the idempotency key),
 * the skew-corrected `timestamp`, when it was received and sent, and the profile it belongs to.
 */
const storedFields = {
  messageId: idSchema,
  timestamp: utcTimestampSchema,
  originalTimestamp: utcTimestampSchema,
  receivedAt: utcTimestampSchema,
  sentAt: utcTimestampSchema.optional(),
  profileId: idSchema.nullable().optional(),
};

/**
 * A normalised event as the event store keeps it. Produce one from source input with
 * `normalizeEvent()`; the store validates every event against this schema.
 */
export const cxEventSchema = z
  .discriminatedUnion('type', [
    identifySchema.extend(storedFields),
    trackSchema.extend(storedFields),
    pageSchema.extend(storedFields),
    screenSchema.extend(storedFields),
    groupSchema.extend(storedFields),
    aliasSchema.extend(storedFields),
  ])
  .refine((event) => event.userId !== undefined || event.anonymousId !== undefined, {
    message: 'Either userId or anonymousId is required',
    path: ['userId'],
  });

/** A normalised, storable event. */
export type CxEvent = z.output<typeof cxEventSchema>;
/** A track event in stored form. */
export type CxTrackEvent = Extract<CxEvent, { type: 'track' }>;
