import { ManualClock, memoryStorage, type Storage } from '@cx/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  and,
  atLeast,
  createSegmentEngine,
  days,
  defineSegment,
  explain,
  inLast,
  membersAt,
  membershipHistory,
  OUTSIDE,
  performed,
  type SegmentEngine,
  sizeOverTime,
  timeInSegmentStats,
  trait,
  transitionMatrix,
} from '../src';
import { append, DAY, event } from './helpers';

const WS = 'acme';
const T0 = Date.parse('2026-03-01T00:00:00Z');

describe('membership history and explain', () => {
  let clock: ManualClock;
  let storage: Storage;
  let engine: SegmentEngine;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    storage = memoryStorage({ clock });
    engine = createSegmentEngine({ storage, workspaceId: WS, clock });
    await engine.define(
      defineSegment({
        id: 'active',
        name: 'Active',
        node: performed('Product Viewed', { window: inLast(days(7)) }),
      }),
    );
    await engine.define(
      defineSegment({
        id: 'buyers',
        name: 'Buyers',
        node: performed('Order Completed', { window: inLast(days(30)) }),
      }),
    );
    await engine.drain();
  });

  const at = async (time: number, events: Parameters<typeof append>[2]) => {
    clock.set(time);
    await append(storage, WS, events);
    await engine.drain();
  };

  it('records every entry and exit with its cause, and answers questions about the past', async () => {
    await at(T0, [event('p1', T0, 'Product Viewed'), event('p2', T0, 'Product Viewed')]);
    await at(T0 + 3 * DAY, [event('p1', T0 + 3 * DAY, 'Order Completed')]);
    clock.set(T0 + 12 * DAY); // both views expire (p1's at day 7, p2's at day 7)
    await engine.drain();

    const history = await membershipHistory(storage, WS, 'active', 'p1');
    expect(history?.spans).toEqual([
      {
        in: T0,
        out: T0 + 7 * DAY,
        inCause: expect.objectContaining({ type: 'event' }),
        outCause: { type: 'time' },
      },
    ]);
    expect(await membersAt(storage, WS, 'active', T0 + DAY)).toEqual(['p1', 'p2']);
    expect(await membersAt(storage, WS, 'active', T0 + 8 * DAY)).toEqual([]);
    expect(await membersAt(storage, WS, 'buyers', T0 + 8 * DAY)).toEqual(['p1']);
    expect(await sizeOverTime(storage, WS, 'active', [T0 - DAY, T0 + DAY, T0 + 8 * DAY])).toEqual([
      { at: new Date(T0 - DAY).toISOString(), size: 0 },
      { at: new Date(T0 + DAY).toISOString(), size: 2 },
      { at: new Date(T0 + 8 * DAY).toISOString(), size: 0 },
    ]);
    expect(await timeInSegmentStats(storage, WS, 'active', T0 + 12 * DAY)).toEqual({
      profiles: 2,
      totalMs: 14 * DAY,
      averageMs: 7 * DAY,
    });
    const matrix = await transitionMatrix(storage, WS, {
      segmentIds: ['buyers', 'active'],
      from: T0 + DAY,
      to: T0 + 8 * DAY,
    });
    expect(matrix.counts.active).toEqual({ buyers: 1, active: 0, [OUTSIDE]: 1 });
    expect(matrix.counts.buyers).toEqual({ buyers: 0, active: 0, [OUTSIDE]: 0 });
  });

  it('explains which conditions held and the values seen', async () => {
    await storage.profiles.create(WS, { id: 'p1', traits: { plan: 'pro' } });
    await engine.define(
      defineSegment({
        id: 'pro-frequent',
        name: 'Pro, 2+ orders',
        node: and(trait({ plan: 'pro' }), performed('Order Completed', { count: atLeast(2) })),
      }),
    );
    await at(T0, [event('p1', T0, 'Order Completed')]);
    const explanation = await explain(engine, 'p1', 'pro-frequent');
    expect(explanation.member).toBe(false);
    expect(explanation.root.children?.map((child) => [child.path, child.held, child.seen])).toEqual([
      ['node.nodes[0]', true, { traits: { plan: 'pro' } }],
      ['node.nodes[1]', false, { count: 1, test: { op: 'gte', value: 2 }, window: 'ever' }],
    ]);
  });
});
