import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  atLeast,
  createSegmentEngine,
  defineComputedTrait,
  defineSegment,
  performed,
  SEGMENT_EVENTS,
  type SegmentEngine,
} from '../src';
import { mergeEvent } from './differential-data';
import { append, event } from './helpers';

const WS = 'acme';
const T0 = Date.parse('2026-03-01T00:00:00Z');

function unmergeEvent(from: string, into: string, at: number) {
  const merged = mergeEvent(from, into, at, `unmerge-${from}`);
  return { ...merged, event: 'Profile Unmerged' } as typeof merged;
}

describe('identity merges and unmerges', () => {
  let clock: ManualClock;
  let storage: Storage;
  let engine: SegmentEngine;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    storage = memoryStorage({ clock });
    engine = createSegmentEngine({ storage, workspaceId: WS, clock });
    await engine.define(
      defineSegment({
        id: 'repeat',
        name: 'Repeat',
        node: performed('Order Completed', { count: atLeast(2) }),
      }),
    );
    await engine.defineComputedTrait(
      defineComputedTrait({ id: 'orders', kind: 'count', event: 'Order Completed' }),
    );
    await engine.drain();
    for (const id of ['a', 'b']) await storage.profiles.create(WS, { id });
  });

  const segments = async (id: string) => (await engine.segmentsOf(id)).map((m) => m.segmentId);

  it('moves state and membership to the surviving profile, and back on unmerge', async () => {
    await append(storage, WS, [event('a', T0, 'Order Completed'), event('b', T0 + 1, 'Order Completed')]);
    await engine.drain();
    expect(await segments('a')).toEqual([]);
    expect(await segments('b')).toEqual([]);

    await storage.profiles.merge(WS, { from: 'a', into: 'b' });
    await append(storage, WS, [mergeEvent('a', 'b', T0 + 2, 'merge-1')]);
    await engine.drain();
    expect(await segments('b')).toEqual(['repeat']);
    expect(await engine.computedTraitsOf('b')).toEqual({ orders: 2 });
    expect(await engine.computedTraitsOf('a')).toEqual({ orders: 0 });
    const entered = (await storage.events.scan(WS)).items.filter(
      (e) => e.type === 'track' && e.event === SEGMENT_EVENTS.entered,
    );
    expect(
      entered.map((e) => [
        e.profileId,
        (e as unknown as { properties: { cause: { type: string } } }).properties.cause.type,
      ]),
    ).toEqual([['b', 'merge']]);

    await storage.profiles.unmerge(WS, {
      from: 'a',
      into: 'b',
      intoIdentifiers: [],
      fromIdentifiers: [],
      intoTraits: {},
      fromTraits: {},
    });
    await append(storage, WS, [unmergeEvent('a', 'b', T0 + 3)]);
    await engine.drain();
    expect(await segments('b')).toEqual([]);
    expect(await engine.computedTraitsOf('a')).toEqual({ orders: 1 });
    expect(await engine.computedTraitsOf('b')).toEqual({ orders: 1 });
  });

  it('forgets a deleted person, history included', async () => {
    await append(storage, WS, [event('a', T0, 'Order Completed'), event('a', T0 + 1, 'Order Completed')]);
    await engine.drain();
    expect(await segments('a')).toEqual(['repeat']);
    const deleted = {
      ...mergeEvent('a', 'a', T0 + 2, 'deleted-a'),
      event: 'Profile Deleted',
      profileId: null,
      properties: { profileIds: ['a'] },
    };
    await append(storage, WS, [deleted as never]);
    await engine.drain();
    expect(await segments('a')).toEqual([]);
    expect(await storage.documents.get(WS, 'segments.history', 'repeat/a')).toMatchObject({ value: null });
  });
});
