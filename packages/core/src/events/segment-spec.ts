import { z } from 'zod';
import { contextSchema } from './context';

/** Every Segment Spec call type cx accepts. */
export const EVENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
/** One Segment Spec call type. */
export type EventType = (typeof EVENT_TYPES)[number];

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** True for an ISO-8601 date or date-time string of a real calendar time, or a valid `Date`. */
export function isIsoTimestamp(value: unknown): value is string | Date {
  if (typeof value === 'string') return ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * An ISO-8601 date or date-time string (or a `Date`), as Segment accepts in its timestamp fields.
 * One custom check rather than a union of refinements: these fields are on the ingest hot path.
 */
export const isoTimestampSchema = z.custom<string | Date>(
  isIsoTimestamp,
  'Expected an ISO-8601 date-time such as 2026-01-31T12:00:00.000Z',
);

/** A non-empty id of at most 1024 characters. */
export const idSchema = z
  .string()
  .min(1, 'Must not be empty')
  .max(1024, 'Must be at most 1024 characters')
  // Lone surrogates cannot be stored in UTF-8 columns; reject them rather than store U+FFFD.
  .refine((value) => value.isWellFormed(), 'Must be well-formed Unicode (no lone surrogates)');
/** A free-form object of traits or properties. */
export const bagSchema = z.record(z.string(), z.unknown());

/** The fields every Segment Spec call may carry. */
export const commonFieldsSchema = z.object({
  messageId: idSchema.optional(),
  anonymousId: idSchema.optional(),
  userId: idSchema.optional(),
  timestamp: isoTimestampSchema.optional(),
  originalTimestamp: isoTimestampSchema.optional(),
  sentAt: isoTimestampSchema.optional(),
  receivedAt: isoTimestampSchema.optional(),
  context: contextSchema.optional(),
  integrations: z.record(z.string(), z.union([z.boolean(), bagSchema])).optional(),
  version: z.union([z.number(), z.string()]).optional(),
  channel: z.string().optional(),
});

/** `identify`: who the person is, with traits. */
export const identifySchema = commonFieldsSchema.extend({
  type: z.literal('identify'),
  traits: bagSchema.optional(),
});
/** `track`: something the person did. */
export const trackSchema = commonFieldsSchema.extend({
  type: z.literal('track'),
  event: z.string().min(1, 'Track calls need an event name').max(512),
  properties: bagSchema.optional(),
});
/** `page`: a web page view. */
export const pageSchema = commonFieldsSchema.extend({
  type: z.literal('page'),
  name: z.string().optional(),
  category: z.string().optional(),
  properties: bagSchema.optional(),
});
/** `screen`: an app screen view. */
export const screenSchema = commonFieldsSchema.extend({
  type: z.literal('screen'),
  name: z.string().optional(),
  category: z.string().optional(),
  properties: bagSchema.optional(),
});
/** `group`: the person belongs to an account or organisation. */
export const groupSchema = commonFieldsSchema.extend({
  type: z.literal('group'),
  groupId: idSchema,
  traits: bagSchema.optional(),
});
/** `alias`: `previousId` and `userId` are the same person. */
export const aliasSchema = commonFieldsSchema.extend({
  type: z.literal('alias'),
  userId: idSchema,
  previousId: idSchema,
});

const requireIdentity = (event: { userId?: string; anonymousId?: string }) =>
  event.userId !== undefined || event.anonymousId !== undefined;
const identityMessage = { message: 'Either userId or anonymousId is required', path: ['userId'] };

/**
 * Any Segment Spec call as sent by a source: `messageId` and the timestamps are optional;
 * `userId` or `anonymousId` is required.
 */
export const segmentEventSchema = z
  .discriminatedUnion('type', [
    identifySchema,
    trackSchema,
    pageSchema,
    screenSchema,
    groupSchema,
    aliasSchema,
  ])
  .refine(requireIdentity, identityMessage);

/** A Segment Spec call as sent by a source (input). */
export type SegmentEventInput = z.input<typeof segmentEventSchema>;
/** A parsed Segment Spec call. */
export type SegmentEvent = z.output<typeof segmentEventSchema>;
