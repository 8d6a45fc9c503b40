import type { JourneyDefinition } from '../../src/definition/journey-types';

/**
 * The abandoned cart: a web push at once, an email after a day without checkout, an SMS two
 * days later; an order of the same cart converts it whenever it comes.
 */
export const abandonedCart: JourneyDefinition = {
  id: 'abandoned-cart',
  name: 'Abandoned cart',
  entry: { type: 'event', event: 'Cart Updated', correlation: ['cartId'] },
  start: 'push',
  nodes: [
    {
      type: 'message',
      id: 'push',
      channels: ['web-push'],
      templates: { 'web-push': 'cart-push' },
      next: 'wait-checkout',
    },
    {
      type: 'wait-for',
      id: 'wait-checkout',
      until: { kind: 'event', event: 'Checkout Started', correlate: { cartId: 'cartId' } },
      timeout: { days: 1 },
      next: 'checkout-started',
      onTimeout: 'email',
    },
    {
      type: 'message',
      id: 'email',
      channels: ['email', 'sms'],
      templates: { email: 'cart-email', sms: 'cart-sms' },
      topic: 'cart',
      data: { coupon: 'SAVE10' },
      next: 'wait-sms',
    },
    { type: 'wait', id: 'wait-sms', for: { days: 2 }, next: 'sms' },
    { type: 'message', id: 'sms', channels: ['sms'], templates: { sms: 'cart-sms-2' }, next: 'done' },
    { type: 'exit', id: 'checkout-started' },
    { type: 'exit', id: 'done' },
  ],
  goals: [{ id: 'ordered', kind: 'event', event: 'Order Completed', correlate: { cartId: 'cartId' } }],
  exitWhen: [{ id: 'unsubscribed', kind: 'segment', segment: 'unsubscribed', on: 'enter' }],
};

/** A journey of one node of interest, between `start` and an exit. */
export function around(
  node: JourneyDefinition['nodes'][number],
  extra: Partial<JourneyDefinition> = {},
  exits: string[] = ['done'],
): JourneyDefinition {
  return {
    id: 'test-journey',
    entry: { type: 'api' },
    start: node.id,
    nodes: [node, ...exits.map((id) => ({ type: 'exit' as const, id }))],
    ...extra,
  };
}
