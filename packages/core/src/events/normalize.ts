import { LimitError, ValidationError } from '../errors/errors';
import { parseOrThrow } from '../errors/from-zod';
import { newId as defaultNewId, type IdGenerator } from '../ids/ulid';
import type { CxEvent } from './cx-event';
import { fastParseSegmentEvent } from './fast-parse';
import { measureJson } from './json-size';
import { type SegmentEvent, segmentEventSchema } from './segment-spec';
import { markValidated } from './validated-events';

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

function checkSize(input: unknown, limit: number): void {
  let measured: ReturnType<typeof measureJson>;
  try {
    measured = measureJson(input, limit);
  } catch (cause) {
    throw new ValidationError(
      'Invalid event: not JSON-serialisable (a cycle or a BigInt)',
      [{ path: '', message: 'Not JSON-serialisable', code: 'invalid_type' }],
      { cause },
    );
  }
  if (!measured.withinLimit) {
    throw new LimitError(
      `Event is ${measured.bytes} bytes; the limit is ${limit} bytes`,
      limit,
      measured.bytes!,
    );
  }
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
 * all as UTC ISO strings. The result is frozen: the event store trusts it without
 * validating it again (use `withProfileId` to attribute it to a profile).
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
  checkSize(input, limit);
  // Both parsers build a fresh object (and strip unknown top-level keys), so it is ours to
  // complete. The fast one covers well-formed events; zod decides the rest and names each problem.
  const event = (fastParseSegmentEvent(input) ?? parseOrThrow(segmentEventSchema, input, 'event')) as Record<
    string,
    unknown
  > &
    SegmentEvent;
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

  event.messageId ??= (options.newId ?? defaultNewId)();
  event.originalTimestamp = isoString(originalTimestamp, clientTime);
  event.timestamp = timestamp === originalTimestamp ? event.originalTimestamp : isoString(timestamp);
  event.receivedAt = isoString(receivedAt, event.receivedAt);
  if (sentAt !== undefined) event.sentAt = isoString(sentAt, event.sentAt);
  return markValidated(event as CxEvent, timestamp);
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let lastMillis = Number.NaN;
let lastIso = '';

/**
 * `new Date(ms).toISOString()`, reusing the input string when it is already in that form, and the
 * previous result for the same instant (a whole batch shares one receive time).
 */
function isoString(ms: number, given?: string | Date): string {
  // Days past the 28th may roll over (Feb 30 parses as Mar 2): only reuse strings that cannot.
  if (typeof given === 'string' && CANONICAL_UTC.test(given) && given.slice(8, 10) <= '28') return given;
  if (ms !== lastMillis) {
    lastIso = new Date(ms).toISOString();
    lastMillis = ms;
  }
  return lastIso;
}
