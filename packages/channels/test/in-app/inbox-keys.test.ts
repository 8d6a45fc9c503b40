import { isCxError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { decodeInboxCursor, encodeInboxCursor } from '../../src/adapters/in-app/inbox-cursor';
import {
  counterKey,
  entryKey,
  entryPrefix,
  keySegment,
  lookupKey,
  seqOfEntryKey,
} from '../../src/adapters/in-app/inbox-keys';

describe('inbox keys', () => {
  it('orders entries newest first in ascending key order', () => {
    const keys = [1, 2, 10, 11, 999].map((seq) => entryKey('p1', seq));
    expect([...keys].sort()).toEqual([...keys].reverse());
    expect(keys.map(seqOfEntryKey)).toEqual([1, 2, 10, 11, 999]);
  });

  it('keeps every kind of document of a profile under its own segment, apart from the entries', () => {
    expect(entryKey('p1', 1).startsWith(entryPrefix('p1'))).toBe(true);
    expect(lookupKey('p1', 'm').startsWith(entryPrefix('p1'))).toBe(false);
    expect(counterKey('p1').startsWith(entryPrefix('p1'))).toBe(false);
  });

  it('escapes "/", "%" and "~", so no profile reaches into another\'s keys', () => {
    expect(keySegment('a/e')).toBe('a%2Fe');
    expect(keySegment('100%')).toBe('100%25');
    expect(keySegment('~x')).toBe('%7Ex');
    expect(entryKey('a/e', 1).startsWith(entryPrefix('a'))).toBe(false);
  });

  it('hashes a segment too long to fit a key, deterministically', () => {
    const long = 'x'.repeat(300);
    expect(keySegment(long)).toMatch(/^~[A-Za-z0-9_-]{43}$/);
    expect(keySegment(long)).toBe(keySegment(long));
    expect(keySegment(long)).not.toBe(keySegment(`${long}y`));
    expect(lookupKey('/'.repeat(512), '/'.repeat(256)).length).toBeLessThanOrEqual(512);
  });
});

describe('inbox cursors', () => {
  const prefix = entryPrefix('p1');

  it('round-trips a position', () => {
    const position = { c: 'storage-cursor', k: entryKey('p1', 3) };
    expect(decodeInboxCursor(encodeInboxCursor(position), prefix)).toEqual(position);
    expect(decodeInboxCursor(encodeInboxCursor({ c: null, k: entryKey('p1', 3) }), prefix).c).toBeNull();
  });

  it.each([
    ['garbage', 'not-a-cursor!!'],
    ['a JSON that is not a position', Buffer.from('[1,2]').toString('base64url')],
    ['a position without a key', encodeInboxCursor({ c: null, k: undefined as unknown as string })],
    ["another profile's position", encodeInboxCursor({ c: null, k: entryKey('p2', 3) })],
  ])('refuses %s with a ValidationError', (_name, cursor) => {
    let error: unknown;
    try {
      decodeInboxCursor(cursor, prefix);
    } catch (caught) {
      error = caught;
    }
    expect(isCxError(error, 'VALIDATION')).toBe(true);
  });
});
