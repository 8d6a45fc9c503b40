import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  atLeast,
  createSegmentEngine,
  days,
  defineComputedTrait,
  defineSegment,
  inLast,
  minutes,
  performed,
  SEGMENT_EVENTS,
  type SegmentEngine,
  sequence,
} from '../src';
import { append, DAY, event } from './helpers';

const WS = 'acme';
const T0 = Date.parse('2026-03-01T00:00:00Z');

describe('segment engine', () => {
  let clock: ManualClock;
  let storage: Storage;
  let engine: SegmentEngine;

  beforeEach(() => {
    clock = new ManualClock(T0);
    storage = memoryStorage({ clock });
    engine = createSegmentEngine({ storage, workspaceId: WS, clock });
  });

  const membership = async (profileId: string) =>
    (await engine.segmentsOf(profileId)).map((m) => m.segmentId).sort();

  it('puts a profile in a sequence segment (cart, then home page) as the events arrive', async () => {
    await engine.define(
      defineSegment({
        id: 'cart-then-home',
        name: 'Added to cart, then back home',
        node: sequence(
          [{ event: 'Product Added' }, { event: 'Page Viewed', where: { path: '/' } }],
          minutes(30),
        ),
      }),
    );
    await engine.drain();
    await append(storage, WS, [event('p1', T0 + 1000, 'Product Added', { sku: 'A' })]);
    await engine.drain();
    expect(await membership('p1')).toEqual([]);
    await append(storage, WS, [event('p1', T0 + 60_000, 'page', { path: '/' })]);
    clock.set(T0 + 60_000);
    await engine.drain();
    expect(await membership('p1')).toEqual(['cart-then-home']);
    // Too late: the home page an hour after the cart does not count.
    await append(storage, WS, [
      event('p2', T0, 'Product Added'),
      event('p2', T0 + 3_600_000, 'page', { path: '/' }),
    ]);
    await engine.drain();
    expect(await membership('p2')).toEqual([]);
    const entered = await storage.events.scan(WS, { types: ['track'] });
    const names = entered.items.filter((e) => e.type === 'track' && e.event === SEGMENT_EVENTS.entered);
    expect(names).toHaveLength(1);
    expect(names[0]!.profileId).toBe('p1');
  });

  it('expires a rolling window on time, with no new event', async () => {
    await engine.define(
      defineSegment({
        id: 'frequent',
        name: 'Three orders in 90 days',
        node: performed('Order Completed', { count: atLeast(3), window: inLast(days(90)) }),
      }),
    );
    await append(
      storage,
      WS,
      [0, 10, 20].map((d) => event('p1', T0 + d * DAY, 'Order Completed', { revenue: 10 })),
    );
    clock.set(T0 + 20 * DAY);
    await engine.drain();
    expect(await membership('p1')).toEqual(['frequent']);
    clock.set(T0 + 90 * DAY - 1);
    await engine.drain();
    expect(await membership('p1')).toEqual(['frequent']);
    clock.set(T0 + 90 * DAY + 1);
    await engine.drain();
    expect(await membership('p1')).toEqual([]);
    const exits = (await storage.events.scan(WS, { types: ['track'] })).items.filter(
      (e) => e.type === 'track' && e.event === SEGMENT_EVENTS.exited,
    );
    expect(exits).toHaveLength(1);
    expect((exits[0] as unknown as { properties: { cause: unknown } }).properties.cause).toEqual({
      type: 'time',
    });
  });

  it('applies a new definition to the history before it goes live, and keeps computed traits', async () => {
    await append(storage, WS, [
      event('p1', T0 - 5 * DAY, 'Order Completed', { revenue: 30, category: 'books' }),
      event('p1', T0 - 4 * DAY, 'Order Completed', { revenue: 12, category: 'music' }),
      event('p1', T0 - 3 * DAY, 'Order Completed', { revenue: 8, category: 'books' }),
      event('p2', T0 - 2 * DAY, 'Order Completed', { revenue: 5, category: 'toys' }),
    ]);
    await engine.drain(); // the consumer is at the head before any definition exists
    await engine.defineComputedTrait(
      defineComputedTrait({ id: 'ltv', kind: 'sum', event: 'Order Completed', property: 'revenue' }),
    );
    await engine.defineComputedTrait(
      defineComputedTrait({
        id: 'favourite-category',
        kind: 'mostFrequent',
        event: 'Order Completed',
        property: 'category',
      }),
    );
    await engine.define(
      defineSegment({
        id: 'repeat',
        name: 'Repeat buyers',
        node: performed('Order Completed', { count: atLeast(2) }),
      }),
    );
    await engine.drain();
    expect(await membership('p1')).toEqual(['repeat']);
    expect(await membership('p2')).toEqual([]);
    expect(await engine.computedTraitsOf('p1')).toEqual({ ltv: 50, 'favourite-category': 'books' });
    await append(storage, WS, [event('p2', T0, 'Order Completed', { revenue: 1, category: 'toys' })]);
    await engine.drain();
    expect(await membership('p2')).toEqual(['repeat']);
    expect(await engine.computedTraitsOf('p2')).toEqual({ ltv: 6, 'favourite-category': 'toys' });
  });
});
