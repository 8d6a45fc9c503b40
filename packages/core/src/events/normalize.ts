import { LimitError } from '../errors/errors';
import { parseOrThrow } from '../errors/from-zod';
import { newId as defaultNewId, type IdGenerator } from '../ids/ulid';
import type { CxEvent } from './cx-event';
import { segmentEventSchema } from './segment-spec';

/** Segment's limit on the JSON size of one event. */
export const MAX_EVENT_BYTES = 32 * 1024;

/** Options for {@link normalizeEvent}. */
export interface NormalizeOptions {
  /** When the collector received the event; defaults to now. */
  receivedAt?: Date | number;
  /** Makes a `messageId` for events sent without one; defaults to a monotonic ULID. */
  newId?: IdGenerator;
  /** The size limit in bytes of one event's JSON; defaults to {@link MAX_EVENT_BYTES}. */
  maxEventBytes?: number;
}

/** UTF-8 byte length of the event's JSON form. */
export function eventByteLength(input: unknown): number {
  return Buffer.byteLength(JSON.stringify(input) ?? '', 'utf8');
}

function toMillis(value: string | Date): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

/**
 * Corrects a client's clock skew as Segment does:
 * `timestamp = receivedAt − (sentAt − originalTimestamp)`. Without `sentAt` (historical imports)
 * the original timestamp is kept as it is.
 */
export function correctClockSkew(originalTimestamp: number, receivedAt: number, sentAt?: number): number {
  return sentAt === undefined ? originalTimestamp : receivedAt - (sentAt - originalTimestamp);
}

/**
 * Validates one Segment Spec call and turns it into a storable {@link CxEvent}: checks the 32 KB
 * limit, requires `userId` or `anonymousId`, fills in `messageId`, and sets `originalTimestamp`
 * (the client's `timestamp`, or the receive time), `receivedAt` and the skew-corrected `timestamp`,
 * all as UTC ISO strings.
 *
 * @throws `LimitError` when the event is larger than the limit; `ValidationError` naming each bad field.
 * @example
 * ```ts
 * const event = normalizeEvent(
 *   { type: 'track', event: 'Order Completed', userId: 'u1', timestamp: '2026-01-01T10:00:00Z', sentAt: '2026-01-01T10:00:05Z' },
 *   { receivedAt: Date.parse('2026-01-01T10:00:02Z') },
 * );
 * event.timestamp; // '2026-01-01T09:59:57.000Z': the client clock ran 3 s fast
 * ```
 */
export function normalizeEvent(input: unknown, options: NormalizeOptions = {}): CxEvent {
  const limit = options.maxEventBytes ?? MAX_EVENT_BYTES;
  const size = eventByteLength(input);
  if (size > limit) {
    throw new LimitError(`Event is ${size} bytes; the limit is ${limit} bytes`, limit, size);
  }
  const event = parseOrThrow(segmentEventSchema, input, 'event');
  const receivedAt =
    event.receivedAt !== undefined
      ? toMillis(event.receivedAt)
      : options.receivedAt instanceof Date
        ? options.receivedAt.getTime()
        : (options.receivedAt ?? Date.now());
  const sentAt = event.sentAt === undefined ? undefined : toMillis(event.sentAt);
  const clientTime = event.originalTimestamp ?? event.timestamp;
  const originalTimestamp = clientTime === undefined ? receivedAt : toMillis(clientTime);
  const timestamp =
    clientTime === undefined ? receivedAt : correctClockSkew(originalTimestamp, receivedAt, sentAt);

  const { writeKey: _writeKey, ...rest } = event;
  return {
    ...rest,
    messageId: event.messageId ?? (options.newId ?? defaultNewId)(),
    timestamp: new Date(timestamp).toISOString(),
    originalTimestamp: new Date(originalTimestamp).toISOString(),
    receivedAt: new Date(receivedAt).toISOString(),
    ...(sentAt === undefined ? {} : { sentAt: new Date(sentAt).toISOString() }),
  } as CxEvent;
}
