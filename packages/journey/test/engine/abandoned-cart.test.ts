import { describe, expect, it } from 'vitest';
import { at, DAY, HOUR, JourneyHarness } from './journey-harness';
import { abandonedCart } from './recipes';

// Thursday 3 Dec 2026, 12:00Z.
const t0 = at('2026-12-03T12:00:00Z');
const instanceId = 'abandoned-cart/1/p1/1';

function cart(entry: Record<string, unknown> = { cartId: 'c1', total: 42 }) {
  const harness = new JourneyHarness(abandonedCart, { now: t0, entry, traits: { firstName: 'Lan' } });
  harness.enter();
  return harness;
}

describe('the abandoned cart recipe on a manual clock', () => {
  it('keeps the cart id as its correlation key', () => {
    const harness = new JourneyHarness(abandonedCart, { now: t0, entry: { cartId: 'c1', total: 42 } });
    expect(harness.state).toMatchObject({ status: 'active', node: 'push', correlation: { cartId: 'c1' } });
  });

  it('sends the web push at once, then waits a day for a checkout of this cart', () => {
    const harness = cart();
    expect(harness.sent).toEqual([
      {
        type: 'send',
        node: 'push',
        key: `${instanceId}/push`,
        channels: ['web-push'],
        templates: { 'web-push': 'cart-push' },
        category: 'marketing',
        data: { entry: { cartId: 'c1', total: 42 } },
        at: t0,
      },
    ]);
    expect(harness.state.status).toBe('waiting');
    expect(harness.state.waiting).toEqual({
      kind: 'condition',
      node: 'wait-checkout',
      condition: { kind: 'event', event: 'Checkout Started', correlate: { cartId: 'cartId' } },
      timeoutAt: t0 + DAY,
    });
    expect(harness.timer).toEqual({ at: t0 + DAY, node: 'wait-checkout' });
    expect(harness.eventNames()).toEqual(['Journey Entered', 'Step push', 'Step wait-checkout']);
    expect(harness.journeyEvents[1]?.properties).toEqual({
      journeyId: 'abandoned-cart',
      version: 1,
      instanceId,
      node: 'push',
      from: null,
    });
  });

  it('ignores another cart, emails after a day, and converts on this cart mid-wait', () => {
    const harness = cart();

    harness.advance(2 * HOUR);
    const otherOrder = harness.event('Order Completed', { cartId: 'c2' });
    expect(otherOrder.effects).toEqual([]);
    expect(harness.event('Checkout Started', { cartId: 'c2' }).effects).toEqual([]);
    expect(harness.state.status).toBe('waiting');

    harness.advanceTo(t0 + DAY);
    expect(harness.sent.map((send) => [send.node, send.at])).toEqual([
      ['push', t0],
      ['email', t0 + DAY],
    ]);
    expect(harness.sent[1]).toMatchObject({
      channels: ['email', 'sms'],
      topic: 'cart',
      data: { coupon: 'SAVE10', entry: { cartId: 'c1', total: 42 } },
    });
    expect(harness.state.waiting).toEqual({ kind: 'timer', node: 'wait-sms', at: t0 + 3 * DAY });
    expect(harness.timer).toEqual({ at: t0 + 3 * DAY, node: 'wait-sms' });

    harness.advance(DAY);
    const order = harness.event('Order Completed', { cartId: 'c1', total: 42 });
    expect(order.effects).toEqual([
      { type: 'cancel-timer' },
      {
        type: 'journey-event',
        name: 'Journey Exited',
        properties: {
          journeyId: 'abandoned-cart',
          version: 1,
          instanceId,
          node: 'wait-sms',
          reason: 'goal',
          outcomeId: 'ordered',
        },
      },
    ]);
    expect(harness.state).toMatchObject({
      status: 'completed',
      node: 'wait-sms',
      waiting: null,
      outcome: { kind: 'goal', id: 'ordered', at: t0 + 2 * DAY },
    });
    expect(harness.timer).toBeNull();

    harness.advance(7 * DAY);
    expect(harness.sent.map((send) => send.node)).toEqual(['push', 'email']);
    expect(harness.state.path.map((step) => step.node)).toEqual([
      'push',
      'wait-checkout',
      'email',
      'wait-sms',
    ]);
    expect(harness.eventNames()).toEqual([
      'Journey Entered',
      'Step push',
      'Step wait-checkout',
      'Step email',
      'Step wait-sms',
      'Journey Exited',
    ]);
  });

  it('runs to the end when nobody orders: push, email a day later, SMS two days after', () => {
    const harness = cart();
    harness.advance(10 * DAY);
    expect(harness.sent.map((send) => [send.node, send.at])).toEqual([
      ['push', t0],
      ['email', t0 + DAY],
      ['sms', t0 + 3 * DAY],
    ]);
    expect(harness.state).toMatchObject({
      status: 'exited',
      node: 'done',
      outcome: { kind: 'exit-node', id: 'done', at: t0 + 3 * DAY },
    });
    expect(harness.journeyEvents.at(-1)).toMatchObject({
      name: 'Journey Exited',
      properties: { node: 'done', reason: 'exit-node', outcomeId: 'done' },
    });
    expect(harness.timer).toBeNull();
  });

  it('leaves the wait for a checkout of this cart, cancelling the timeout', () => {
    const harness = cart();
    harness.advance(3 * HOUR);
    const checkout = harness.event('Checkout Started', { cartId: 'c1' });
    expect(checkout.effects[0]).toEqual({ type: 'cancel-timer' });
    expect(harness.state).toMatchObject({ status: 'exited', node: 'checkout-started' });
    expect(harness.timer).toBeNull();
    expect(harness.sent.map((send) => send.node)).toEqual(['push']);
  });

  it('exits mid-wait when the person enters the unsubscribed segment', () => {
    const harness = cart();
    harness.advance(DAY + HOUR);
    const unsubscribed = harness.segment('unsubscribed', true);
    expect(unsubscribed.effects).toEqual([
      { type: 'cancel-timer' },
      expect.objectContaining({
        name: 'Journey Exited',
        properties: expect.objectContaining({ node: 'wait-sms', reason: 'exit', outcomeId: 'unsubscribed' }),
      }),
    ]);
    expect(harness.state).toMatchObject({ status: 'exited', outcome: { kind: 'exit', id: 'unsubscribed' } });
    harness.advance(5 * DAY);
    expect(harness.sent.map((send) => send.node)).toEqual(['push', 'email']);
  });

  it('never converts an instance whose entry had no cart id on an order without one', () => {
    const harness = cart({ total: 42 });
    expect(harness.state.correlation).toEqual({});
    expect(harness.event('Order Completed', {}).effects).toEqual([]);
    expect(harness.state.status).toBe('waiting');
  });
});
