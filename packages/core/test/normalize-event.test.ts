import { describe, expect, it } from 'vitest';
import {
  isCxError,
  isValidatedEvent,
  LimitError,
  MAX_EVENT_BYTES,
  markValidated,
  memoryStorage,
  normalizeEvent,
  ValidationError,
  validatedTimestamp,
  withProfileId,
} from '../src';

const RECEIVED = Date.parse('2026-01-01T10:00:02.000Z');

describe('normalizeEvent', () => {
  it('corrects clock skew: timestamp = receivedAt − (sentAt − originalTimestamp)', () => {
    const event = normalizeEvent(
      {
        type: 'track',
        event: 'Order Completed',
        userId: 'u1',
        timestamp: '2026-01-01T10:00:00.000Z',
        sentAt: '2026-01-01T10:00:05.000Z',
      },
      { receivedAt: RECEIVED },
    );
    // The client clock ran 3 s fast (it sent at :05 what the server received at :02).
    expect(event.timestamp).toBe('2026-01-01T09:59:57.000Z');
    expect(event.originalTimestamp).toBe('2026-01-01T10:00:00.000Z');
    expect(event.receivedAt).toBe('2026-01-01T10:00:02.000Z');
    expect(event.sentAt).toBe('2026-01-01T10:00:05.000Z');
  });

  it('keeps a historical timestamp as it is when there is no sentAt, and normalises offsets to UTC', () => {
    const event = normalizeEvent(
      { type: 'identify', userId: 'u1', timestamp: '2019-05-01T08:00:00+07:00', traits: { plan: 'pro' } },
      { receivedAt: RECEIVED },
    );
    expect(event.timestamp).toBe('2019-05-01T01:00:00.000Z');
    expect(event.originalTimestamp).toBe('2019-05-01T01:00:00.000Z');
  });

  it('uses the receive time when the client sent no time, and fills in a messageId', () => {
    const event = normalizeEvent(
      { type: 'page', anonymousId: 'a1', name: 'Home' },
      { receivedAt: RECEIVED, newId: () => 'generated' },
    );
    expect(event.timestamp).toBe('2026-01-01T10:00:02.000Z');
    expect(event.messageId).toBe('generated');
  });

  it('rolls over impossible calendar days the same way in the string and in the stored time', () => {
    const event = normalizeEvent({
      type: 'track',
      event: 'X',
      userId: 'u',
      timestamp: '2026-02-30T00:00:00.000Z',
    });
    expect(event.timestamp).toBe(new Date(Date.parse('2026-02-30T00:00:00.000Z')).toISOString());
  });

  it('requires userId or anonymousId, and names every bad field', () => {
    const error = catchError(() => normalizeEvent({ type: 'track', event: '', properties: 'nope' }));
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['event', 'properties']);
    const missing = catchError(() => normalizeEvent({ type: 'track', event: 'X' }));
    expect((missing as ValidationError).issues.map((issue) => issue.path)).toEqual(['userId']);
    expect((missing as ValidationError).message).toContain(
      'userId: Either userId or anonymousId is required',
    );
  });

  it('rejects unknown types, bad timestamps and an alias without previousId', () => {
    for (const bad of [
      { type: 'purchase', userId: 'u' },
      { type: 'track', event: 'X', userId: 'u', timestamp: 'yesterday' },
      { type: 'track', event: 'X', userId: 'u', timestamp: '2026-13-01T00:00:00Z' },
      { type: 'alias', userId: 'u' },
      { type: 'group', userId: 'u' },
      null,
      'track',
    ]) {
      expect(
        isCxError(
          catchError(() => normalizeEvent(bad)),
          'VALIDATION',
        ),
        JSON.stringify(bad),
      ).toBe(true);
    }
  });

  it('enforces the 32 KB limit on the event JSON, exactly at the boundary', () => {
    const base = { type: 'track', event: 'X', userId: 'u', properties: { blob: '' } };
    const overhead = Buffer.byteLength(JSON.stringify(base));
    const atLimit = { ...base, properties: { blob: 'x'.repeat(MAX_EVENT_BYTES - overhead) } };
    expect(() => normalizeEvent(atLimit)).not.toThrow();
    const over = { ...base, properties: { blob: 'x'.repeat(MAX_EVENT_BYTES - overhead + 1) } };
    const error = catchError(() => normalizeEvent(over));
    expect(error).toBeInstanceOf(LimitError);
    expect((error as LimitError).actual).toBe(MAX_EVENT_BYTES + 1);
    // Multi-byte characters count in UTF-8 bytes, not string length.
    const emoji = { ...base, properties: { blob: '🎉'.repeat(Math.ceil(MAX_EVENT_BYTES / 4)) } };
    expect(
      isCxError(
        catchError(() => normalizeEvent(emoji)),
        'LIMIT',
      ),
    ).toBe(true);
  });

  it('turns cycles and BigInts into a ValidationError, never a raw TypeError', () => {
    const cyclic: Record<string, unknown> = { type: 'track', event: 'X', userId: 'u' };
    cyclic.properties = { self: cyclic };
    expect(
      isCxError(
        catchError(() => normalizeEvent(cyclic)),
        'VALIDATION',
      ),
    ).toBe(true);
    const big = { type: 'track', event: 'X', userId: 'u', properties: { n: 10n } };
    expect(
      isCxError(
        catchError(() => normalizeEvent(big)),
        'VALIDATION',
      ),
    ).toBe(true);
  });

  it('returns a frozen event that the store accepts without validating again', async () => {
    const event = normalizeEvent({
      type: 'track',
      event: 'X',
      userId: 'u',
      properties: { a: 1 },
      context: { page: { url: 'u' } },
    });
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.context?.page)).toBe(true);
    expect(Object.isFrozen((event as { properties: object }).properties)).toBe(true);
    expect(isValidatedEvent(event)).toBe(true);
    expect(isValidatedEvent({ ...event })).toBe(false);
    const storage = memoryStorage();
    const attributed = withProfileId(event, 'p1');
    expect(isValidatedEvent(attributed)).toBe(true);
    const result = await storage.events.append('acme', [attributed]);
    expect(result.inserted).toEqual([event.messageId]);
    expect((await storage.events.get('acme', event.messageId))?.profileId).toBe('p1');
  });

  it('carries the parsed event time with the trusted mark, which neither a copy nor a look-alike has', () => {
    const event = normalizeEvent(
      {
        type: 'track',
        event: 'X',
        userId: 'u',
        timestamp: '2026-01-01T10:00:00Z',
        sentAt: '2026-01-01T10:00:05Z',
      },
      { receivedAt: Date.parse('2026-01-01T10:00:02Z') },
    );
    expect(validatedTimestamp(event)).toBe(Date.parse(event.timestamp));
    expect(validatedTimestamp(withProfileId(event, 'p1'))).toBe(Date.parse(event.timestamp));
    expect(validatedTimestamp({ ...event })).toBeUndefined();
    expect(validatedTimestamp(Object.freeze({ ...event }))).toBeUndefined();
    expect(validatedTimestamp(null)).toBeUndefined();
    expect(validatedTimestamp('event')).toBeUndefined();
    // Marking twice keeps the first mark rather than throwing.
    expect(markValidated(event)).toBe(event);
    expect(validatedTimestamp(event)).toBe(Date.parse(event.timestamp));
  });

  it('withProfileId with an invalid profile id loses the trusted mark, so the store rejects it', async () => {
    const event = normalizeEvent({ type: 'track', event: 'X', userId: 'u' });
    const bad = withProfileId(event, '');
    expect(isValidatedEvent(bad)).toBe(false);
    const result = await memoryStorage().events.append('acme', [bad]);
    expect(result.rejected.map((r) => r.code)).toEqual(['VALIDATION']);
  });

  it('leaves the caller’s own nested objects unfrozen', () => {
    const nested = { sku: 'A' };
    normalizeEvent({ type: 'track', event: 'X', userId: 'u', properties: { item: nested } });
    expect(Object.isFrozen(nested)).toBe(false);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
