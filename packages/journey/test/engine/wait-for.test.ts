import { describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { DAY, HOUR, JourneyHarness } from './journey-harness';
import { around } from './recipes';

const t0 = Date.parse('2026-12-03T12:00:00Z');

const waitForShipment: JourneyDefinition = {
  id: 'order-follow-up',
  entry: { type: 'event', event: 'Order Completed', correlation: ['orderId', 'store.id'] },
  start: 'wait-shipped',
  nodes: [
    {
      type: 'wait-for',
      id: 'wait-shipped',
      until: {
        kind: 'event',
        event: 'Order Shipped',
        where: { carrier: { $in: ['ghn', 'ghtk'] } },
        // The event names the order `order_id`; the instance keeps it as `orderId`.
        correlate: { order_id: 'orderId', 'store.id': 'store.id' },
      },
      timeout: { days: 3 },
      next: 'shipped',
      onTimeout: 'late',
    },
    { type: 'exit', id: 'shipped' },
    { type: 'exit', id: 'late' },
  ],
};

function follow() {
  const harness = new JourneyHarness(waitForShipment, {
    now: t0,
    entry: { orderId: 1001, store: { id: 's1' } },
  });
  harness.enter();
  return harness;
}

describe('wait-for with correlation keys', () => {
  it('keeps numbers and nested properties as string keys', () => {
    expect(follow().state.correlation).toEqual({ orderId: '1001', 'store.id': 's1' });
  });

  it('ignores events of another order, another store, or failing the where condition', () => {
    const harness = follow();
    for (const properties of [
      { order_id: 1002, store: { id: 's1' }, carrier: 'ghn' },
      { order_id: 1001, store: { id: 's2' }, carrier: 'ghn' },
      { order_id: 1001, store: { id: 's1' }, carrier: 'dhl' },
      { store: { id: 's1' }, carrier: 'ghn' },
    ]) {
      expect(harness.event('Order Shipped', properties).effects).toEqual([]);
    }
    expect(harness.event('Order Delivered', { order_id: 1001, store: { id: 's1' } }).effects).toEqual([]);
    expect(harness.state.waiting?.node).toBe('wait-shipped');
  });

  it('keeps the event it matched in data.events, for the branches after it', () => {
    const harness = follow();
    harness.event('Order Shipped', {
      order_id: '1001',
      store: { id: 's1' },
      carrier: 'ghtk',
      trackingCode: 'VN42',
    });
    expect(harness.state.data.events).toEqual({
      'wait-shipped': {
        name: 'Order Shipped',
        properties: { order_id: '1001', store: { id: 's1' }, carrier: 'ghtk', trackingCode: 'VN42' },
      },
    });
  });

  it('moves on when the matching event comes, cancelling the timeout', () => {
    const harness = follow();
    harness.advance(5 * HOUR);
    const shipped = harness.event('Order Shipped', {
      order_id: '1001',
      store: { id: 's1' },
      carrier: 'ghtk',
    });
    expect(shipped.effects.map((effect) => effect.type)).toEqual([
      'cancel-timer',
      'journey-event',
      'journey-event',
    ]);
    expect(shipped.effects[1]).toMatchObject({
      name: 'Journey Step',
      properties: { node: 'shipped', from: 'wait-shipped' },
    });
    expect(harness.state).toMatchObject({ status: 'exited', node: 'shipped' });
    expect(harness.timer).toBeNull();
  });

  it('takes the timeout branch when the timer comes due', () => {
    const harness = follow();
    harness.advance(3 * DAY);
    expect(harness.state).toMatchObject({
      node: 'late',
      outcome: { kind: 'exit-node', id: 'late', at: t0 + 3 * DAY },
    });
  });

  it('ignores a stale timer: another node, or another due time of this node', () => {
    const harness = follow();
    const before = harness.state;
    expect(harness.step({ type: 'timer', node: 'some-other-wait' })).toEqual({ state: before, effects: [] });
    expect(harness.step({ type: 'timer', node: 'wait-shipped', at: t0 + DAY })).toEqual({
      state: before,
      effects: [],
    });
    expect(harness.state).toBe(before);
    // Without `at`, a timer of the waiting node is trusted.
    harness.now = t0 + 3 * DAY;
    harness.step({ type: 'timer', node: 'wait-shipped' });
    expect(harness.state.node).toBe('late');
  });
});

describe('wait-for a segment', () => {
  const waitForVip = around(
    {
      type: 'wait-for',
      id: 'wait-vip',
      until: { kind: 'segment', segment: 'vip', on: 'enter' },
      timeout: { days: 7 },
      next: 'done',
      onTimeout: 'timeout',
    },
    {},
    ['done', 'timeout'],
  );

  it('moves on when the person enters the segment, not when they leave another', () => {
    const harness = new JourneyHarness(waitForVip, { now: t0 });
    harness.enter();
    expect(harness.segment('newsletter', true).effects).toEqual([]);
    expect(harness.segment('vip', false).effects).toEqual([]);
    harness.advance(DAY);
    harness.segment('vip', true);
    expect(harness.state).toMatchObject({ node: 'done', status: 'exited' });
    expect(harness.timer).toBeNull();
  });

  it('goes on at once when the person is already in it', () => {
    const harness = new JourneyHarness(waitForVip, { now: t0, segments: ['vip'] });
    const entered = harness.enter();
    expect(harness.state.node).toBe('done');
    expect(entered.effects.some((effect) => effect.type === 'timer')).toBe(false);
  });
});
