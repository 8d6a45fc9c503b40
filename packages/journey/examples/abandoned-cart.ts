import {
  defineJourney,
  exit,
  goal,
  message,
  onEvent,
  performed,
  type StepContext,
  startInstance,
  stepInstance,
  wait,
  waitFor,
} from '@cx/journey';

// Web push at once; if the same cart is not ordered within a day, an email with the product; a day
// later Zalo ZNS falling back to SMS with a coupon. Ordering that cart ends the journey at any point.
const journey = defineJourney({
  id: 'abandoned-cart',
  entry: onEvent('Cart Updated', { where: { productName: { $exists: true } }, correlation: ['cartId'] }),
  start: 'push',
  nodes: [
    message('push', { channels: ['web-push'], templates: { 'web-push': 'cart-push' } }, 'wait-order'),
    waitFor(
      'wait-order',
      {
        until: performed('Order Completed', { correlate: { cartId: 'cartId' } }),
        timeout: { days: 1 },
        onTimeout: 'email',
      },
      'done',
    ),
    message('email', { channels: ['email'], templates: { email: 'cart-email' } }, 'wait-zns'),
    wait('wait-zns', { days: 1 }, 'zns'),
    message(
      'zns',
      {
        channels: ['zns', 'sms'],
        templates: { zns: 'cart-zns', sms: 'cart-sms' },
        data: { coupon: 'CART10' },
      },
      'done',
    ),
    exit('done'),
  ],
  goals: [goal('ordered', performed('Order Completed', { correlate: { cartId: 'cartId' } }))],
  timezone: 'Asia/Ho_Chi_Minh',
});

// The step function is pure: the runtime (or a simulation) feeds it inputs and commits its effects.
const context: StepContext = {
  traits: { firstName: 'Lan' },
  segments: new Set(),
  timezone: 'Asia/Ho_Chi_Minh',
  assignVariation: () => null,
};
const day = 86_400_000;
let now = Date.parse('2026-12-03T03:00:00Z');
let state = startInstance(journey, {
  id: 'abandoned-cart@1/lan/1',
  version: 1,
  profileId: 'lan',
  entry: { cartId: 'c1', productName: 'Áo dài lụa' },
  now,
});
const show = (what: string, result: ReturnType<typeof stepInstance>) => {
  state = result.state;
  const sends = result.effects.flatMap((effect) =>
    effect.type === 'send' ? [effect.channels.join('→')] : [],
  );
  console.log(`${what}: at ${state.node} (${state.status}), sends [${sends.join(', ')}]`);
};

show('entered', stepInstance(journey, state, { type: 'enter' }, now, context));
show(
  'another cart ordered',
  stepInstance(
    journey,
    state,
    { type: 'event', name: 'Order Completed', properties: { cartId: 'c2' } },
    now,
    context,
  ),
);
now += day;
show('a day later', stepInstance(journey, state, { type: 'timer', node: 'wait-order' }, now, context));
show(
  'this cart ordered',
  stepInstance(
    journey,
    state,
    { type: 'event', name: 'Order Completed', properties: { cartId: 'c1' } },
    now,
    context,
  ),
);
console.log('outcome:', state.outcome?.kind, state.outcome?.id);
